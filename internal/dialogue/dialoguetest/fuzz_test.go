package dialoguetest

import (
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzParseSections feeds arbitrary options and hook sections to their
// parsers: they must return an error or a result, never panic.
func FuzzParseSections(f *testing.F) {
	f.Add("schema x.json\nmap-url a={{hooks}}\ntimeout 1s\ntrace", "status: 500\ndelay: 1ms\nexpect: A=b\n\n{\"actions\": []}")
	f.Add("max-memory x", "{{form \"A\"")
	f.Add("", "expect-absent: Memory\ncontent-type: text/html\n\n<html>")
	f.Fuzz(func(t *testing.T, options, hook string) {
		parseOptions([]byte(options))
		if h, err := parseHook(txtar.File{Name: "hook POST /x", Data: []byte(hook)}); err == nil && h.path != "/x" {
			t.Fatalf("path %q", h.path)
		}
		transcript([]byte(hook))
	})
}
