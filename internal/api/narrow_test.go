package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/api/apitest"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/webhook"
)

// wholeCounter counts the reads of whole assistants.
type wholeCounter struct {
	*sqlite.DB
	n atomic.Int32
}

func (c *wholeCounter) Assistant(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error) {
	c.n.Add(1)
	return c.DB.Assistant(ctx, accountSID, sidOrUniqueName)
}

// TestRequestsReadNoWholeAssistant: requests about an assistant's tasks,
// field types, fields or samples, and the assistant resource itself, never
// read the whole assistant (every sample and field value): their cost does
// not grow with what they do not touch.
func TestRequestsReadNoWholeAssistant(t *testing.T) {
	db, acct := apitest.NewStore(t)
	a := &assistant.Assistant{AccountSID: acct.SID, UniqueName: "shop", FriendlyName: "shop",
		FieldTypes: []assistant.FieldType{{UniqueName: "color", Values: []assistant.FieldValue{{Language: "en-US", Value: "red"}}}}}
	for _, name := range []string{"order", "track"} {
		a.Tasks = append(a.Tasks, assistant.Task{UniqueName: name, Samples: []assistant.Sample{{Language: "en-US", TaggedText: name + " something"}}})
	}
	if _, err := db.ImportAssistant(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	hooks, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, hooks, dialogue.Options{})
	t.Cleanup(func() { eng.Close() })
	counter := &wholeCounter{DB: db}
	mux := http.NewServeMux()
	(&api.Server{Store: counter, Engine: eng}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	for _, rq := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/v1/Assistants/shop", nil},
		{"POST", "/v1/Assistants/shop", url.Values{"FriendlyName": {"the shop"}}},
		{"POST", "/v1/Assistants/shop/Defaults", url.Values{"Defaults": {`{"defaults":{"fallback":"task://order"}}`}}},
		{"GET", "/v1/Assistants/shop/Defaults", nil},
		{"POST", "/v1/Assistants/shop/StyleSheet", url.Values{"StyleSheet": {`{"style_sheet":{"voice":{"say_voice":"Polly.Joanna"}}}`}}},
		{"GET", "/v1/Assistants/shop/StyleSheet", nil},
		{"GET", "/v1/Assistants/shop/Tasks", nil},
		{"POST", "/v1/Assistants/shop/Tasks", url.Values{"UniqueName": {"cancel"}}},
		{"GET", "/v1/Assistants/shop/Tasks/order", nil},
		{"POST", "/v1/Assistants/shop/Tasks/order/Fields", url.Values{"UniqueName": {"qty"}, "FieldType": {"Twilio.NUMBER"}}},
		{"POST", "/v1/Assistants/shop/Tasks/order/Fields", url.Values{"UniqueName": {"shade"}, "FieldType": {"color"}}},
		{"GET", "/v1/Assistants/shop/Tasks/order/Fields", nil},
		{"POST", "/v1/Assistants/shop/Tasks/order/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {"order a {shade}"}}},
		{"GET", "/v1/Assistants/shop/Tasks/order/Samples", nil},
		{"GET", "/v1/Assistants/shop/FieldTypes", nil},
		{"POST", "/v1/Assistants/shop/FieldTypes", url.Values{"UniqueName": {"size"}}},
		{"GET", "/v1/Assistants/shop/FieldTypes/color", nil},
		{"POST", "/v1/Assistants/shop/FieldTypes/size", url.Values{"FriendlyName": {"sizes"}}},
		{"POST", "/v1/Assistants/shop/FieldTypes/color/FieldValues", url.Values{"Language": {"en-US"}, "Value": {"blue"}}},
		{"GET", "/v1/Assistants/shop/FieldTypes/color/FieldValues", nil},
	} {
		before := counter.n.Load()
		req, _ := http.NewRequestWithContext(t.Context(), rq.method, srv.URL+rq.path, strings.NewReader(rq.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(acct.SID, acct.AuthToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: status %d", rq.method, rq.path, resp.StatusCode)
		}
		if n := counter.n.Load() - before; n != 0 {
			t.Errorf("%s %s read the whole assistant %d times", rq.method, rq.path, n)
		}
	}
}

// rowCounter counts the logged queries the store hands out.
type rowCounter struct {
	*sqlite.DB
	rows atomic.Int32
}

func (c *rowCounter) Queries(ctx context.Context, accountSID, assistantSID string, f store.QueryFilter) ([]store.Query, error) {
	qs, err := c.DB.Queries(ctx, accountSID, assistantSID, f)
	c.rows.Add(int32(len(qs)))
	return qs, err
}

// TestQueryListReadsItsPage: a page of the Queries list reads its own rows
// from the log (and one more), not the 30 days of it before and after;
// following next_page_url walks the filtered list in creation order.
func TestQueryListReadsItsPage(t *testing.T) {
	db, acct := apitest.NewStore(t)
	a, err := db.ImportAssistant(t.Context(), &assistant.Assistant{AccountSID: acct.SID, UniqueName: "shop", FriendlyName: "shop", LogQueries: true})
	if err != nil {
		t.Fatal(err)
	}
	var batch []*store.Query
	for i := range 2000 {
		lang := "en-US"
		if i%2 == 1 {
			lang = "es-MX"
		}
		batch = append(batch, &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: lang, Query: fmt.Sprintf("q%d", i)})
	}
	if n, err := db.CreateQueries(t.Context(), batch); err != nil || n != len(batch) {
		t.Fatalf("CreateQueries: %d, %v", n, err)
	}
	hooks, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, hooks, dialogue.Options{})
	t.Cleanup(func() { eng.Close() })
	counter := &rowCounter{DB: db}
	mux := http.NewServeMux()
	(&api.Server{Store: counter, Engine: eng}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	next := srv.URL + "/v1/Assistants/shop/Queries?Language=es-MX&PageSize=150&Page=5&PageToken=PT800"
	var got []string
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("more pages than the filtered list holds")
		}
		before := counter.rows.Load()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", next, nil)
		req.SetBasicAuth(acct.SID, acct.AuthToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Queries []struct {
				Query string `json:"query"`
			} `json:"queries"`
			Meta struct {
				NextPageURL *string `json:"next_page_url"`
			} `json:"meta"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", next, resp.StatusCode)
		}
		if n := counter.rows.Load() - before; n > 151 {
			t.Errorf("a page of 150 read %d rows", n)
		}
		for _, q := range body.Queries {
			got = append(got, q.Query)
		}
		next = ""
		if body.Meta.NextPageURL != nil {
			next = *body.Meta.NextPageURL
		}
	}
	// The es-MX queries are the odd ones, 1000 of them: from the 801st on.
	if len(got) != 200 || got[0] != "q1601" || got[199] != "q1999" {
		t.Errorf("%d queries, from %q to %q; want 200, q1601 to q1999", len(got), got[0], got[len(got)-1])
	}
}
