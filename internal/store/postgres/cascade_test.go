package postgres

import (
	"encoding/json"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// newAccount stores a new account in db.
func newAccount(t *testing.T, db *DB) string {
	t.Helper()
	acct := twilio.NewSID(twilio.PrefixAccount)
	if err := db.CreateAccount(t.Context(), store.Account{SID: acct, AuthToken: twilio.NewAuthToken()}); err != nil {
		t.Fatal(err)
	}
	return acct
}

// count returns how many rows table holds.
func count(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.db.QueryRowContext(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDeleteAssistantLeavesNoRows checks the cascade at the table level,
// where the conformance suite cannot look; the query log included, which
// here is a table of the same database.
func TestDeleteAssistantLeavesNoRows(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
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
	b := &store.ModelBuild{AccountSID: acct, AssistantSID: a.SID}
	if err := db.CreateModelBuild(ctx, b); err != nil {
		t.Fatal(err)
	}
	b.Status, b.Model = store.BuildCompleted, []byte("model")
	if err := db.UpdateModelBuild(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateWebhook(ctx, &store.Webhook{AccountSID: acct, AssistantSID: a.SID, UniqueName: "w",
		Events: "onDialogueEnd", WebhookURL: "https://example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDialogue(ctx, &store.Dialogue{AccountSID: acct, AssistantSID: a.SID, Channel: "sms", UserID: "u",
		Status: store.DialogueActive, State: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateQuery(ctx, &store.Query{AccountSID: acct, AssistantSID: a.SID, Language: "en-US", Query: "hi"}); err != nil {
		t.Fatal(err)
	}
	tables := []string{"assistants", "tasks", "fields", "samples", "field_types", "field_values",
		"model_builds", "webhooks", "dialogues", "queries"}
	for _, table := range tables {
		if count(t, db, table) == 0 {
			t.Fatalf("%s: no rows before DeleteAssistant: the test tests nothing", table)
		}
	}
	if err := db.DeleteAssistant(ctx, acct, "bot"); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		if n := count(t, db, table); n != 0 {
			t.Errorf("%s: %d rows left after DeleteAssistant", table, n)
		}
	}
}

// TestDeleteLeavesNoRows checks the cascades of the one-at-a-time deletes
// at the table level.
func TestDeleteLeavesNoRows(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
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
	if err := db.DeleteTask(ctx, acct, a.SID, "t"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"tasks", "fields", "samples"} {
		if n := count(t, db, table); n != 0 {
			t.Errorf("%s: %d rows left after DeleteTask", table, n)
		}
	}
	if err := db.DeleteFieldValue(ctx, acct, a.SID, "colour", a.FieldTypes[0].Values[0].SID); err != nil {
		t.Fatal(err)
	}
	// Its synonym stays, as a value of its own.
	if n := count(t, db, "field_values"); n != 2 {
		t.Errorf("field_values: %d rows after deleting red, want crimson and blue", n)
	}
	if err := db.DeleteFieldType(ctx, acct, a.SID, "colour"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"field_types", "field_values"} {
		if n := count(t, db, table); n != 0 {
			t.Errorf("%s: %d rows left after DeleteFieldType", table, n)
		}
	}
}
