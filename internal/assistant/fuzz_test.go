package assistant_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/assistant"
)

// FuzzParseSchema checks that ParseSchema never panics and that whatever it
// accepts survives MarshalSchema unchanged.
func FuzzParseSchema(f *testing.F) {
	// Compacted fixtures keep the seeds small: the fuzzer minimises every
	// new input byte by byte, and a 40 KB seed takes minutes.
	for _, name := range schemaFixtures(f) {
		var b bytes.Buffer
		if err := json.Compact(&b, readFixture(f, name)); err != nil {
			f.Fatal(err)
		}
		if b.Len() <= 8<<10 {
			f.Add(b.Bytes())
		}
	}
	f.Add([]byte(`{"uniqueName":"a","fieldTypes":[{"uniqueName":"t","values":[{"value":"x","synonymOf":"y"},{"value":"y"}]}],"tasks":[{"uniqueName":"t","actionsUrl":"u","fields":[{"uniqueName":"f","fieldType":"t"}],"samples":[{"taggedText":"{f}"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{MapURL: []assistant.URLMap{{From: "https://", To: "http://"}}})
		if err != nil {
			return
		}
		out, err := assistant.MarshalSchema(a)
		if err != nil {
			t.Fatalf("MarshalSchema: %v", err)
		}
		back, _, err := assistant.ParseSchema(out, assistant.ImportOptions{})
		if err != nil {
			t.Fatalf("ParseSchema(MarshalSchema(a)): %v\n%s", err, out)
		}
		if reflect.DeepEqual(a, back) {
			return
		}
		if diff := cmp.Diff(a, back); diff != "" {
			t.Fatalf("round trip (-import +reimport):\n%s\n%s", diff, out)
		}
	})
}
