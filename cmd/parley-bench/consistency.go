package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A consistencyConfig configures the consistency run (-consistency).
type consistencyConfig struct {
	nodes     int
	dialogues int
	turns     int
	db        string // empty: SQLite in a fresh data directory
	kill      bool   // kill -9 the first node halfway
}

// counterSchema is the assistant of the consistency run: every message
// goes (fallback) to a webhook that increments Memory.count.
const counterSchema = `{"uniqueName": "counter",
 "defaults": {"defaults": {"assistant_initiation": "%[1]s", "fallback": "%[1]s"}},
 "tasks": [{"uniqueName": "count", "actions": {"actions": [{"redirect": "%[1]s"}]},
   "samples": [{"language": "en-US", "taggedText": "count"}]}]}`

// runConsistency starts cfg.nodes parley servers on one store (SQLite in
// one data directory, or the PostgreSQL database cfg.db) and drives
// cfg.dialogues concurrent dialogues of cfg.turns turns each, turn i of a
// dialogue to node i % nodes. Each turn runs a webhook that increments the
// dialogue's Memory.count. At the end, every dialogue's count must equal
// its acknowledged turns, and the webhook must have run once per
// acknowledged turn. With cfg.kill the first node is killed (SIGKILL)
// halfway; turns it did not acknowledge go to the others, and every
// acknowledged turn must be in the store.
func runConsistency(cfg config, cc consistencyConfig, stdout, stderr io.Writer) error {
	ctx := context.Background()
	parleyPath, err := filepath.Abs(cfg.parley)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "parley-consistency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The webhook: counts its calls per user, and answers count+1.
	var mu sync.Mutex
	calls := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		var mem struct {
			Count int `json:"count"`
		}
		json.Unmarshal([]byte(r.PostForm.Get("Memory")), &mem)
		mu.Lock()
		calls[r.PostForm.Get("UserIdentifier")]++
		mu.Unlock()
		fmt.Fprintf(w, `{"actions":[{"remember":{"count":%d}},{"say":"%d"},{"listen":true}]}`, mem.Count+1, mem.Count+1)
	}))
	defer hook.Close()

	schemaPath := filepath.Join(dir, "counter.json")
	if err := os.WriteFile(schemaPath, fmt.Appendf(nil, counterSchema, hook.URL), 0o600); err != nil {
		return err
	}
	sid, token := "AC"+randHex(16), randHex(16)
	env := []string{"PARLEY_ACCOUNT_SID=" + sid, "PARLEY_AUTH_TOKEN=" + token}
	storeArgs := []string{"--data", filepath.Join(dir, "data")}
	store := "SQLite, one data directory"
	if cc.db != "" {
		storeArgs, store = []string{"--db", cc.db}, "PostgreSQL"
	}
	var nodes []*server
	for i := range cc.nodes {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, storeArgs...)
		if i == 0 {
			args = append(args, "--import", schemaPath)
		}
		s, err := startServer(fmt.Sprintf("node%d", i+1), parleyPath, args, env, filepath.Join(dir, fmt.Sprintf("node%d.log", i+1)))
		if err != nil {
			return err
		}
		defer s.stop()
		nodes = append(nodes, s)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	var dead atomic.Bool
	acked := make([]int, cc.dialogues)
	latencies := make([][]time.Duration, cc.dialogues) // of the acknowledged turns
	lastSay := make([]int, cc.dialogues)
	sids := make([]string, cc.dialogues)
	var failures atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	var sent atomic.Int64
	half := int64(cc.dialogues * cc.turns / 2)
	for d := range cc.dialogues {
		wg.Go(func() {
			user := fmt.Sprintf("user%d", d)
			for i := range cc.turns {
				if cc.kill && sent.Add(1) == half {
					nodes[0].cmd.Process.Kill()
					dead.Store(true)
				}
				// Alternate between the nodes; a turn that a dead node did
				// not acknowledge goes to the next one.
				for try := range cc.nodes {
					n := (i + try) % cc.nodes
					began := time.Now()
					say, dsid, err := countTurn(ctx, client, nodes[n].base, sid, token, user)
					if err != nil {
						if !(cc.kill && n == 0 && dead.Load()) {
							failures.Add(1)
							firstErr.CompareAndSwap(nil, err.Error())
						}
						continue
					}
					acked[d]++
					latencies[d] = append(latencies[d], time.Since(began))
					lastSay[d], sids[d] = say, dsid
					break
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)

	// What the store holds: each dialogue's count, through a live node.
	live := nodes[len(nodes)-1]
	var wrong []string
	totalAcked, totalCalls := 0, 0
	for d := range cc.dialogues {
		user := fmt.Sprintf("user%d", d)
		count, err := storedCount(ctx, client, live.base, sid, token, sids[d])
		if err != nil {
			return fmt.Errorf("%s: %w", user, err)
		}
		mu.Lock()
		n := calls[user]
		mu.Unlock()
		totalAcked += acked[d]
		totalCalls += n
		ok := count == acked[d] && n == acked[d]
		if cc.kill {
			// A turn the killed node saved but did not acknowledge counts,
			// and ran its webhook: never fewer than acknowledged.
			ok = count >= acked[d] && n == count+unsavedAtMost(n, count)
		}
		if !ok && len(wrong) < 10 {
			wrong = append(wrong, fmt.Sprintf("%s: %d acknowledged, count %d in the store, last reply %d, %d webhook calls", user, acked[d], count, lastSay[d], n))
		}
		if !ok && len(wrong) >= 10 {
			wrong = append(wrong[:10], "…")
		}
	}
	fmt.Fprintf(stdout, "### Turns across nodes: %d node(s), %s\n\n", cc.nodes, store)
	fmt.Fprintf(stdout, "%d dialogues x %d turns, turn i to node i %% %d", cc.dialogues, cc.turns, cc.nodes)
	if cc.kill {
		fmt.Fprintf(stdout, ", node 1 killed (SIGKILL) halfway")
	}
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	slices.Sort(all)
	fmt.Fprintf(stdout, ": %d turns acknowledged in %.1f s (%.0f/s; latency p50 %s, p99 %s), %d webhook calls, %d failed requests.\n\n",
		totalAcked, took.Seconds(), float64(totalAcked)/took.Seconds(), percentile(all, 50).Round(10*time.Microsecond), percentile(all, 99).Round(10*time.Microsecond), totalCalls, failures.Load())
	if len(wrong) > 0 || failures.Load() > 0 {
		fmt.Fprintf(stdout, "**Not consistent**:\n\n")
		for _, w := range wrong {
			fmt.Fprintf(stdout, "- %s\n", w)
		}
		if e, ok := firstErr.Load().(string); ok {
			fmt.Fprintf(stdout, "- first failed request: %s\n", e)
		}
		return errors.New("the store and the webhook disagree with the acknowledged turns")
	}
	fmt.Fprintf(stdout, "Every dialogue's count equals its acknowledged turns, and the webhook ran once per acknowledged turn")
	if cc.kill {
		fmt.Fprintf(stdout, " (or, for the turns the killed node saved without acknowledging, once per saved turn)")
	}
	fmt.Fprintf(stdout, ".\n\nCommand: `%s`\n", commandLine())
	return nil
}

// unsavedAtMost is how many of a dialogue's webhook calls may belong to
// turns that ran on the killed node and were never saved: at most one (the
// turn in flight when it died).
func unsavedAtMost(calls, count int) int {
	if calls == count+1 {
		return 1
	}
	return 0
}

// countTurn sends one turn and returns the count the bot said, and the
// dialogue's SID.
func countTurn(ctx context.Context, client *http.Client, base, sid, token, user string) (int, string, error) {
	body := url.Values{"UserId": {user}, "Text": {"count"}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v2/"+sid+"/counter/custom/load", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sid, token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	var r struct {
		replyJSON
		Dialogue struct {
			SID string `json:"sid"`
		} `json:"dialogue"`
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Response.Says) == 0 {
		return 0, "", fmt.Errorf("reply %.200s", b)
	}
	n, err := strconv.Atoi(r.Response.Says[len(r.Response.Says)-1].Speech)
	return n, r.Dialogue.SID, err
}

// storedCount reads a dialogue's Memory.count from the store, through the
// REST API of base.
func storedCount(ctx context.Context, client *http.Client, base, sid, token, dialogueSID string) (int, error) {
	if dialogueSID == "" {
		return 0, nil // no turn acknowledged
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/Assistants/counter/Dialogues/"+dialogueSID, nil)
	if err != nil {
		return 0, err
	}
	req.SetBasicAuth(sid, token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var d struct {
		Data struct {
			Memory struct {
				Count int `json:"count"`
			} `json:"memory"`
		} `json:"data"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &d) != nil {
		return 0, fmt.Errorf("dialogue %s: status %d: %.300s", dialogueSID, resp.StatusCode, b)
	}
	return d.Data.Memory.Count, nil
}
