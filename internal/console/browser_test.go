package console_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrowser drives the console in Debian's Chromium with playwright-core
// (testdata/browser/browser.js): sign in (a wrong token first), import the
// pizza example from the file input, open its page, on a desktop and a
// phone-sized screen, and sign out. Screenshots of each page go to a
// temporary directory, or to PARLEY_SCREENSHOTS when set (docs/console.md
// shows them). It needs node, /usr/bin/chromium and npm ci in
// testdata/browser; without them it skips, unless PARLEY_TEST_BROWSER is set
// (CI), when it fails.
func TestBrowser(t *testing.T) {
	skip := t.Skip
	if os.Getenv("PARLEY_TEST_BROWSER") != "" {
		skip = t.Fatal
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node not installed")
	}
	if _, err := os.Stat("/usr/bin/chromium"); err != nil && os.Getenv("CHROMIUM") == "" {
		skip("chromium not installed (apt-get install chromium)")
	}
	dir := filepath.Join("testdata", "browser")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err != nil {
		skip("playwright-core not installed: run npm ci in internal/console/testdata/browser")
	}
	s := newSite(t)
	shots := os.Getenv("PARLEY_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	schema, err := filepath.Abs("../../examples/pizza.json")
	if err != nil {
		t.Fatal(err)
	}
	// A page of another origin that embeds the web chat.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>A shop</h1><script src="%s/webchat.js" data-assistant="%s" data-title="Chat with us"></script></body></html>`,
			s.URL, html.EscapeString(r.URL.Query().Get("assistant")))
	}))
	t.Cleanup(other.Close)
	cmd := exec.CommandContext(t.Context(), node, "browser.js", s.URL, s.acct.SID, s.acct.AuthToken, schema, shots, other.URL)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("browser.js: %v\n%s", err, out)
	}
}
