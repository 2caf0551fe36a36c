// Package dialoguetest runs golden conversations: txtar files holding an
// assistant, optional webhook stubs, what the user types and what the bot must
// answer. The engine's own tests and `parley test` share it.
//
// # Format
//
//	# a comment describing the conversation
//	-- options --
//	schema ../path/to/schema.json      (instead of an assistant.json section)
//	map-url https://fn.example.com={{hooks}}
//	timeout 200ms                      (webhook timeout)
//	max-memory 512                     (bytes)
//	channel sms                        (default: custom channel "test")
//	user +15555550100                  (default: "user")
//	trace                              (show redirects as "~ target" lines)
//	-- assistant.json --
//	{"uniqueName": "demo", "tasks": [...]}
//	-- hook /greeting --
//	status: 200
//	expect: CurrentTask=greeting
//
//	{"actions": [{"say": "Hi {{form "UserIdentifier"}}"}, {"listen": true}]}
//	-- conversation --
//	> hello
//	< Hi user
//	= listening
//	-- memory.json --
//	{"twilio": {"custom.test": {}}}
//
// In the conversation, "> text" is a user message and ">> 12" keypad digits;
// the lines after it are the bot's answer to it: "< text" a say,
// "< [show] body", "< [play] url", "< [handoff] uri", "! text" a fault, "~ uri"
// a redirect (with the trace option), and one state line: "= listening",
// "= question NAME", "= ended". Lines starting with "#" are comments.
//
// Each "hook PATH" section is served by a stub HTTP server whose base URL
// replaces {{hooks}} in map-url options (and https://hooks.test always). Every
// request to it must carry a valid X-Twilio-Signature. A stub's header lines
// (status, delay, content-type, expect NAME=VALUE, expect-absent NAME) come
// before its body, which is a Go text/template with the functions form NAME,
// memory PATH (a dotted path into the Memory parameter), hooks (the stubs'
// base URL, to redirect from one stub to another) and repeat S N.
//
// The "memory.json" section, when present, must equal the dialogue's Memory
// after the last message.
package dialoguetest
