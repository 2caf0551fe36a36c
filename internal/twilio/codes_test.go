package twilio

import (
	"encoding/json"
	"os"
	"testing"
)

// TestCodesMatchErrorsJSON fails when codes.go is older than errors.json:
// run go generate ./internal/twilio.
func TestCodesMatchErrorsJSON(t *testing.T) {
	data, err := os.ReadFile("errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var es []struct {
		Code   int    `json:"code"`
		Status int    `json:"status"`
		Title  string `json:"title"`
	}
	if err := json.Unmarshal(data, &es); err != nil {
		t.Fatal(err)
	}
	if len(es) != len(catalogue) {
		t.Errorf("errors.json has %d codes, codes.go %d: run go generate ./internal/twilio", len(es), len(catalogue))
	}
	for _, e := range es {
		c, ok := catalogue[e.Code]
		if !ok || c.Title != e.Title || c.Status != e.Status {
			t.Errorf("code %d: codes.go has %+v, errors.json %q %d: run go generate ./internal/twilio", e.Code, c, e.Title, e.Status)
		}
	}
	if e := Errorf(CodeNotFound, "no %s", "x"); e.Status != 404 || e.Code != 20404 || e.Message != "no x" {
		t.Errorf("Errorf: %+v", e)
	}
	if Title(CodeUniqueNameInUse) != "Unique name already exists" {
		t.Errorf("Title(90101) = %q", Title(CodeUniqueNameInUse))
	}
}
