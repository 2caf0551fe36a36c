package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/cli"
	"github.com/parleyhq/parley/internal/twilio"
)

// TestServeExamples runs the README's first command (serve with the example
// assistants) and talks to a bot through the custom channel.
func TestServeExamples(t *testing.T) {
	const sid, token = "AC0123456789abcdef0123456789abcdef", "readme-token-0123456789abcdef0123456789"
	t.Setenv("PARLEY_ACCOUNT_SID", sid)
	t.Setenv("PARLEY_AUTH_TOKEN", token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--import", "../../examples", "--log-level", "error"}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()

	lines := bufio.NewScanner(pr)
	var base string
	addr := regexp.MustCompile(`serving on (http://\S+)`)
	for lines.Scan() {
		if m := addr.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("no address printed; stderr: %s", stderr.String())
	}
	// The next lines say where the console and the API are.
	if !lines.Scan() || lines.Text() != "web console: "+base+"/console/ (sign in with the account SID and auth token)" {
		t.Errorf("the line after the address: %q", lines.Text())
	}
	go io.Copy(io.Discard, pr)

	form := url.Values{"UserId": {"readme"}, "Text": {"hi"}, "Language": {"en-US"}}
	req, _ := http.NewRequest("POST", base+"/v2/"+sid+"/pizza/custom/webchat", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sid, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct {
		Response struct {
			Says []struct{ Text string } `json:"says"`
		} `json:"response"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(reply.Response.Says) != 1 || !strings.HasPrefix(reply.Response.Says[0].Text, "Hi, this is Parley Pizza!") {
		t.Errorf("status %d, reply %+v", resp.StatusCode, reply)
	}

	// Every response carries a request id: the client's plain one, or a new one.
	idReq, _ := http.NewRequest("GET", base+"/healthz", nil)
	idReq.Header.Set("X-Request-Id", "client-id-1")
	for send, check := range map[string]func(string) bool{
		"client-id-1":       func(got string) bool { return got == "client-id-1" },
		"not plain; at all": func(got string) bool { return len(got) == 16 },
	} {
		idReq.Header.Set("X-Request-Id", send)
		resp, err := http.DefaultClient.Do(idReq)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-Id"); !check(got) {
			t.Errorf("sent X-Request-Id %q, got back %q", send, got)
		}
	}
	// The turn above is counted.
	if resp, err := http.Get(base + "/metrics"); err != nil {
		t.Fatal(err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `parley_turns_total{channel="custom",outcome="ok"} 1`) {
			t.Errorf("/metrics does not count the turn:\n%.2000s", body)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}

	// Twilio's channels: a text signed for the public URL is answered with
	// TwiML; an unsigned one is refused.
	sms := url.Values{"From": {"+14155550100"}, "To": {"+14155550199"}, "Body": {"hi"}, "MessageSid": {"SM1"}, "AccountSid": {sid}}
	smsURL := base + "/v1/" + sid + "/pizza/twilio-messaging"
	for _, signed := range []bool{true, false} {
		req, _ := http.NewRequest("POST", smsURL, strings.NewReader(sms.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if signed {
			req.Header.Set("X-Twilio-Signature", twilio.Signature(token, smsURL, sms))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case signed && (resp.StatusCode != 200 || !strings.Contains(string(body), "<Message><Body>Hi, this is Parley Pizza!")):
			t.Errorf("signed text: %d %s", resp.StatusCode, body)
		case !signed && resp.StatusCode != 403:
			t.Errorf("unsigned text: %d %s", resp.StatusCode, body)
		}
	}

	// Paths and methods nothing serves answer Twilio's JSON error body.
	for _, tc := range []struct {
		method, path string
		status, code int
		allow        string
	}{
		{"GET", "/nowhere/at/all", 404, 20404, ""},
		{"GET", "/v2/" + sid + "/pizza/custom/webchat", 405, 20004, "POST"},
		{"PUT", "/v1/Assistants", 405, 20004, ""},
		{"GET", "/v1/" + sid + "/pizza/twilio-voice", 405, 20004, "POST"},
		{"GET", "/v1/Assistants/pizza/twilio-voice", 404, 20404, ""},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, nil)
		req.SetBasicAuth(sid, token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Code, Status int
			Message      string
		}
		err = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tc.status || e.Code != tc.code || e.Status != tc.status || e.Message == "" {
			t.Errorf("%s %s: %d %+v (%v), want %d with code %d", tc.method, tc.path, resp.StatusCode, e, err, tc.status, tc.code)
		}
		if tc.allow != "" && !strings.Contains(resp.Header.Get("Allow"), tc.allow) {
			t.Errorf("%s %s: Allow %q, want %s in it", tc.method, tc.path, resp.Header.Get("Allow"), tc.allow)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestServeBadLimit(t *testing.T) {
	var stdout, stderr strings.Builder
	code := cli.Main(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--limit", "tasks=lots"}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), `--limit: limit "tasks=lots"`) {
		t.Errorf("exit %d, stderr %q; want 2 and the bad limit named", code, stderr.String())
	}
}

func TestServeBadTurnTimeout(t *testing.T) {
	var stderr strings.Builder
	code := cli.Main(context.Background(), []string{"serve", "--data", t.TempDir(), "--turn-timeout", "-1s"}, strings.NewReader(""), io.Discard, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "--turn-timeout -1s: want a positive duration") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestServeCheck(t *testing.T) {
	dir := t.TempDir() + "/data"
	var stdout, stderr strings.Builder
	code := cli.Main(context.Background(), []string{"serve", "--check", "--data", dir, "--webhook-allow", "10.0.0.0/8"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"webhook-allow     10.0.0.0/8\n", "store             none yet in " + dir + ": serve creates it\n", "\nok\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output:\n%s\nwant it to contain %q", stdout.String(), want)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--check created the data directory: %v", err)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--log-level", "loud"}, `--log-level "loud": want debug, info, warn or error`},
		{[]string{"--log-format", "xml"}, `--log-format "xml": want text or json`},
		{[]string{"--public-url", "parley.example"}, `--public-url "parley.example": want an absolute http or https URL`},
		{[]string{"--addr", "8080"}, `--addr "8080": want HOST:PORT`},
		{[]string{"--webhook-allow", "http://x"}, `--webhook-allow: webhook allow list`},
	} {
		stderr.Reset()
		code := cli.Main(context.Background(), append([]string{"serve", "--check", "--data", dir}, tc.args...), strings.NewReader(""), io.Discard, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.msg)
		}
	}
}

func TestVersionAndHelp(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout strings.Builder
		if code := cli.Main(context.Background(), args, strings.NewReader(""), &stdout, io.Discard); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		if !strings.HasPrefix(stdout.String(), "parley ") || !strings.Contains(stdout.String(), runtime.Version()) {
			t.Errorf("%v: %q, want parley, its version and %s", args, stdout.String(), runtime.Version())
		}
	}
	var stderr strings.Builder
	if code := cli.Main(context.Background(), []string{"help", "export"}, strings.NewReader(""), io.Discard, &stderr); code != 0 || !strings.Contains(stderr.String(), "usage: parley export") {
		t.Errorf("help export: exit %d, %q", code, stderr.String())
	}
}

// TestServeInsecureSkipSignatureWarns: the flag that turns off the Twilio
// channels' signature check says so at start, and does what it says.
func TestServeInsecureSkipSignatureWarns(t *testing.T) {
	const sid, token = "AC0123456789abcdef0123456789abcdef", "skip-token-0123456789abcdef0123456789"
	t.Setenv("PARLEY_ACCOUNT_SID", sid)
	t.Setenv("PARLEY_AUTH_TOKEN", token)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncWriter
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--import", "../../examples/pizza.json", "--insecure-skip-signature", "--log-level", "warn"}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base string
	for lines.Scan() {
		if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("no address printed; stderr: %s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "--insecure-skip-signature") {
		t.Errorf("no warning at start: %s", stderr.String())
	}
	resp, err := http.PostForm(base+"/v1/"+sid+"/pizza/twilio-messaging", url.Values{"From": {"+14155550100"}, "To": {"+14155550199"}, "Body": {"hi"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("unsigned text with the check off: %d", resp.StatusCode)
	}
	cancel()
	<-done
}

// syncWriter is a strings.Builder safe for the server's goroutines.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
