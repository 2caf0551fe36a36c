package sqlite

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// TestDeleteAssistantLeavesNoRows checks the cascade at the table level,
// where the conformance suite cannot look.
func TestDeleteAssistantLeavesNoRows(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acct := twilio.NewSID(twilio.PrefixAccount)
	if err := db.CreateAccount(ctx, store.Account{SID: acct, AuthToken: twilio.NewAuthToken()}); err != nil {
		t.Fatal(err)
	}
	a, err := db.ImportAssistant(ctx, &assistant.Assistant{
		AccountSID: acct,
		UniqueName: "bot",
		Tasks: []assistant.Task{{
			UniqueName: "t",
			Actions:    json.RawMessage(`{"actions":[]}`),
			Fields:     []assistant.Field{{UniqueName: "f", FieldType: "colour"}},
			Samples:    []assistant.Sample{{Language: "en-US", TaggedText: "{f}"}},
		}},
		FieldTypes: []assistant.FieldType{{UniqueName: "colour", Values: []assistant.FieldValue{
			{Language: "en-US", Value: "red"},
			{Language: "en-US", Value: "crimson", SynonymOf: "red"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	now := db.timestamp().Unix()
	for _, q := range []string{
		`INSERT INTO model_builds (sid, assistant_sid, unique_name, revision, date_created, date_updated) VALUES ('UG1', ?1, 'UG1', 1, ?2, ?2)`,
		`INSERT INTO webhooks (sid, assistant_sid, unique_name, events, webhook_url, date_created, date_updated) VALUES ('UM1', ?1, 'w', 'onDialogueEnd', 'https://example.com', ?2, ?2)`,
		`INSERT INTO dialogues (sid, account_sid, assistant_sid, channel, user_id, status, version, date_created, date_updated) VALUES ('UK1', ?3, ?1, 'sms', 'u', 'active', 1, ?2, ?2)`,
	} {
		if _, err := db.w.ExecContext(ctx, q, a.SID, now, acct); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.CreateQuery(ctx, &store.Query{AccountSID: acct, AssistantSID: a.SID, Language: "en-US", Query: "hi"}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAssistant(ctx, acct, "bot"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"assistants", "tasks", "fields", "samples", "field_types", "field_values",
		"model_builds", "webhooks", "dialogues"} {
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows left after DeleteAssistant", table, n)
		}
	}
	var n int
	if err := db.q.QueryRowContext(ctx, `SELECT count(*) FROM queries`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("query log: %d rows left after DeleteAssistant", n)
	}
}

// TestDeleteLeavesNoRows checks the cascades of the one-at-a-time deletes
// at the table level.
func TestDeleteLeavesNoRows(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acct := twilio.NewSID(twilio.PrefixAccount)
	if err := db.CreateAccount(ctx, store.Account{SID: acct, AuthToken: twilio.NewAuthToken()}); err != nil {
		t.Fatal(err)
	}
	a, err := db.ImportAssistant(ctx, &assistant.Assistant{
		AccountSID: acct,
		UniqueName: "bot",
		Tasks: []assistant.Task{{
			UniqueName: "t",
			Fields:     []assistant.Field{{UniqueName: "f", FieldType: "colour"}},
			Samples:    []assistant.Sample{{Language: "en-US", TaggedText: "{f}"}},
		}},
		FieldTypes: []assistant.FieldType{{UniqueName: "colour", Values: []assistant.FieldValue{
			{Language: "en-US", Value: "red"},
			{Language: "en-US", Value: "crimson", SynonymOf: "red"},
			{Language: "en-US", Value: "blue"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(table string) int {
		t.Helper()
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := db.DeleteTask(ctx, acct, a.SID, "t"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"tasks", "fields", "samples"} {
		if n := count(table); n != 0 {
			t.Errorf("%s: %d rows left after DeleteTask", table, n)
		}
	}
	if err := db.DeleteFieldValue(ctx, acct, a.SID, "colour", a.FieldTypes[0].Values[0].SID); err != nil {
		t.Fatal(err)
	}
	// Its synonym stays, as a value of its own.
	if n := count("field_values"); n != 2 {
		t.Errorf("field_values: %d rows after deleting red, want crimson and blue", n)
	}
	if err := db.DeleteFieldType(ctx, acct, a.SID, "colour"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"field_types", "field_values"} {
		if n := count(table); n != 0 {
			t.Errorf("%s: %d rows left after DeleteFieldType", table, n)
		}
	}
}
