package console

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
)

// A Flow is the graph of where an assistant's dialogue can go: a node per
// task, per default (assistant initiation, fallback) and per URL the actions
// send the dialogue to, and an edge per redirect, collect, listen, handoff
// or default that leads from one to another. [FlowGraph] builds it and
// [Flow.SVG] draws it.
//
// A Flow is computed from the assistant alone: it never fetches a URL, so
// what a webhook answers is unknown to it.
type Flow struct {
	AssistantSID string
	Assistant    string // the assistant's unique name

	// Nodes are the start and fallback nodes (when the defaults set them),
	// then the tasks in the assistant's order, then the other nodes in the
	// order the edges first reach them.
	Nodes []FlowNode
	// Edges are in the order of the defaults, then of the tasks and their
	// actions. No two have the same From, To and Kind.
	Edges []FlowEdge

	// DefaultsErr is why the assistant's defaults could not be read; the
	// flow then has no start or fallback node and no default edges.
	DefaultsErr error
}

// A NodeKind says what a [FlowNode] stands for.
type NodeKind string

// The kinds of [FlowNode].
const (
	NodeTask     NodeKind = "task"
	NodeStart    NodeKind = "start"    // defaults.assistant_initiation
	NodeFallback NodeKind = "fallback" // defaults.fallback
	// NodeWebhook is a URL answering Actions JSON: the target of a redirect
	// or a default, or a task's ActionsURL. Its Name is the URL as written
	// (a placeholder such as "YOUR_FUNCTION_URI" included).
	NodeWebhook NodeKind = "webhook"
	// NodeHandoff is where a handoff sends the call (a TwiML URL or
	// taskrouter://); its Name is the URI, empty when the handoff has none.
	NodeHandoff NodeKind = "handoff"
	// NodeMissing is a task:// target that names no task of the assistant;
	// its Name is the name the target gives.
	NodeMissing NodeKind = "missing"
)

// A FlowNode is one node of a [Flow].
type FlowNode struct {
	// ID is unique in the flow: "start", "fallback", "task:" plus the
	// task's unique name, "webhook:" plus the URL, "handoff:" plus the URI,
	// or "missing:" plus the name of the missing task.
	ID   string
	Kind NodeKind
	Name string // the task's unique name, a URL, "start" or "fallback"

	// The fields below are set for tasks only.

	Samples int
	// ActionsURL is set when the task's actions come from a webhook: where
	// the task leads is then unknown, and it is never a dead end.
	ActionsURL bool
	// DeadEnd is set when the task's actions neither listen, collect,
	// redirect nor hand off, so that the dialogue ends there. That is
	// normal for a goodbye task that Says something.
	DeadEnd bool
	// Says is set when the actions the task runs say, play or show
	// something.
	Says bool
	// Unreachable is set when the task has no samples, no edge from another
	// node leads to it, and no default names it.
	Unreachable bool
	// Err is why the task's actions are invalid Actions JSON; such a task
	// has no edges and no flags.
	Err error
}

// An EdgeKind says what leads from one [FlowNode] to another.
type EdgeKind string

// The kinds of [FlowEdge].
const (
	EdgeRedirect   EdgeKind = "redirect"
	EdgeOnComplete EdgeKind = "collect_on_complete" // collect.on_complete.redirect
	// EdgeOnFailure is where a collect question goes when its answers fail
	// max_attempts times: its own max_attempts.redirect, or the style
	// sheet's. The label names the questions.
	EdgeOnFailure EdgeKind = "collect_on_failure"
	EdgeListen    EdgeKind = "listen" // a task of listen.tasks
	// EdgeVoiceDigit is a redirect of listen.voice_digits; the label gives
	// the digits.
	EdgeVoiceDigit EdgeKind = "voice_digit"
	EdgeInitiation EdgeKind = "assistant_initiation" // from the start node
	EdgeFallback   EdgeKind = "fallback"             // from the fallback node
	// EdgeValidateOnFailure leads from a task whose collect has a question
	// with no on-failure redirect of its own (nor the style sheet's) to
	// defaults.collect.validate_on_failure.
	EdgeValidateOnFailure EdgeKind = "validate_on_failure"
	EdgeHandoff           EdgeKind = "handoff"
	EdgeActionsURL        EdgeKind = "actions_url" // from a task to its ActionsURL
)

// A FlowEdge leads from one [FlowNode] to another, by their IDs.
type FlowEdge struct {
	From, To string
	Kind     EdgeKind
	// Label is the voice digits of an EdgeVoiceDigit and the question
	// names of an EdgeOnFailure, comma-separated; empty for the others.
	Label string
}

// Node returns the node with the given ID.
func (f Flow) Node(id string) (FlowNode, bool) {
	for _, n := range f.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return FlowNode{}, false
}

// FlowGraph computes the flow of a's dialogue from its tasks' actions, its
// defaults and its style sheet, following the engine: a task's actions run
// up to the first redirect, listen, collect or handoff, so the actions after
// it lead nowhere. Targets resolve as the engine resolves them (a task name
// exactly, else ignoring case); empty targets give no edge. Of two tasks
// with the same unique name, the first is drawn.
func FlowGraph(a *assistant.Assistant) Flow {
	if a == nil {
		return Flow{}
	}
	b := flowBuilder{
		a:     a,
		f:     Flow{AssistantSID: a.SID, Assistant: a.UniqueName},
		nodes: map[string]int{},
		edges: map[flowEdgeKey]int{},
	}
	d, err := actions.ParseDefaults(a.Defaults)
	if err != nil {
		b.f.DefaultsErr = err
		d = &actions.Defaults{}
	}
	ss, err := actions.ParseStyleSheet(a.StyleSheet)
	if err != nil {
		ss = &actions.StyleSheet{} // the engine runs without it too
	}

	initiation := strings.TrimSpace(d.AssistantInitiation)
	fallback := strings.TrimSpace(d.Fallback)
	if initiation != "" {
		b.node(FlowNode{ID: "start", Kind: NodeStart, Name: "start"})
	}
	if fallback != "" {
		b.node(FlowNode{ID: "fallback", Kind: NodeFallback, Name: "fallback"})
	}
	var tasks []int // the node of each task drawn, in order
	for i := range a.Tasks {
		t := &a.Tasks[i]
		id := taskNodeID(t.UniqueName)
		if _, dup := b.nodes[id]; dup {
			continue
		}
		tasks = append(tasks, b.node(FlowNode{ID: id, Kind: NodeTask, Name: t.UniqueName, Samples: len(t.Samples)}))
	}

	defaultTargets := map[string]bool{}
	if initiation != "" {
		defaultTargets[b.target("start", initiation, EdgeInitiation, "")] = true
	}
	if fallback != "" {
		defaultTargets[b.target("fallback", fallback, EdgeFallback, "")] = true
	}
	validate := strings.TrimSpace(d.ValidateOnFailure)
	if n, ok := b.resolve(validate); ok {
		defaultTargets[n.ID] = true // the edges come from the tasks that collect
	}

	for _, i := range tasks {
		b.task(i, a.Task(b.f.Nodes[i].Name), ss, validate)
	}

	reached := map[string]bool{}
	for _, e := range b.f.Edges {
		if e.From != e.To {
			reached[e.To] = true
		}
	}
	for _, i := range tasks {
		n := &b.f.Nodes[i]
		n.Unreachable = n.Samples == 0 && !reached[n.ID] && !defaultTargets[n.ID]
	}
	return b.f
}

type flowEdgeKey struct {
	from, to string
	kind     EdgeKind
}

type flowBuilder struct {
	a     *assistant.Assistant
	f     Flow
	nodes map[string]int      // node ID → index in f.Nodes
	edges map[flowEdgeKey]int // → index in f.Edges
}

func taskNodeID(name string) string { return "task:" + name }

// node adds n unless a node has its ID, and returns the index of the node.
func (b *flowBuilder) node(n FlowNode) int {
	if i, ok := b.nodes[n.ID]; ok {
		return i
	}
	b.nodes[n.ID] = len(b.f.Nodes)
	b.f.Nodes = append(b.f.Nodes, n)
	return len(b.f.Nodes) - 1
}

// edge adds an edge, or adds label to the edge with the same ends and kind.
func (b *flowBuilder) edge(from, to string, kind EdgeKind, label string) {
	k := flowEdgeKey{from, to, kind}
	i, ok := b.edges[k]
	if !ok {
		b.edges[k] = len(b.f.Edges)
		b.f.Edges = append(b.f.Edges, FlowEdge{From: from, To: to, Kind: kind, Label: label})
		return
	}
	e := &b.f.Edges[i]
	switch {
	case label == "" || slices.Contains(strings.Split(e.Label, ", "), label):
	case e.Label == "":
		e.Label = label
	default:
		e.Label += ", " + label
	}
}

// resolve returns the node a redirect target leads to: a task, a missing
// task or a webhook; ok is false for an empty target.
func (b *flowBuilder) resolve(uri string) (n FlowNode, ok bool) {
	if strings.TrimSpace(uri) == "" {
		return FlowNode{}, false
	}
	if name, ok := (&actions.Redirect{URI: uri}).Task(); ok {
		if t := b.a.Task(name); t != nil {
			return FlowNode{ID: taskNodeID(t.UniqueName)}, true
		}
		return FlowNode{ID: "missing:" + name, Kind: NodeMissing, Name: name}, true
	}
	return FlowNode{ID: "webhook:" + uri, Kind: NodeWebhook, Name: uri}, true
}

// target adds an edge from a node to where uri leads (none for an empty
// uri), adding the node it leads to if needed, and returns that node's ID.
func (b *flowBuilder) target(from, uri string, kind EdgeKind, label string) string {
	n, ok := b.resolve(uri)
	if !ok {
		return ""
	}
	b.node(n) // a task's node is there already
	b.edge(from, n.ID, kind, label)
	return n.ID
}

// task adds the edges of the task of node i, and sets its flags.
func (b *flowBuilder) task(i int, t *assistant.Task, ss *actions.StyleSheet, validate string) {
	id := b.f.Nodes[i].ID
	if len(t.Actions) == 0 && t.ActionsURL != "" {
		b.f.Nodes[i].ActionsURL = true
		b.target(id, t.ActionsURL, EdgeActionsURL, "")
		return
	}
	data := []byte(t.Actions)
	if len(data) == 0 {
		data = []byte(`{"actions":[]}`) // as the engine runs it: the dialogue ends
	}
	doc, err := actions.Parse(data)
	if err != nil {
		b.f.Nodes[i].Err = err
		return
	}
	says, moves := false, false
	for _, act := range doc.Actions {
		switch act := act.(type) {
		case *actions.Say:
			says = says || strings.TrimSpace(act.Speech) != ""
		case *actions.Play, *actions.Show:
			says = true
		case *actions.Redirect:
			b.target(id, act.URI, EdgeRedirect, "")
			moves = true
		case *actions.Listen:
			if act.Off {
				continue // listen: false is no listen at all
			}
			for _, name := range act.Tasks {
				b.target(id, "task://"+name, EdgeListen, "")
			}
			if vd := act.VoiceDigits; vd != nil {
				for _, digits := range slices.Sorted(maps.Keys(vd.Redirects)) {
					b.target(id, vd.Redirects[digits], EdgeVoiceDigit, digits)
				}
			}
			moves = true
		case *actions.Collect:
			if act.OnComplete != nil {
				b.target(id, act.OnComplete.URI, EdgeOnComplete, "")
			}
			for _, q := range act.Questions {
				if rd := failureRedirect(&q, ss); rd != nil {
					b.target(id, rd.URI, EdgeOnFailure, q.Name)
				} else if validate != "" {
					b.target(id, validate, EdgeValidateOnFailure, "")
				}
			}
			moves = true
		case *actions.Handoff:
			hid := "handoff:" + act.URI
			b.node(FlowNode{ID: hid, Kind: NodeHandoff, Name: act.URI})
			b.edge(id, hid, EdgeHandoff, "")
			moves = true
		}
		if moves {
			break // the actions after it never run
		}
	}
	b.f.Nodes[i].Says, b.f.Nodes[i].DeadEnd = says, !moves
}

// failureRedirect is where the engine goes when q's answers fail too often
// (see dialogue's maxAttempts): q's own max_attempts redirect, else the
// style sheet's when q sets no number of attempts; nil means
// defaults.collect.validate_on_failure, else the fallback.
func failureRedirect(q *actions.Question, ss *actions.StyleSheet) *actions.Redirect {
	n := 0
	var rd *actions.Redirect
	if q.Validate != nil && q.Validate.MaxAttempts != nil {
		n, rd = q.Validate.MaxAttempts.NumAttempts, q.Validate.MaxAttempts.Redirect
	}
	if rd == nil && n <= 0 && ss.MaxAttempts != nil {
		rd = ss.MaxAttempts.Redirect
	}
	return rd
}

// Drawing constants, in SVG user units (pixels at scale 1).
const (
	flowMargin  = 16
	flowNodeW   = 156
	flowPillW   = 96 // start and fallback
	flowNodeH   = 40
	flowColGap  = 68 // between layers: room for curves and labels
	flowRowGap  = 14
	flowLoopTop = 28 // above the first row, for self-loops
	flowRight   = 56 // right of the last layer, for same-layer curves
	flowMinW    = 360
	legendItemW = 236
	legendItemH = 20
	flowLabelN  = 19 // runes of a node's name shown; the rest is in its title
)

// An edgeStyle is how an edge kind is drawn: the dash patterns differ so
// that kinds are told apart without colour.
type edgeStyle struct {
	color, dash, width string
	legend             string
}

var flowEdgeKinds = []EdgeKind{
	EdgeInitiation, EdgeFallback, EdgeRedirect, EdgeListen, EdgeVoiceDigit,
	EdgeOnComplete, EdgeOnFailure, EdgeValidateOnFailure, EdgeHandoff, EdgeActionsURL,
}

var flowEdgeStyles = map[EdgeKind]edgeStyle{
	EdgeRedirect:          {"#57606a", "", "1.5", "redirect"},
	EdgeOnComplete:        {"#0b57d0", "", "3", "collect: on complete"},
	EdgeOnFailure:         {"#b3261e", "6 3", "1.5", "collect: answers failed"},
	EdgeValidateOnFailure: {"#b3261e", "6 3 1 3", "1.5", "default: validate on failure"},
	EdgeListen:            {"#1a7f37", "3 3", "1.5", "listen: expected tasks"},
	EdgeVoiceDigit:        {"#1a7f37", "1 2", "2", "listen: voice digits"},
	EdgeInitiation:        {"#0b57d0", "10 4", "1.5", "default: assistant initiation"},
	EdgeFallback:          {"#9a6700", "10 3 2 3", "1.5", "default: fallback"},
	EdgeHandoff:           {"#8250df", "8 2 2 2 2 2", "2", "handoff"},
	EdgeActionsURL:        {"#9a6700", "14 4", "1.5", "actions from a URL"},
}

// drawnKind is the kind an edge is drawn as: its own, or a redirect for a
// kind FlowGraph does not make.
func drawnKind(k EdgeKind) EdgeKind {
	if _, ok := flowEdgeStyles[k]; ok {
		return k
	}
	return EdgeRedirect
}

// flowLayout places the nodes of a flow in layers, left to right.
type flowLayout struct {
	layer  []int   // of each node
	layers [][]int // the nodes of each layer, top to bottom
	x, y   []int   // top-left corner of each node
	w      []int   // width of each node
	width  int
	height int
}

// layout puts the start and fallback nodes in layer 0, the tasks with
// samples (which the user can reach by saying something) in layer 1, and
// every other node one layer right of the first node that leads to it,
// breadth first. Nodes nothing reaches start from layer 1 too. Within a
// layer, nodes are ordered by the mean row of the nodes leading to them,
// which keeps most edges short and uncrossed.
func (f Flow) layout() flowLayout {
	n := len(f.Nodes)
	index := make(map[string]int, n)
	for i, nd := range f.Nodes {
		index[nd.ID] = i
	}
	succ := make([][]int, n)
	pred := make([][]int, n)
	for _, e := range f.Edges {
		from, ok1 := index[e.From]
		to, ok2 := index[e.To]
		if ok1 && ok2 && from != to {
			succ[from] = append(succ[from], to)
			pred[to] = append(pred[to], from)
		}
	}

	layer := make([]int, n)
	for i := range layer {
		layer[i] = -1
	}
	var queue []int
	visit := func(i, l int) {
		if layer[i] < 0 {
			layer[i] = l
			queue = append(queue, i)
		}
	}
	bfs := func() {
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range succ[i] {
				visit(j, layer[i]+1)
			}
		}
	}
	for i, nd := range f.Nodes {
		if nd.Kind == NodeStart || nd.Kind == NodeFallback {
			visit(i, 0)
		}
	}
	for i, nd := range f.Nodes {
		if nd.Kind == NodeTask && nd.Samples > 0 {
			visit(i, 1)
		}
	}
	bfs()
	for i := range f.Nodes {
		visit(i, 1)
		bfs()
	}

	// Number the layers in use 0, 1, 2, ... (layer 0 is empty without
	// defaults).
	used := slices.Compact(slices.Sorted(slices.Values(layer)))
	var lay flowLayout
	lay.layer = make([]int, n)
	lay.layers = make([][]int, len(used))
	for i, l := range layer {
		k, _ := slices.BinarySearch(used, l)
		lay.layer[i] = k
		lay.layers[k] = append(lay.layers[k], i)
	}

	rows := 0
	for _, l := range lay.layers {
		rows = max(rows, len(l))
	}
	pitch := flowNodeH + flowRowGap
	// centre returns the y of the centre of each node, each layer centred
	// on the tallest.
	centre := func() []float64 {
		c := make([]float64, n)
		for _, l := range lay.layers {
			off := float64((rows-len(l))*pitch) / 2
			for r, i := range l {
				c[i] = off + float64(r*pitch)
			}
		}
		return c
	}
	sweep := func(k int, neighbours [][]int) {
		c := centre()
		key := make(map[int]float64, len(lay.layers[k]))
		for _, i := range lay.layers[k] {
			sum, m := 0.0, 0
			for _, j := range neighbours[i] {
				if lay.layer[j] != k {
					sum += c[j]
					m++
				}
			}
			key[i] = c[i]
			if m > 0 {
				key[i] = sum / float64(m)
			}
		}
		slices.SortStableFunc(lay.layers[k], func(i, j int) int { return cmp.Compare(key[i], key[j]) })
	}
	for range 2 {
		for k := 1; k < len(lay.layers); k++ {
			sweep(k, pred)
		}
		for k := len(lay.layers) - 2; k >= 0; k-- {
			sweep(k, succ)
		}
	}

	lay.x, lay.y, lay.w = make([]int, n), make([]int, n), make([]int, n)
	x := flowMargin
	for _, l := range lay.layers {
		off := (rows - len(l)) * pitch / 2
		colW := 0
		for r, i := range l {
			lay.w[i] = flowNodeW
			if k := f.Nodes[i].Kind; k == NodeStart || k == NodeFallback {
				lay.w[i] = flowPillW
			}
			colW = max(colW, lay.w[i])
			lay.x[i] = x
			lay.y[i] = flowLoopTop + off + r*pitch
		}
		x += colW + flowColGap
	}
	lay.width = max(flowMinW, x-flowColGap+flowRight+flowMargin)
	lay.height = flowLoopTop + max(rows*pitch-flowRowGap, 0) + flowMargin
	return lay
}

// shift moves the drawing down by dy.
func (lay *flowLayout) shift(dy int) {
	for i := range lay.y {
		lay.y[i] += dy
	}
	lay.height += dy
}

// SVG draws the flow as a self-contained inline <svg>: layers left to right
// (see layout), a rounded box per task linking to its console page, a pill
// per default, and an arrow per edge, its kind shown by its dash pattern
// (see the legend) and named in its tooltip. Dead ends, unreachable tasks,
// invalid actions and missing tasks have a dashed or dotted red border and
// a text badge. The drawing scales to its container's width (width="100%"
// and a viewBox), and uses presentation attributes only, no style
// attributes or elements, so that a Content-Security-Policy without
// 'unsafe-inline' allows it. The output is a pure function of the flow.
func (f Flow) SVG() template.HTML {
	var w svgWriter
	prefix := "flow-" + idSafe(f.AssistantSID)

	kinds := map[EdgeKind]bool{}
	for _, e := range f.Edges {
		kinds[drawnKind(e.Kind)] = true
	}
	var legend []legendItem
	for _, k := range flowEdgeKinds {
		if kinds[k] {
			legend = append(legend, legendItem{edge: k})
		}
	}
	for _, b := range flowBadges {
		for _, n := range f.Nodes {
			if b.has(n) {
				legend = append(legend, legendItem{badge: b})
				break
			}
		}
	}
	// The legend, on top, has as many columns as the layers leave room for.
	lay := f.layout()
	cols := max(1, (lay.width-2*flowMargin)/legendItemW)
	legendH := 0
	if len(legend) > 0 {
		legendH = ((len(legend)+cols-1)/cols)*legendItemH + 8
	}
	lay.shift(flowMargin + legendH)

	title := "Flow of the tasks of " + cmp.Or(f.Assistant, "the assistant")
	w.println(`<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" width="100%%" viewBox="0 0 %d %d" preserveAspectRatio="xMinYMin meet" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" aria-labelledby="%s-title %s-desc">`,
		lay.width, lay.height, prefix, prefix)
	w.println(`<title id="%s-title">%s</title>`, prefix, esc(title))
	w.println(`<desc id="%s-desc">%s</desc>`, prefix, esc(f.describe()))

	w.println(`<defs>`)
	seen := map[string]bool{}
	for _, k := range flowEdgeKinds {
		c := flowEdgeStyles[k].color
		if kinds[k] && !seen[c] {
			seen[c] = true
			w.println(`<marker id="%s-arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="%s"/></marker>`,
				prefix, c[1:], c)
		}
	}
	w.println(`</defs>`)

	f.drawLegend(&w, legend, cols, prefix)

	index := make(map[string]int, len(f.Nodes))
	for i, n := range f.Nodes {
		index[n.ID] = i
	}
	// Parallel edges (same two nodes, other kinds) bend apart.
	parallel := map[[2]int]int{}
	type label struct {
		x, y int
		text string
	}
	var labels []label
	w.println(`<g fill="none">`)
	for _, e := range f.Edges {
		from, ok1 := index[e.From]
		to, ok2 := index[e.To]
		if !ok1 || !ok2 {
			continue // not a flow FlowGraph made
		}
		pair := [2]int{min(from, to), max(from, to)}
		bend := parallel[pair] * 10
		parallel[pair]++
		d, lx, ly := lay.edgePath(from, to, bend)
		st := flowEdgeStyles[drawnKind(e.Kind)]
		w.printf(`<path d="%s" stroke="%s" stroke-width="%s"`, d, st.color, st.width)
		if st.dash != "" {
			w.printf(` stroke-dasharray="%s"`, st.dash)
		}
		w.println(` marker-end="url(#%s-arrow-%s)"><title>%s</title></path>`, prefix, st.color[1:], esc(f.edgeTitle(e)))
		if e.Label != "" {
			text := e.Label
			if e.Kind == EdgeVoiceDigit {
				text = "press " + text
			}
			labels = append(labels, label{lx, ly, truncate(text, 18)})
		}
	}
	w.println(`</g>`)

	for i, n := range f.Nodes {
		f.drawNode(&w, n, lay.x[i], lay.y[i], lay.w[i])
	}

	if len(labels) > 0 {
		w.println(`<g font-size="10" text-anchor="middle" fill="#1b1f24" stroke="#fff" stroke-width="3" paint-order="stroke">`)
		for _, l := range labels {
			w.println(`<text x="%d" y="%d">%s</text>`, l.x, l.y+3, esc(l.text))
		}
		w.println(`</g>`)
	}
	w.printf(`</svg>`)
	return template.HTML(w.String())
}

// edgePath returns the path of an edge between nodes i and j, and where its
// label goes. Edges to a later layer leave a node's right side and enter the
// other's left side; edges within a layer curve out to the right; edges
// back to an earlier layer leave the left side and enter the right side.
func (lay flowLayout) edgePath(i, j, bend int) (d string, lx, ly int) {
	xi, yi, wi := lay.x[i], lay.y[i]+flowNodeH/2, lay.w[i]
	xj, yj, wj := lay.x[j], lay.y[j]+flowNodeH/2, lay.w[j]
	var p [4][2]int
	switch li, lj := lay.layer[i], lay.layer[j]; {
	case i == j:
		x, y := xi+wi, lay.y[i]
		p = [4][2]int{{x - 24, y}, {x - 24, y - 26 - bend}, {x + 26 + bend, y + 6}, {x, y + flowNodeH/2}}
	case lj > li:
		dx := flowColGap / 2
		p = [4][2]int{{xi + wi, yi}, {xi + wi + dx, yi + bend}, {xj - dx, yj + bend}, {xj, yj}}
	case lj == li:
		out := min(24+8*abs(yj-yi)/(flowNodeH+flowRowGap), flowRight-8) + bend
		p = [4][2]int{{xi + wi, yi}, {xi + wi + out, yi}, {xj + wj + out, yj}, {xj + wj, yj}}
	default:
		dx := flowColGap / 2
		p = [4][2]int{{xi, yi}, {xi - dx, yi + bend}, {xj + wj + dx, yj + bend}, {xj + wj, yj}}
	}
	d = fmt.Sprintf("M%d,%d C%d,%d %d,%d %d,%d", p[0][0], p[0][1], p[1][0], p[1][1], p[2][0], p[2][1], p[3][0], p[3][1])
	// The point of the curve at t = 1/2.
	lx = (p[0][0] + 3*p[1][0] + 3*p[2][0] + p[3][0]) / 8
	ly = (p[0][1] + 3*p[1][1] + 3*p[2][1] + p[3][1]) / 8
	return d, lx, ly
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// A flowBadge marks nodes with a problem, or of a kind, with a border and a
// word.
type flowBadge struct {
	text   string // in the node, under its name
	legend string // at most 32 characters
	stroke string
	dash   string
	fill   string // of the legend's sample
	has    func(FlowNode) bool
}

var flowBadges = []flowBadge{
	{"invalid actions", "task with invalid Actions JSON", "#b3261e", "6 3", "#fff", func(n FlowNode) bool { return n.Err != nil }},
	{"unreachable", "unreachable: nothing leads here", "#b3261e", "2 3", "#fff", func(n FlowNode) bool { return n.Unreachable }},
	{"dead end, silent", "dead end that says nothing", "#b3261e", "6 3", "#fff", func(n FlowNode) bool { return n.DeadEnd && !n.Says }},
	{"ends dialogue", "ends the dialogue", "#9a6700", "6 3", "#fff", func(n FlowNode) bool { return n.DeadEnd && n.Says }},
	{"missing task", "task:// target with no task", "#b3261e", "6 3", "#ffebe9", func(n FlowNode) bool { return n.Kind == NodeMissing }},
	{"webhook", "webhook (answers Actions JSON)", "#9a6700", "", "#fff8c5", func(n FlowNode) bool { return n.Kind == NodeWebhook }},
	{"handoff", "handoff to a person", "#8250df", "", "#fbefff", func(n FlowNode) bool { return n.Kind == NodeHandoff }},
}

// badges returns the badges of n, the first one deciding its border.
func badges(n FlowNode) []flowBadge {
	var out []flowBadge
	for _, b := range flowBadges {
		if b.has(n) {
			out = append(out, b)
		}
	}
	return out
}

type legendItem struct {
	edge  EdgeKind // or
	badge flowBadge
}

func (f Flow) drawLegend(w *svgWriter, items []legendItem, cols int, prefix string) {
	if len(items) == 0 {
		return
	}
	w.printf(`<g font-size="11" fill="#1b1f24">`)
	for k, it := range items {
		x := flowMargin + (k%cols)*legendItemW
		y := flowMargin + (k/cols)*legendItemH
		if it.edge != "" {
			st := flowEdgeStyles[it.edge]
			w.printf(`<path d="M%d,%d h26" fill="none" stroke="%s" stroke-width="%s"`, x, y+7, st.color, st.width)
			if st.dash != "" {
				w.printf(` stroke-dasharray="%s"`, st.dash)
			}
			w.printf(` marker-end="url(#%s-arrow-%s)"/>`, prefix, st.color[1:])
			w.println(`<text x="%d" y="%d">%s</text>`, x+34, y+11, esc(st.legend))
			continue
		}
		b := it.badge
		w.printf(`<rect x="%d" y="%d" width="26" height="14" rx="3" fill="%s" stroke="%s" stroke-width="2"`, x, y, b.fill, b.stroke)
		if b.dash != "" {
			w.printf(` stroke-dasharray="%s"`, b.dash)
		}
		w.println(`/><text x="%d" y="%d">%s</text>`, x+34, y+11, esc(b.legend))
	}
	w.println(`</g>`)
}

func (f Flow) drawNode(w *svgWriter, n FlowNode, x, y, nodeW int) {
	bs := badges(n)
	fill, stroke, dash, strokeW, rx, textFill := "#fff", "#57606a", "", "1.5", 8, "#1b1f24"
	switch n.Kind {
	case NodeStart, NodeFallback:
		fill, stroke, rx, textFill = "#0b57d0", "#0b57d0", flowNodeH/2, "#fff"
	case NodeWebhook:
		fill, rx = "#fff8c5", 2
	case NodeHandoff:
		fill, rx = "#fbefff", 2
	case NodeMissing:
		fill = "#ffebe9"
	case NodeTask:
		if n.Samples > 0 {
			fill = "#f6f8fa"
		}
	}
	if len(bs) > 0 && bs[0].dash != "" {
		stroke, dash, strokeW = bs[0].stroke, bs[0].dash, "2.5"
	} else if len(bs) > 0 {
		stroke = bs[0].stroke
	}

	name, host := truncate(n.Name, flowLabelN), ""
	switch n.Kind {
	case NodeWebhook, NodeHandoff:
		name, host = splitURL(n.Name)
	case NodeMissing:
		name = truncate("task://"+n.Name, flowLabelN)
	}
	if name == "" {
		name = "(empty)"
	}
	var words []string
	for _, b := range bs {
		words = append(words, b.text)
	}
	if host != "" {
		words = append(words, host)
	}
	badge := strings.Join(words, " · ")

	if n.Kind == NodeTask {
		w.printf(`<a href="%s">`, esc(taskHref(f.AssistantSID, n.Name)))
	}
	w.printf(`<g><title>%s</title>`, esc(nodeTitle(n)))
	w.printf(`<rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="%s" stroke="%s" stroke-width="%s"`,
		x, y, nodeW, flowNodeH, rx, fill, stroke, strokeW)
	if dash != "" {
		w.printf(` stroke-dasharray="%s"`, dash)
	}
	w.printf(`/>`)
	cx := x + nodeW/2
	nameY := y + flowNodeH/2 + 5
	if badge != "" {
		nameY = y + 17
	}
	weight := ""
	if n.Kind == NodeTask {
		weight = ` font-weight="600"`
	}
	w.printf(`<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="%s"%s>%s</text>`,
		cx, nameY, textFill, weight, esc(name))
	if badge != "" {
		w.printf(`<text x="%d" y="%d" text-anchor="middle" font-size="10" fill="%s">%s</text>`,
			cx, y+32, cmp.Or(bs[0].stroke, textFill), esc(truncate(badge, 27)))
	}
	if n.Kind == NodeTask {
		w.println(`</g></a>`)
	} else {
		w.println(`</g>`)
	}
}

// taskHref is the console page of a task.
func taskHref(assistantSID, name string) string {
	return "/console/assistants/" + url.PathEscape(assistantSID) + "/tasks/" + url.PathEscape(name)
}

func nodeTitle(n FlowNode) string {
	var b strings.Builder
	switch n.Kind {
	case NodeTask:
		fmt.Fprintf(&b, "task %s: %d samples", n.Name, n.Samples)
		if n.ActionsURL {
			b.WriteString("; actions from a webhook")
		}
	case NodeStart:
		b.WriteString("start: the assistant speaks first (defaults.assistant_initiation)")
	case NodeFallback:
		b.WriteString("fallback: when no task fits (defaults.fallback)")
	case NodeWebhook:
		b.WriteString("webhook " + n.Name)
	case NodeHandoff:
		b.WriteString("handoff to " + cmp.Or(n.Name, "(no uri)"))
	case NodeMissing:
		fmt.Fprintf(&b, "missing task %q: no task has this name", n.Name)
	}
	if n.Kind == NodeTask {
		for _, bd := range badges(n) {
			b.WriteString("; " + bd.legend)
		}
	}
	if n.Err != nil {
		b.WriteString(": " + n.Err.Error())
	}
	return b.String()
}

func (f Flow) edgeTitle(e FlowEdge) string {
	name := func(id string) string {
		if n, ok := f.Node(id); ok && n.Kind != NodeStart && n.Kind != NodeFallback {
			return cmp.Or(n.Name, "(empty)")
		}
		return id
	}
	s := name(e.From) + " → " + name(e.To) + " (" + flowEdgeStyles[drawnKind(e.Kind)].legend
	if e.Label != "" {
		if e.Kind == EdgeVoiceDigit {
			s += ", digits " + e.Label
		} else {
			s += ", " + e.Label
		}
	}
	return s + ")"
}

// describe summarises the flow in words, for the drawing's <desc>.
func (f Flow) describe() string {
	var tasks, dead, silent, unreachable, invalid []string
	for _, n := range f.Nodes {
		if n.Kind != NodeTask {
			continue
		}
		tasks = append(tasks, n.Name)
		switch {
		case n.DeadEnd && n.Says:
			dead = append(dead, n.Name)
		case n.DeadEnd:
			silent = append(silent, n.Name)
		}
		if n.Unreachable {
			unreachable = append(unreachable, n.Name)
		}
		if n.Err != nil {
			invalid = append(invalid, n.Name)
		}
	}
	s := fmt.Sprintf("%d tasks, %d links between them and to webhooks.", len(tasks), len(f.Edges))
	list := func(what string, names []string) {
		if len(names) > 0 {
			s += " " + what + ": " + strings.Join(names, ", ") + "."
		}
	}
	list("Tasks that end the dialogue", dead)
	list("Dead ends that say nothing", silent)
	list("Unreachable tasks", unreachable)
	list("Tasks with invalid actions", invalid)
	if f.DefaultsErr != nil {
		s += " The defaults are invalid, so they are not drawn."
	}
	return s
}

// splitURL returns the path of an http(s) URL (its end, when it is long:
// webhooks of one host differ there) and its host, to show on two lines;
// other targets come back whole (cut short) and with no host.
func splitURL(s string) (path, host string) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return truncate(s, flowLabelN), ""
	}
	path = strings.TrimPrefix(u.EscapedPath(), "/")
	if path == "" {
		return truncate(u.Host, flowLabelN), ""
	}
	if r := []rune(path); len(r) > flowLabelN {
		path = "…" + string(r[len(r)-flowLabelN+1:])
	}
	return path, u.Host
}

// truncate returns s cut to n runes, the last one an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// idSafe keeps the ASCII letters and digits of s, for use in an XML id.
func idSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// An svgWriter accumulates markup.
type svgWriter struct{ strings.Builder }

func (w *svgWriter) printf(format string, args ...any) { fmt.Fprintf(w, format, args...) }

// println is printf ending the line, so that drawings read (and diff) an
// element a line.
func (w *svgWriter) println(format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteByte('\n')
}

// esc escapes s for XML and HTML text and attribute values alike, and
// replaces what XML cannot hold (control characters, invalid UTF-8) by
// U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a Builder cannot fail
	return b.String()
}
