package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// A server is a server process under test.
type server struct {
	name string
	base string // http://HOST:PORT
	cmd  *exec.Cmd
	log  string // file holding its standard error
	done chan error
}

var servingRE = regexp.MustCompile(`serving on (http://\S+)`)

// startServer starts path with args and env, waits for it to print
// "serving on http://HOST:PORT" and to answer GET /healthz, and returns it.
// Its standard error goes to logPath.
func startServer(name, path string, args, env []string, logPath string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logf
	found := make(chan string, 1)
	cmd.Stdout = &lineWatcher{found: found}
	// Wait returns even if a child of the server keeps its output open.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, cmd: cmd, log: logPath, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	select {
	case s.base = <-found:
	case err := <-s.done:
		return nil, fmt.Errorf("%s exited before serving (%v)%s", name, err, s.logTail())
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, fmt.Errorf("%s did not start serving within 30s%s", name, s.logTail())
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("%s: GET /healthz: %v%s", name, err, s.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop asks the server to shut down, killing it after 10 seconds.
func (s *server) stop() error {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-s.done:
		return err
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		return errors.Join(errors.New(s.name+" killed after 10s"), <-s.done)
	}
}

// A lineWatcher sends the URL of the first "serving on URL" line written to
// it to found, and discards everything else.
type lineWatcher struct {
	found chan<- string
	line  []byte
	done  bool
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	n := len(p)
	for !w.done && len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if len(w.line) < 4096 {
				w.line = append(w.line, p...)
			}
			break
		}
		w.line = append(w.line, p[:i]...)
		p = p[i+1:]
		if m := servingRE.FindSubmatch(w.line); m != nil {
			w.found <- string(m[1])
			w.done = true
		}
		w.line = w.line[:0]
	}
	return n, nil
}

// logTail returns the end of the server's standard error, for messages.
func (s *server) logTail() string {
	b, _ := os.ReadFile(s.log)
	t := strings.TrimSpace(string(b))
	if t == "" {
		return ""
	}
	if len(t) > 2000 {
		t = "…" + t[len(t)-2000:]
	}
	return ":\n" + t
}
