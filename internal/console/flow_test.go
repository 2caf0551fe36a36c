package console_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/console"
)

var update = flag.Bool("update", false, "rewrite testdata/svg with the drawings made")

// fixtureDir is where CI clones shared/ beside the repository.
const fixtureDir = "../../../shared/fixtures/autopilot"

// errAny stands for any non-nil error in the nodes a test wants.
var errAny = errors.New("any error")

// sameErrors compares errors by whether they are nil only.
var sameErrors = cmp.Comparer(func(x, y error) bool { return (x == nil) == (y == nil) })

func task(name string, samples int, actions string) assistant.Task {
	t := assistant.Task{UniqueName: name, Actions: json.RawMessage(actions)}
	for range samples {
		t.Samples = append(t.Samples, assistant.Sample{Language: "en-US", TaggedText: name})
	}
	return t
}

// flowAssistant has a task of every shape FlowGraph knows.
func flowAssistant() *assistant.Assistant {
	return &assistant.Assistant{
		SID:        "UA123",
		UniqueName: "shop",
		Defaults:   json.RawMessage(`{"defaults":{"assistant_initiation":"task://greet","fallback":"task://Help","collect":{"validate_on_failure":"task://start_over"}}}`),
		StyleSheet: json.RawMessage(`{"style_sheet":{"collect":{"validate":{"max_attempts":3}}}}`),
		Tasks: []assistant.Task{
			task("greet", 3, `{"actions":[{"say":"Hi!"},{"listen":{"tasks":["order","bye"],"voice_digits":{"redirects":{"2":"task://nope","1":"task://a<b&c"}}}}]}`),
			task("order", 5, `{"actions":[{"collect":{"name":"o","questions":[
				{"name":"size","question":"Size?","validate":{"max_attempts":{"num_attempts":2,"redirect":"task://help"}}},
				{"name":"when","question":"When?","type":"Twilio.TIME"},
				{"name":"count","question":"How many?","type":"Twilio.NUMBER"}
			],"on_complete":{"redirect":"task://done"}}}]}`),
			task("done", 0, `{"actions":[{"say":"Done."},{"redirect":{"uri":"https://example.com/hook","method":"POST"}},{"redirect":"task://orphan"}]}`),
			task("bye", 2, `{"actions":[{"say":"Bye!"}]}`),
			task("silent", 1, `{"actions":[{"remember":{"x":1}},{"say":""},{"listen":false}]}`),
			task("orphan", 0, `{"actions":[{"say":"Again?"},{"redirect":"task://orphan"}]}`),
			task("a<b&c", 0, `{"actions":[{"play":{"url":"https://example.com/a.mp3"}},{"handoff":{"channel":"voice","uri":"taskrouter://WW1"}}]}`),
			{UniqueName: "hooked", ActionsURL: "https://example.com/actions"},
			task("broken", 4, `{"actions":[{"sya":"x"}]}`),
			task("help", 0, `{"actions":[{"say":"I can take orders."},{"listen":true}]}`),
			task("start_over", 0, `{"actions":[{"say":"Let's start over."},{"listen":true}]}`),
		},
	}
}

func TestFlowGraph(t *testing.T) {
	f := console.FlowGraph(flowAssistant())
	wantNodes := []console.FlowNode{
		{ID: "start", Kind: console.NodeStart, Name: "start"},
		{ID: "fallback", Kind: console.NodeFallback, Name: "fallback"},
		{ID: "task:greet", Kind: console.NodeTask, Name: "greet", Samples: 3, Says: true},
		{ID: "task:order", Kind: console.NodeTask, Name: "order", Samples: 5},
		{ID: "task:done", Kind: console.NodeTask, Name: "done", Says: true},
		{ID: "task:bye", Kind: console.NodeTask, Name: "bye", Samples: 2, DeadEnd: true, Says: true},
		{ID: "task:silent", Kind: console.NodeTask, Name: "silent", Samples: 1, DeadEnd: true},
		{ID: "task:orphan", Kind: console.NodeTask, Name: "orphan", Says: true, Unreachable: true},
		{ID: "task:a<b&c", Kind: console.NodeTask, Name: "a<b&c", Says: true},
		{ID: "task:hooked", Kind: console.NodeTask, Name: "hooked", ActionsURL: true, Unreachable: true},
		{ID: "task:broken", Kind: console.NodeTask, Name: "broken", Samples: 4, Err: errAny},
		{ID: "task:help", Kind: console.NodeTask, Name: "help", Says: true},
		{ID: "task:start_over", Kind: console.NodeTask, Name: "start_over", Says: true},
		{ID: "missing:nope", Kind: console.NodeMissing, Name: "nope"},
		{ID: "webhook:https://example.com/hook", Kind: console.NodeWebhook, Name: "https://example.com/hook"},
		{ID: "handoff:taskrouter://WW1", Kind: console.NodeHandoff, Name: "taskrouter://WW1"},
		{ID: "webhook:https://example.com/actions", Kind: console.NodeWebhook, Name: "https://example.com/actions"},
	}
	if diff := cmp.Diff(wantNodes, f.Nodes, sameErrors); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	wantEdges := []console.FlowEdge{
		{From: "start", To: "task:greet", Kind: console.EdgeInitiation},
		{From: "fallback", To: "task:help", Kind: console.EdgeFallback},
		{From: "task:greet", To: "task:order", Kind: console.EdgeListen},
		{From: "task:greet", To: "task:bye", Kind: console.EdgeListen},
		{From: "task:greet", To: "task:a<b&c", Kind: console.EdgeVoiceDigit, Label: "1"},
		{From: "task:greet", To: "missing:nope", Kind: console.EdgeVoiceDigit, Label: "2"},
		{From: "task:order", To: "task:done", Kind: console.EdgeOnComplete},
		{From: "task:order", To: "task:help", Kind: console.EdgeOnFailure, Label: "size"},
		{From: "task:order", To: "task:start_over", Kind: console.EdgeValidateOnFailure},
		{From: "task:done", To: "webhook:https://example.com/hook", Kind: console.EdgeRedirect},
		{From: "task:orphan", To: "task:orphan", Kind: console.EdgeRedirect},
		{From: "task:a<b&c", To: "handoff:taskrouter://WW1", Kind: console.EdgeHandoff},
		{From: "task:hooked", To: "webhook:https://example.com/actions", Kind: console.EdgeActionsURL},
	}
	if diff := cmp.Diff(wantEdges, f.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if f.DefaultsErr != nil {
		t.Errorf("DefaultsErr = %v", f.DefaultsErr)
	}
	if n, _ := f.Node("task:broken"); n.Err == nil || !strings.Contains(n.Err.Error(), `unknown action "sya"`) {
		t.Errorf("broken task's error = %v, want the parse error", n.Err)
	}
}

func TestFlowGraphLabelsMerge(t *testing.T) {
	a := &assistant.Assistant{Tasks: []assistant.Task{
		task("ask", 1, `{"actions":[
			{"listen":{"voice_digits":{"redirects":{"1":"task://help","0":"task://help","9":""}}}}]}`),
		task("form", 1, `{"actions":[{"collect":{"name":"f","questions":[
			{"name":"a","question":"A?","validate":{"max_attempts":{"num_attempts":1,"redirect":"task://help"}}},
			{"name":"b","question":"B?","validate":{"max_attempts":{"num_attempts":1,"redirect":"task://help"}}}
		],"on_complete":{"redirect":"task://help"}}}]}`),
		task("help", 0, `{"actions":[{"say":"Help."},{"listen":true}]}`),
	}}
	want := []console.FlowEdge{
		{From: "task:ask", To: "task:help", Kind: console.EdgeVoiceDigit, Label: "0, 1"},
		{From: "task:form", To: "task:help", Kind: console.EdgeOnComplete},
		{From: "task:form", To: "task:help", Kind: console.EdgeOnFailure, Label: "a, b"},
	}
	if diff := cmp.Diff(want, console.FlowGraph(a).Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestFlowGraphStyleSheetRedirect(t *testing.T) {
	a := &assistant.Assistant{
		Defaults:   json.RawMessage(`{"defaults":{"collect":{"validate_on_failure":"task://agent"}}}`),
		StyleSheet: json.RawMessage(`{"style_sheet":{"collect":{"validate":{"max_attempts":{"num_attempts":2,"redirect":"task://sorry"}}}}}`),
		Tasks: []assistant.Task{
			task("form", 1, `{"actions":[{"collect":{"name":"f","questions":[
				{"name":"a","question":"A?"},
				{"name":"b","question":"B?","validate":{"max_attempts":4}}
			],"on_complete":{"redirect":"task://form"}}}]}`),
			task("sorry", 0, `{"actions":[{"say":"Sorry."}]}`),
			task("agent", 0, `{"actions":[{"say":"An agent."}]}`),
		},
	}
	f := console.FlowGraph(a)
	want := []console.FlowEdge{
		{From: "task:form", To: "task:form", Kind: console.EdgeOnComplete},
		{From: "task:form", To: "task:sorry", Kind: console.EdgeOnFailure, Label: "a"},
		{From: "task:form", To: "task:agent", Kind: console.EdgeValidateOnFailure},
	}
	if diff := cmp.Diff(want, f.Edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
	if n, _ := f.Node("task:agent"); n.Unreachable {
		t.Error("agent, the validate_on_failure default, is unreachable")
	}
}

func TestFlowGraphBadDefaults(t *testing.T) {
	a := &assistant.Assistant{
		Defaults: json.RawMessage(`{"defaults":{"fallback":3}}`),
		Tasks:    []assistant.Task{task("only", 0, `{"actions":[]}`)},
	}
	f := console.FlowGraph(a)
	if f.DefaultsErr == nil {
		t.Error("DefaultsErr = nil, want the parse error")
	}
	want := []console.FlowNode{{ID: "task:only", Kind: console.NodeTask, Name: "only", DeadEnd: true, Unreachable: true}}
	if diff := cmp.Diff(want, f.Nodes, sameErrors); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	checkSVG(t, string(f.SVG()))
}

func TestFlowGraphNil(t *testing.T) {
	f := console.FlowGraph(nil)
	if len(f.Nodes) != 0 || len(f.Edges) != 0 {
		t.Errorf("FlowGraph(nil) = %+v", f)
	}
	checkSVG(t, string(f.SVG()))
}

func TestFlowSVG(t *testing.T) {
	f := console.FlowGraph(flowAssistant())
	got := string(f.SVG())
	root := checkSVG(t, got)
	if again := string(console.FlowGraph(flowAssistant()).SVG()); again != got {
		t.Error("two drawings of one assistant differ")
	}

	var hrefs []string
	root.walk(func(n *xmlNode) {
		if n.XMLName.Local == "a" {
			hrefs = append(hrefs, n.attr("href"))
		}
	})
	var want []string
	for _, n := range f.Nodes {
		if n.Kind == console.NodeTask {
			want = append(want, "/console/assistants/UA123/tasks/"+strings.ReplaceAll(n.Name, "<", "%3C"))
		}
	}
	if diff := cmp.Diff(want, hrefs); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}

	text := root.text()
	for _, s := range []string{
		"a<b&c", // escaped in the markup, itself in the text
		"dead end, silent", "ends dialogue", "unreachable", "invalid actions", "missing task",
		"task://nope", "example.com/hook", "press 1", "size",
		"Dead ends that say nothing: silent.", "Unreachable tasks: orphan, hooked.",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the drawing's text lacks %q", s)
		}
	}
	if !strings.Contains(got, "a&lt;b&amp;c") {
		t.Error("the task name a<b&c is not escaped as a&lt;b&amp;c")
	}
	// A dashed red border marks problems, besides the badge.
	if !strings.Contains(got, `stroke="#b3261e" stroke-width="2.5" stroke-dasharray="6 3"`) {
		t.Error("no node has a dashed red border")
	}
	golden(t, "flow-handwritten.svg", got)
}

// TestFlowFixtures draws every assistant of the shared fixtures and of
// examples/, and checks what is known of some.
func TestFlowFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*", "*.json"))
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.json"))
	var all []string
	for _, f := range files {
		if !strings.Contains(filepath.ToSlash(f), "/cli-legacy/") {
			all = append(all, f)
		}
	}
	if len(all) < 17 {
		t.Fatalf("found only %d schema fixtures in %s (clone shared/ beside the repository)", len(all), fixtureDir)
	}
	if len(examples) < 2 {
		t.Fatalf("found only %d examples", len(examples))
	}
	flows := map[string]console.Flow{}
	for _, file := range append(all, examples...) {
		name := filepath.Base(filepath.Dir(file)) + "/" + filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
			if err != nil {
				t.Skipf("not importable: %v", err)
			}
			a.SID = "UA0123456789abcdef0123456789abcdef"
			f := console.FlowGraph(a)
			checkFlow(t, a, f)
			svg := string(f.SVG())
			checkSVG(t, svg)
			if again := string(console.FlowGraph(a).SVG()); again != svg {
				t.Error("two drawings of one assistant differ")
			}
			flows[name] = f
			if name == "examples/pizza.json" {
				golden(t, "flow-pizza.svg", svg)
			}
		})
	}

	facts := []struct {
		file string
		want func(console.Flow) string // what is wrong, or ""
	}{
		{"examples/pizza.json", hasEdge("task:order", "task:order_placed", console.EdgeOnComplete)},
		{"examples/pizza.json", hasEdge("task:order", "task:start_over", console.EdgeValidateOnFailure)},
		{"examples/pizza.json", hasEdge("task:menu", "task:hours", console.EdgeListen)},
		{"examples/pizza.json", hasEdge("start", "task:greeting", console.EdgeInitiation)},
		{"examples/pizza.json", hasEdge("fallback", "task:fallback", console.EdgeFallback)},
		{"examples/pizza.json", flags("goodbye", true, true, false)},
		{"examples/pizza.json", flags("order_placed", false, true, false)},
		{"examples/pizza.json", flags("start_over", false, true, false)},
		{"examples/clinic.json", hasEdge("task:welcome", "task:ask_for_input", console.EdgeRedirect)},
		{"examples/clinic.json", hasEdge("task:agent", "handoff:https://example.com/parley-clinic/front-desk.xml", console.EdgeHandoff)},
		{"examples/clinic.json", hasEdge("task:book", "task:booked", console.EdgeOnComplete)},
		{"examples/clinic.json", flags("goodbye", true, true, false)},
		{"tpl-event-bot/schema.json", hasEdge("fallback", "missing:connect_human", console.EdgeFallback)},
		{"cantina-sample/bot.json", hasEdge("task:make_reservation", "webhook:YOUR_FUNCTION_URI", console.EdgeOnComplete)},
		{"faq-henry/FAQ_Chatbot.json", hasEdge("task:send_to_agent", "webhook:https://faq-handoff-3776.twil.io/send-to-agent-3", console.EdgeRedirect)},
	}
	for _, fact := range facts {
		f, ok := flows[fact.file]
		if !ok {
			t.Errorf("%s: not drawn", fact.file)
			continue
		}
		if msg := fact.want(f); msg != "" {
			t.Errorf("%s: %s", fact.file, msg)
		}
	}
}

func hasEdge(from, to string, kind console.EdgeKind) func(console.Flow) string {
	return func(f console.Flow) string {
		for _, e := range f.Edges {
			if e.From == from && e.To == to && e.Kind == kind {
				return ""
			}
		}
		return "no " + string(kind) + " edge " + from + " → " + to
	}
}

func flags(task string, deadEnd, says, unreachable bool) func(console.Flow) string {
	return func(f console.Flow) string {
		n, ok := f.Node("task:" + task)
		if !ok {
			return "no task " + task
		}
		type flags struct{ DeadEnd, Says, Unreachable bool }
		if diff := cmp.Diff(flags{deadEnd, says, unreachable}, flags{n.DeadEnd, n.Says, n.Unreachable}); diff != "" {
			return task + " (-want +got):\n" + diff
		}
		return ""
	}
}

// checkFlow checks what holds of every flow: a node per task, edges between
// nodes, and the flags consistent with the edges.
func checkFlow(t *testing.T, a *assistant.Assistant, f console.Flow) {
	t.Helper()
	ids := map[string]console.FlowNode{}
	for _, n := range f.Nodes {
		if _, dup := ids[n.ID]; dup {
			t.Errorf("two nodes %q", n.ID)
		}
		ids[n.ID] = n
	}
	for _, tk := range a.Tasks {
		if _, ok := ids["task:"+tk.UniqueName]; !ok {
			t.Errorf("no node for task %q", tk.UniqueName)
		}
	}
	from := map[string]int{}
	to := map[string]int{}
	for _, e := range f.Edges {
		if _, ok := ids[e.From]; !ok {
			t.Errorf("edge %+v from no node", e)
		}
		if _, ok := ids[e.To]; !ok {
			t.Errorf("edge %+v to no node", e)
		}
		from[e.From]++
		if e.From != e.To {
			to[e.To]++
		}
	}
	for _, n := range f.Nodes {
		if n.Kind != console.NodeTask {
			if n.Kind != console.NodeStart && n.Kind != console.NodeFallback && to[n.ID] == 0 {
				t.Errorf("node %q: nothing leads to it", n.ID)
			}
			continue
		}
		if n.Unreachable && (n.Samples > 0 || to[n.ID] > 0) {
			t.Errorf("task %q: unreachable, with %d samples and %d edges to it", n.Name, n.Samples, to[n.ID])
		}
		if n.ActionsURL && (n.DeadEnd || from[n.ID] != 1) {
			t.Errorf("task %q: actions from a URL, dead end %v, %d edges", n.Name, n.DeadEnd, from[n.ID])
		}
		if n.Err != nil && from[n.ID] > 0 {
			t.Errorf("task %q: invalid actions, and %d edges", n.Name, from[n.ID])
		}
	}
}

// An xmlNode is an element of a parsed drawing.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xmlNode  `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n *xmlNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *xmlNode) walk(f func(*xmlNode)) {
	f(n)
	for i := range n.Children {
		n.Children[i].walk(f)
	}
}

// text returns the text of the drawing, element after element.
func (n *xmlNode) text() string {
	var b strings.Builder
	n.walk(func(n *xmlNode) { b.WriteString(n.Text + "\n") })
	return b.String()
}

// checkSVG checks that s is one well-formed <svg> element with what
// accessibility and scaling need, and returns it parsed.
func checkSVG(t testing.TB, s string) *xmlNode {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				t.Fatalf("text outside <svg>: %q", tok)
			}
		}
	}
	if roots != 1 {
		t.Fatalf("%d root elements, want 1", roots)
	}
	var root xmlNode
	if err := xml.Unmarshal([]byte(s), &root); err != nil {
		t.Fatal(err)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root element %v, want svg in the SVG namespace", root.XMLName)
	}
	for attr, want := range map[string]string{"role": "img", "width": "100%"} {
		if got := root.attr(attr); got != want {
			t.Errorf("%s=%q, want %q", attr, got, want)
		}
	}
	if vb := strings.Fields(root.attr("viewBox")); len(vb) != 4 || vb[0] != "0" || vb[1] != "0" {
		t.Errorf("viewBox=%q", root.attr("viewBox"))
	}
	if len(root.Children) < 2 || root.Children[0].XMLName.Local != "title" || root.Children[1].XMLName.Local != "desc" ||
		strings.TrimSpace(root.Children[0].Text) == "" || strings.TrimSpace(root.Children[1].Text) == "" {
		t.Error("the drawing does not start with a <title> and a <desc>")
	}
	root.walk(func(n *xmlNode) {
		if n.attr("style") != "" || n.XMLName.Local == "style" || n.XMLName.Local == "script" {
			t.Errorf("<%s> styled or scripted inline: a Content-Security-Policy would block it", n.XMLName.Local)
		}
	})
	return &root
}

// golden compares s with testdata/svg/name, or writes it there with
// -update.
func golden(t *testing.T, name, s string) {
	t.Helper()
	path := filepath.Join("testdata", "svg", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(want) != s+"\n" {
		t.Errorf("%s differs from the drawing made; look at both, and run go test -update if the new one is right", path)
	}
}

// FuzzFlowGraph draws an assistant whose one task has arbitrary actions and
// name: FlowGraph and SVG must not panic, and the drawing must be
// well-formed.
func FuzzFlowGraph(f *testing.F) {
	for _, tk := range flowAssistant().Tasks {
		f.Add(string(tk.Actions), tk.UniqueName)
	}
	f.Add(`{"actions":[{"redirect":"task://"}]}`, "")
	f.Add(`{"actions":[{"listen":{"tasks":["x","X","\u0000"]}}]}`, "x")
	f.Add(`{"actions":[{"handoff":{"channel":"voice","uri":"\ud800<&>"}}]}`, "\xff")
	f.Fuzz(func(t *testing.T, actions, name string) {
		a := flowAssistant()
		a.Tasks[0].Actions = json.RawMessage(actions)
		a.Tasks[0].UniqueName = name
		fl := console.FlowGraph(a)
		checkFlow(t, a, fl)
		checkSVG(t, string(fl.SVG()))
	})
}

// TestFlowSVGHandmade draws flows that FlowGraph does not make: edges to
// nodes that are not there are left out, and kinds it does not know are
// drawn as redirects and plain nodes.
func TestFlowSVGHandmade(t *testing.T) {
	for name, f := range map[string]console.Flow{
		"no-nodes":  {Edges: []console.FlowEdge{{From: "a", To: "b", Kind: console.EdgeRedirect}}},
		"no-target": {Nodes: []console.FlowNode{{ID: "a", Kind: console.NodeTask, Name: "a"}}, Edges: []console.FlowEdge{{From: "a", To: "b", Kind: console.EdgeListen}}},
		"odd-kind":  {Nodes: []console.FlowNode{{ID: "a", Kind: "odd", Name: "a"}}, Edges: []console.FlowEdge{{From: "a", To: "a", Kind: "odd"}}},
	} {
		t.Run(name, func(t *testing.T) { checkSVG(t, string(f.SVG())) })
	}
}
