package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHotPathUsesIndexes fails when a query that runs on every turn stops
// being an index search.
func TestHotPathUsesIndexes(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, q := range map[string]string{
		"active-dialogue": `SELECT sid FROM dialogues
			WHERE assistant_sid = ? AND channel = ? AND user_id = ? AND status = 'active'`,
		"update-dialogue": `UPDATE dialogues SET status = ?, state = ?, version = version + 1, date_updated = ?
			WHERE sid = ? AND version = ?`,
		"assistant-ref": `SELECT sid FROM assistants WHERE ` + resolveAssistant,
		// Not per turn, but on every load of an assistant by the engine.
		"latest-completed-model-build": latestCompleted,
	} {
		rows, err := db.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, "a", "b", "c", "d", "e")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if strings.Contains(p, "SCAN ") || !strings.Contains(p, "USING") {
			t.Errorf("%s: query plan %q, want index searches only", name, p)
		}
	}
}
