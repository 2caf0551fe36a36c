package actions_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/actions"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives Marshal: Parse(Marshal(doc)) equals doc, and Marshal is a fixed
// point. Lint must not panic on any parsed document either.
func FuzzParse(f *testing.F) {
	for _, fd := range fixtureDocs(f) {
		if fd.kind == "actions" {
			f.Add(fd.data)
		}
	}
	f.Add([]byte(`{"actions":[{"listen":{"voice_digits":{"redirects":{"1":"task://a"}},"barge":true}},{"play":{"url":"u","loop":3}}]}`))
	f.Add([]byte(`{"actions":[{"remember":{"k":"\u2028<&>","n":[1,{"x":null}]}},{"say":"\u0000\ud800"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := actions.Parse(data)
		if err != nil {
			return
		}
		actions.Lint(doc)
		out, err := actions.Marshal(doc)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		back, err := actions.Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(doc)): %v\ninput:  %q\noutput: %s", err, data, out)
		}
		if diff := cmp.Diff(doc, back); diff != "" {
			t.Fatalf("round trip (-parsed +reparsed):\n%s\ninput:  %q\noutput: %s", diff, data, out)
		}
		out2, err := actions.Marshal(back)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("Marshal is not a fixed point:\n%s\n%s", out, out2)
		}
	})
}

// FuzzParseStyleSheet does the same for style sheets and defaults.
func FuzzParseStyleSheet(f *testing.F) {
	for _, fd := range fixtureDocs(f) {
		if fd.kind != "actions" {
			f.Add(fd.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if ss, err := actions.ParseStyleSheet(data); err == nil {
			out, err := actions.MarshalStyleSheet(ss)
			if err != nil {
				t.Fatal(err)
			}
			back, err := actions.ParseStyleSheet(out)
			if err != nil {
				t.Fatalf("reparse: %v\n%s", err, out)
			}
			if diff := cmp.Diff(ss, back); diff != "" {
				t.Fatalf("style sheet round trip (-parsed +reparsed):\n%s", diff)
			}
		}
		if d, err := actions.ParseDefaults(data); err == nil {
			out, err := actions.MarshalDefaults(d)
			if err != nil {
				t.Fatal(err)
			}
			back, err := actions.ParseDefaults(out)
			if err != nil {
				t.Fatalf("reparse: %v\n%s", err, out)
			}
			if diff := cmp.Diff(d, back); diff != "" {
				t.Fatalf("defaults round trip (-parsed +reparsed):\n%s", diff)
			}
		}
	})
}
