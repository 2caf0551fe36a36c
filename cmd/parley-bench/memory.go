package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// memoryWords make up the samples of the memory benchmark's assistants, as in
// internal/dialogue's BenchmarkAssistantsMemory.
var memoryWords = strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu book cancel order pay ship track return refund open close start stop help call")

// memorySchema returns the schema of assistant i of the memory benchmark:
// 50 tasks of 10 samples each, every task saying one sentence and listening.
func memorySchema(i int) []byte {
	type sample struct {
		Language   string `json:"language"`
		TaggedText string `json:"taggedText"`
	}
	type task struct {
		UniqueName string          `json:"uniqueName"`
		Actions    json.RawMessage `json:"actions"`
		Samples    []sample        `json:"samples"`
	}
	var tasks []task
	w := memoryWords
	for j := range 50 {
		t := task{UniqueName: fmt.Sprintf("t%d", j), Actions: json.RawMessage(fmt.Sprintf(`{"actions":[{"say":"ok %d"},{"listen":true}]}`, j))}
		for k := range 10 {
			t.Samples = append(t.Samples, sample{"en-US", fmt.Sprintf("%s %s %s number %d", w[(i+j+k)%len(w)], w[(j*3+k)%len(w)], w[(j+k*7)%len(w)], j*10+k)})
		}
		tasks = append(tasks, t)
	}
	b, _ := json.Marshal(map[string]any{"uniqueName": fmt.Sprintf("m%d", i), "tasks": tasks})
	return b
}

// A memoryRun is what one server process held.
type memoryRun struct {
	label           string
	idle, after, hw int64 // kB: RSS at start, RSS after the turns, peak RSS
	anon            int64 // kB: the anonymous part of after (heaps, not files)
}

// runMemory imports n assistants of 50 tasks x 10 samples into a fresh data
// directory, then, for each cache size, starts "parley serve" on it, sends
// one custom-channel turn to each assistant and reads the process's resident
// set size from /proc. With an unbounded cache every assistant stays
// compiled. before, when not empty, is another parley binary measured the
// same way in the same run (its own import, the default cache): the
// baseline.
func runMemory(cfg config, n int, before string, stdout, stderr io.Writer) error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("-memory reads /proc: Linux only")
	}
	parleyPath, err := filepath.Abs(cfg.parley)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parley-bench-memory-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	schemas := filepath.Join(dir, "schemas")
	if err := os.Mkdir(schemas, 0o700); err != nil {
		return err
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(schemas, fmt.Sprintf("m%03d.json", i)), memorySchema(i), 0o600); err != nil {
			return err
		}
	}
	sid, token := "AC"+randHex(16), randHex(16)
	env := []string{"PARLEY_ACCOUNT_SID=" + sid, "PARLEY_AUTH_TOKEN=" + token}

	type server struct{ label, path, cacheMB string }
	servers := []server{{"parley, --cache-mb 128 (the default)", parleyPath, "128"}, {"parley, --cache-mb 100000 (unbounded)", parleyPath, "100000"}}
	if before != "" {
		beforePath, err := filepath.Abs(before)
		if err != nil {
			return err
		}
		servers = append(servers, server{"-before binary, --cache-mb 128", beforePath, "128"})
	}
	var runs []memoryRun
	imported := map[string]string{} // binary -> its data directory
	for _, sv := range servers {
		data, ok := imported[sv.path]
		if !ok {
			// Each binary imports and builds the models itself, in its own
			// model format.
			data = filepath.Join(dir, fmt.Sprintf("data%d", len(imported)))
			fmt.Fprintf(stderr, "%s: importing and building %d assistants...\n", sv.path, n)
			imp := exec.Command(sv.path, "import", "--data", data, schemas)
			imp.Env = append(os.Environ(), env...)
			if out, err := imp.CombinedOutput(); err != nil {
				return fmt.Errorf("%s import: %v: %s", sv.path, err, out)
			}
			imported[sv.path] = data
		}
		s, err := startServer("parley", sv.path, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--cache-mb", sv.cacheMB}, env, filepath.Join(dir, "parley.log"))
		if err != nil {
			return err
		}
		r, err := measureMemory(s, sid, token, n)
		s.stop()
		if err != nil {
			return err
		}
		r.label = sv.label
		fmt.Fprintf(stderr, "%s: RSS %d kB idle, %d kB after %d turns (%d kB anonymous), peak %d kB\n", r.label, r.idle, r.after, n, r.anon, r.hw)
		runs = append(runs, r)
	}

	fmt.Fprintf(stdout, "### Resident memory of %d assistants of 50 tasks x 10 samples\n\n", n)
	fmt.Fprintf(stdout, "| server | RSS at start (MB) | RSS after one turn each (MB) | peak RSS (MB) | after / first row's |\n|---|--:|--:|--:|--:|\n")
	for _, r := range runs {
		fmt.Fprintf(stdout, "| %s | %.0f | %.0f | %.0f | %.2f |\n", r.label, float64(r.idle)/1e3, float64(r.after)/1e3, float64(r.hw)/1e3, float64(r.after)/float64(runs[0].after))
	}
	fmt.Fprintf(stdout, "\nCommand: `%s`\n\n", commandLine())
	fmt.Fprintf(stdout, "Machine: %d CPUs (%s), %s/%s, kernel %s; %s\n\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, kernel(), builtWith(parleyPath))
	fmt.Fprintf(stdout, "Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	return nil
}

// measureMemory sends one turn to each of the n assistants of s and returns
// its RSS before and after, and its peak.
func measureMemory(s *server, sid, token string, n int) (memoryRun, error) {
	var r memoryRun
	var err error
	pid := s.cmd.Process.Pid
	if r.idle, err = procStatus(pid, "VmRSS"); err != nil {
		return r, err
	}
	client := &http.Client{Timeout: time.Minute}
	for i := range n {
		u := fmt.Sprintf("%s/v2/%s/m%d/custom/memory", s.base, sid, i)
		body := url.Values{"UserId": {"memory"}, "Text": {"something else entirely"}}.Encode()
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, u, strings.NewReader(body))
		if err != nil {
			return r, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(sid, token)
		resp, err := client.Do(req)
		if err != nil {
			return r, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"says"`)) {
			return r, fmt.Errorf("turn to m%d: status %d: %.200s", i, resp.StatusCode, b)
		}
	}
	// Let the server settle (its background goroutines, the runtime's
	// scavenger) before reading.
	time.Sleep(2 * time.Second)
	if r.after, err = procStatus(pid, "VmRSS"); err != nil {
		return r, err
	}
	if r.hw, err = procStatus(pid, "VmHWM"); err != nil {
		return r, err
	}
	r.anon, err = procStatus(pid, "RssAnon")
	return r, err
}

// procStatus returns a "kB" field of /proc/PID/status.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && k == field {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}
