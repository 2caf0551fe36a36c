// Command parley-bench measures how many custom-channel turns per second a
// parley server answers over HTTP, and at what latency, against a bare
// net/http handler that does the same HTTP work (routing, form parsing, Basic
// auth, a small JSON reply) and nothing else. The ratio of the two is what
// BENCHMARKS.md quotes: absolute numbers depend on the machine, the ratio much
// less.
//
// Usage:
//
//	go build -o /tmp/parley ./cmd/parley
//	go run ./cmd/parley-bench -parley /tmp/parley
//
// It builds nothing. It writes a small static assistant (a greeting task with
// a few samples that says one sentence and listens; no webhooks) to a
// temporary directory, starts the given binary as "parley serve" on a free
// loopback port with a fresh data directory and a pinned account, and starts
// itself as the bare handler ("parley-bench -serve-baseline ADDR") in a
// process of its own, so that both servers are measured the same way. Then,
// alternating between the two servers for -rounds rounds:
//
//   - closed loop: -c clients, each with -users users of its own whose
//     dialogues grow turn by turn, send turns back to back over keep-alive
//     connections for -d (or -n turns); the successes per second are the
//     server's maximum throughput;
//   - open loop: turns are sent on a fixed schedule at -load times Parley's
//     median maximum throughput, to both servers, for -d; the latency of a
//     turn runs from its scheduled time, so late sends count against the
//     server.
//
// Only a 200 whose body is JSON carrying the assistant's say counts as a
// success; anything else is an error, and errors are reported. The result is
// a Markdown report on standard output (medians over the rounds, the ratio,
// each round, the command line and the machine); progress goes to standard
// error. Traffic goes to loopback addresses only.
package main

import (
	"context"
	"crypto/rand"
	"debug/buildinfo"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// The assistant the benchmark serves.
const (
	assistantName = "bench"
	greeting      = "Hello! This is the benchmark bot. How can I help?"
)

const schema = `{
  "uniqueName": "` + assistantName + `",
  "friendlyName": "parley-bench assistant",
  "defaults": {"defaults": {"assistant_initiation": "task://greeting", "fallback": "task://greeting"}},
  "fieldTypes": [],
  "tasks": [
    {
      "uniqueName": "greeting",
      "actions": {"actions": [{"say": "` + greeting + `"}, {"listen": true}]},
      "fields": [],
      "samples": [
        {"language": "en-US", "taggedText": "hello"},
        {"language": "en-US", "taggedText": "hi"},
        {"language": "en-US", "taggedText": "hi there"},
        {"language": "en-US", "taggedText": "hey"},
        {"language": "en-US", "taggedText": "good morning"},
        {"language": "en-US", "taggedText": "good evening"}
      ]
    }
  ]
}
`

// Goals of the issue that asked for this benchmark.
const (
	goalRatio = 0.25
	goalP99   = 5 * time.Millisecond
)

type config struct {
	parley   string
	clients  int
	users    int
	workers  int
	duration time.Duration
	max      int
	rounds   int
	load     float64
}

func main() {
	var cfg config
	baseline := flag.String("serve-baseline", "", "serve the bare handler on `ADDR` (HOST:PORT) instead of benchmarking; used by the benchmark itself")
	flag.StringVar(&cfg.parley, "parley", "", "`path` of a parley binary built beforehand (go build -o PATH ./cmd/parley)")
	flag.IntVar(&cfg.clients, "c", 32, "concurrent clients of the closed-loop runs")
	flag.IntVar(&cfg.users, "users", 4, "distinct users (dialogues) per client or sender")
	flag.IntVar(&cfg.workers, "senders", 64, "concurrent senders of the open-loop runs")
	flag.DurationVar(&cfg.duration, "d", 5*time.Second, "duration of each run")
	flag.IntVar(&cfg.max, "n", 1_000_000, "most turns sent in one run")
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds; each runs both servers, alternating which goes first")
	memory := flag.Int("memory", 0, "instead of the turn benchmark, measure the resident memory of a server with `N` assistants of 50 tasks x 10 samples after one turn to each")
	var cc consistencyConfig
	consistency := flag.Bool("consistency", false, "instead of the turn benchmark, check that turns across -nodes servers on one store are each applied once: -dialogues concurrent dialogues of -turns turns")
	flag.IntVar(&cc.nodes, "nodes", 2, "with -consistency: servers on the one store")
	flag.IntVar(&cc.dialogues, "dialogues", 200, "with -consistency: concurrent dialogues")
	flag.IntVar(&cc.turns, "turns", 50, "with -consistency: turns of each dialogue")
	flag.StringVar(&cc.db, "db", "", "with -consistency: a PostgreSQL `DSN` for the store (default: SQLite in a fresh data directory)")
	flag.BoolVar(&cc.kill, "kill", false, "with -consistency: kill (SIGKILL) the first server halfway")
	before := flag.String("before", "", "with -memory: `path` of another parley binary to measure the same way, as the baseline")
	flag.Float64Var(&cfg.load, "load", 0.5, "rate of the open-loop runs, as a fraction of Parley's median maximum throughput")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: parley-bench -parley PATH [flags]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	switch {
	case *baseline != "":
		err = serveBaseline(*baseline)
	case cfg.parley == "":
		fmt.Fprintln(os.Stderr, "parley-bench: -parley is required (go build -o /tmp/parley ./cmd/parley)")
		os.Exit(2)
	case *memory < 0:
		fmt.Fprintln(os.Stderr, "parley-bench: -memory must be positive")
		os.Exit(2)
	case *consistency && (cc.nodes < 1 || cc.dialogues < 1 || cc.turns < 1 || (cc.kill && cc.nodes < 2)):
		fmt.Fprintln(os.Stderr, "parley-bench: -nodes, -dialogues and -turns must be positive, and -kill needs two nodes")
		os.Exit(2)
	case *consistency && cfg.parley != "":
		err = runConsistency(cfg, cc, os.Stdout, os.Stderr)
	case *memory > 0:
		err = runMemory(cfg, *memory, *before, os.Stdout, os.Stderr)
	case cfg.clients < 1 || cfg.users < 1 || cfg.workers < 1 || cfg.rounds < 1 || cfg.max < 1 || cfg.duration <= 0 || cfg.load <= 0:
		fmt.Fprintln(os.Stderr, "parley-bench: -c, -users, -senders, -rounds, -n, -d and -load must be positive")
		os.Exit(2)
	default:
		err = run(cfg, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-bench:", err)
		os.Exit(1)
	}
}

// A round is what one round measured on each server.
type round struct {
	closed, open [2]result // [parley, baseline]
}

func run(cfg config, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	parleyPath, err := filepath.Abs(cfg.parley)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	schemaPath := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(schemaPath, []byte(schema), 0o600); err != nil {
		return err
	}
	sid, token := "AC"+randHex(16), randHex(16)
	env := []string{"PARLEY_ACCOUNT_SID=" + sid, "PARLEY_AUTH_TOKEN=" + token}

	base, err := startServer("baseline", self, []string{"-serve-baseline", "127.0.0.1:0"}, env, filepath.Join(dir, "baseline.log"))
	if err != nil {
		return err
	}
	defer base.stop()
	par, err := startServer("parley", parleyPath, []string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--import", schemaPath}, env, filepath.Join(dir, "parley.log"))
	if err != nil {
		return err
	}
	defer par.stop()

	conns := max(cfg.clients, cfg.workers)
	var targets [2]*target
	for i, s := range []*server{par, base} {
		if targets[i], err = newTarget(s.name, s.base, sid, token, assistantName, greeting, conns); err != nil {
			return err
		}
	}

	rounds := make([]round, cfg.rounds)
	// order returns the servers in the order round r runs them.
	order := func(r int) []int {
		if r%2 == 0 {
			return []int{1, 0}
		}
		return []int{0, 1}
	}
	for r := range rounds {
		for _, i := range order(r) {
			res := closedLoop(ctx, targets[i], cfg.clients, cfg.users, cfg.duration, cfg.max)
			rounds[r].closed[i] = res
			fmt.Fprintf(stderr, "round %d/%d closed loop %-8s %8.0f req/s  %d errors%s\n", r+1, cfg.rounds, targets[i].name, res.rate(), res.errs, errNote(res))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	var parleyMax []float64
	for _, r := range rounds {
		parleyMax = append(parleyMax, r.closed[0].rate())
	}
	rate := cfg.load * median(parleyMax)
	if rate < 1 {
		return fmt.Errorf("parley served %.1f turns/s at most: nothing to measure latency at%s", median(parleyMax), par.logTail())
	}
	for r := range rounds {
		for _, i := range order(r) {
			res := openLoop(ctx, targets[i], rate, cfg.workers, cfg.users, cfg.duration, cfg.max)
			rounds[r].open[i] = res
			fmt.Fprintf(stderr, "round %d/%d open loop %-8s %8.0f req/s  p50 %s ms  p99 %s ms  %d errors%s\n", r+1, cfg.rounds, targets[i].name, res.rate(),
				ms(percentile(res.latencies, 50)), ms(percentile(res.latencies, 99)), res.errs, errNote(res))
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	report(stdout, cfg, parleyPath, rate, rounds)
	return nil
}

func errNote(r result) string {
	if r.firstErr == nil {
		return ""
	}
	return " (first: " + r.firstErr.Error() + ")"
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// report writes the Markdown report.
func report(w io.Writer, cfg config, parleyPath string, rate float64, rounds []round) {
	med := func(f func(round) float64) float64 {
		var xs []float64
		for _, r := range rounds {
			xs = append(xs, f(r))
		}
		return median(xs)
	}
	maxP := med(func(r round) float64 { return r.closed[0].rate() })
	maxB := med(func(r round) float64 { return r.closed[1].rate() })
	pct := func(i int, p float64) float64 {
		return med(func(r round) float64 { return float64(percentile(r.open[i].latencies, p)) })
	}
	p50P, p99P, p50B, p99B := pct(0, 50), pct(0, 99), pct(1, 50), pct(1, 99)
	errs := func(i int) (n int) {
		for _, r := range rounds {
			n += r.closed[i].errs + r.open[i].errs
		}
		return n
	}
	ratio := 0.0
	if maxB > 0 {
		ratio = maxP / maxB
	}
	msf := func(ns float64) string { return ms(time.Duration(ns)) }

	fmt.Fprintf(w, "### Custom channel turn vs. bare net/http handler\n\n")
	fmt.Fprintf(w, "Medians of %d alternating rounds of %s each.\n\n", cfg.rounds, cfg.duration)
	fmt.Fprintf(w, "| | Parley (turns/s) | Bare handler (requests/s) | Parley / bare |\n|---|--:|--:|--:|\n")
	fmt.Fprintf(w, "| Max throughput, closed loop, %d clients | %.0f | %.0f | %.2f |\n", cfg.clients, maxP, maxB, ratio)
	fmt.Fprintf(w, "\n| Open loop at %.0f req/s (%.0f%% of Parley's max) | Parley | Bare handler |\n|---|--:|--:|\n", rate, cfg.load*100)
	fmt.Fprintf(w, "| p50 latency (ms) | %s | %s |\n", msf(p50P), msf(p50B))
	fmt.Fprintf(w, "| p99 latency (ms) | %s | %s |\n", msf(p99P), msf(p99B))
	fmt.Fprintf(w, "| Errors, all runs | %d | %d |\n", errs(0), errs(1))

	fmt.Fprintf(w, "\nGoals: ratio ≥ %.2f: %s (%.3f); p99 ≤ %s ms at %.0f%% load: %s (%s ms).\n",
		goalRatio, met(ratio >= goalRatio), ratio, ms(goalP99), cfg.load*100, met(time.Duration(p99P) <= goalP99), msf(p99P))

	fmt.Fprintf(w, "\nEach round:\n\n| Round | Parley turns/s | Bare req/s | Ratio | Parley p50 / p99 / max (ms) | Bare p50 / p99 / max (ms) | Open-loop rate achieved, Parley / bare |\n|--:|--:|--:|--:|--:|--:|--:|\n")
	for i, r := range rounds {
		ratio := 0.0
		if b := r.closed[1].rate(); b > 0 {
			ratio = r.closed[0].rate() / b
		}
		fmt.Fprintf(w, "| %d | %.0f | %.0f | %.2f | %s / %s / %s | %s / %s / %s | %.0f / %.0f |\n", i+1, r.closed[0].rate(), r.closed[1].rate(), ratio,
			ms(percentile(r.open[0].latencies, 50)), ms(percentile(r.open[0].latencies, 99)), ms(percentile(r.open[0].latencies, 100)),
			ms(percentile(r.open[1].latencies, 50)), ms(percentile(r.open[1].latencies, 99)), ms(percentile(r.open[1].latencies, 100)),
			r.open[0].rate(), r.open[1].rate())
	}

	fmt.Fprintf(w, "\nCommand: `%s`\n\n", commandLine())
	fmt.Fprintf(w, "Machine: %d CPUs (%s), %s/%s, kernel %s; GOMAXPROCS %d; %s\n\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, kernel(), runtime.GOMAXPROCS(0), builtWith(parleyPath))
	fmt.Fprintf(w, "Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
}

func met(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

// commandLine returns the command that reruns this benchmark.
func commandLine() string {
	args := []string{"go", "run", "./cmd/parley-bench"}
	for _, a := range os.Args[1:] {
		args = append(args, shellQuote(a))
	}
	return strings.Join(args, " ")
}

var plainArg = regexp.MustCompile(`^[A-Za-z0-9_./=:,+-]+$`)

func shellQuote(s string) string {
	if plainArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func kernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// builtWith describes the Go versions of this program and of the parley
// binary, and the commit the latter was built from.
func builtWith(parleyPath string) string {
	s := "parley-bench " + runtime.Version()
	bi, err := buildinfo.ReadFile(parleyPath)
	if err != nil {
		return s
	}
	s += ", parley " + bi.GoVersion
	var rev, modified string
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			modified = st.Value
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		s += " at " + rev
		if modified == "true" {
			s += " (modified tree)"
		}
		return s
	}
	// Built with -buildvcs=false: say which tree the benchmark ran from.
	if out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output(); err == nil {
		s += "; working tree at " + strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			s += " with uncommitted changes"
		}
	}
	return s
}
