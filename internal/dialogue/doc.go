// Package dialogue is Parley's engine: it takes one user message (a [Turn]),
// runs the matched task's Autopilot actions, and returns what the bot says (a
// [Reply]).
//
// # One turn
//
// [Engine.Handle] loads the assistant (compiled and cached by revision) and the
// user's active dialogue, then either treats the message as the answer to a
// pending collect question, or asks the NLU which task it is for (restricted
// by a pending listen's tasks) and falls back to defaults.fallback when none
// fits. It then interprets Actions JSON: say, play and show fill the reply;
// remember merges into Memory; listen ends the turn waiting for input;
// collect asks its questions; handoff ends the dialogue; redirect jumps to a
// task (task://name) or to a URL that answers with more Actions JSON; a list
// that runs out without listen ends the dialogue.
//
// # Invariants
//
//   - At most [Options.MaxRedirects] (5) redirects per turn, counted across
//     task and URL redirects and collect on_complete and max_attempts
//     redirects. One more fails the turn.
//   - A failed turn (a webhook fault, invalid Actions JSON, an unknown task,
//     too many redirects, Memory over its limit) is logged with what failed,
//     recorded in [Reply.Faults], and answered with the fallback; it is never
//     an error of Handle.
//   - A turn's new state is saved before Handle returns, so the reply is only
//     sent once its state is committed. Turns of one dialogue are serialized:
//     in process by a lock per dialogue, across processes by the store's
//     compare-and-swap on the dialogue's version.
//
// The engine knows no HTTP request, SQL or TwiML: channels build the Turn and
// render the Reply; the store is an interface.
package dialogue
