package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTwilioNode runs testdata/twilio-node/workflow.js: the stock twilio-node
// 3.84.1 client (the last line with client.autopilot) against the API, with
// only the Autopilot domain's base URL changed. It needs Node.js and the
// client installed (`npm ci` in testdata/twilio-node, which .ci/run does);
// without them it skips, unless PARLEY_TEST_TWILIO_NODE is set (CI), when it
// fails.
func TestTwilioNode(t *testing.T) {
	skip := t.Skip
	if os.Getenv("PARLEY_TEST_TWILIO_NODE") != "" {
		skip = t.Fatal
	}
	dir := filepath.Join("testdata", "twilio-node")
	node, err := exec.LookPath("node")
	if err != nil {
		skip("node not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "twilio")); err != nil {
		skip("twilio-node not installed: run npm ci in internal/api/testdata/twilio-node")
	}
	s := newServer(t)
	cmd := exec.CommandContext(t.Context(), node, "workflow.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PARLEY_URL="+s.URL, "PARLEY_ACCOUNT_SID="+s.acct.SID, "PARLEY_AUTH_TOKEN="+s.acct.AuthToken)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("workflow.js: %v\n%s", err, out)
	}
}
