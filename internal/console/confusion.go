package console

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

// confusionMatrix is the counts of an [nlueval.AssistantReport] by task and
// by where the samples went.
type confusionMatrix struct {
	rows   []string // the tasks with samples, in the report's order
	cols   []string // rows, then other targets; the last column is the fallback
	counts [][]int  // [row][col]
	totals []int    // samples of each row
	recall []float64
}

const (
	// The two columns that are no task are in parentheses, and drawn in
	// italics.
	confusionFallback = "(fallback)"
	confusionOther    = "(another task)"
)

// newConfusionMatrix derives the matrix from the report: a row's own cell
// is TaskRecall.Routed, its fallback cell TaskRecall.ToFallback, and its
// other cells come from Confusions. Should the confusions of a task add up
// to less than its ToOtherTask (a report cut short), the rest goes to an
// "another task" column; confusions of a task with no TaskRecall are left
// out.
func newConfusionMatrix(r *nlueval.AssistantReport) confusionMatrix {
	var m confusionMatrix
	row := map[string]int{}
	for _, tr := range r.Tasks {
		if _, dup := row[tr.Task]; !dup {
			row[tr.Task] = len(m.rows)
			m.rows = append(m.rows, tr.Task)
		}
	}
	col := map[string]int{}
	m.cols = slices.Clone(m.rows)
	for i, name := range m.rows {
		col[name] = i
	}
	var extra []string
	for _, c := range r.Confusions {
		if _, ok := col[c.To]; !ok && !slices.Contains(extra, c.To) {
			extra = append(extra, c.To)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		col[name] = len(m.cols)
		m.cols = append(m.cols, name)
	}

	n := len(m.rows)
	m.counts = make([][]int, n)
	m.totals = make([]int, n)
	m.recall = make([]float64, n)
	toOther := make([]int, n)
	for i := range m.counts {
		m.counts[i] = make([]int, len(m.cols)+2) // room for other and fallback
	}
	seen := make([]bool, n)
	for _, tr := range r.Tasks {
		i := row[tr.Task]
		if seen[i] {
			continue // a second TaskRecall of one task
		}
		seen[i] = true
		m.counts[i][i] = tr.Routed
		m.counts[i][len(m.cols)+1] = tr.ToFallback
		m.totals[i] = tr.Samples
		m.recall[i] = tr.Recall
		toOther[i] = tr.ToOtherTask
	}
	for _, c := range r.Confusions {
		if i, ok := row[c.Task]; ok && c.Count > 0 {
			m.counts[i][col[c.To]] += c.Count
			toOther[i] -= c.Count
		}
	}
	hasOther := false
	for i, rest := range toOther {
		if rest > 0 {
			m.counts[i][len(m.cols)] = rest
			hasOther = true
		}
	}
	if hasOther {
		m.cols = append(m.cols, confusionOther)
	} else {
		for i := range m.counts {
			m.counts[i] = slices.Delete(m.counts[i], len(m.cols), len(m.cols)+1)
		}
	}
	m.cols = append(m.cols, confusionFallback)
	for i := range m.counts {
		sum := 0
		for _, c := range m.counts[i] {
			sum += c
		}
		m.totals[i] = max(m.totals[i], sum) // Samples, unless it is short
	}
	return m
}

const (
	confCell   = 30
	confCharW  = 7 // of a 12px label, on average
	confLabelN = 24
	confRecall = 52 // the recall column
	confLegend = 64
)

// ConfusionSVG draws where the held-out samples of each task of r went, as
// a matrix: a row per task with samples (in the report's order, the lowest
// recall first), a column per task they were routed to, then the fallback.
// A cell is shaded by its share of the row's samples, blue on the diagonal
// (routed right) and red elsewhere, and shows its count; the row's recall
// is written at its end. Like [Flow.SVG], the drawing scales to its
// container's width, uses presentation attributes only, and is a pure
// function of r.
func ConfusionSVG(r *nlueval.AssistantReport) template.HTML {
	if r == nil {
		r = &nlueval.AssistantReport{}
	}
	m := newConfusionMatrix(r)
	var w svgWriter

	rowLabelW, colLabelW := 0, 0
	for _, name := range m.rows {
		rowLabelW = max(rowLabelW, len([]rune(truncate(name, confLabelN))))
	}
	for _, name := range append(slices.Clone(m.cols), "recall") {
		colLabelW = max(colLabelW, len([]rune(truncate(name, confLabelN))))
	}
	rowLabelW = rowLabelW*confCharW + 10
	colLabelW *= confCharW
	slant := colLabelW * 71 / 100 // the labels run up at 45°

	left := flowMargin + rowLabelW
	top := flowMargin + slant + 12
	gridW := len(m.cols) * confCell
	gridH := len(m.rows) * confCell
	width := max(flowMinW, left+gridW+confRecall+slant+flowMargin)
	height := top + gridH + 12 + confLegend + flowMargin

	title := "Where the samples of " + cmp.Or(r.Assistant, "the assistant") + " were routed"
	w.println(`<svg xmlns="http://www.w3.org/2000/svg" class="confusion" role="img" width="100%%" viewBox="0 0 %d %d" preserveAspectRatio="xMinYMin meet" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`, width, height)
	w.println(`<title>%s</title>`, esc(title))
	w.println(`<desc>%s</desc>`, esc(describeConfusion(r, m)))

	if len(m.rows) == 0 {
		w.printf(`<text x="%d" y="%d" font-size="13" fill="#57606a">No task has samples to evaluate.</text></svg>`, flowMargin, top)
		return template.HTML(w.String())
	}

	// Column labels, slanted; then the recall column's.
	w.println(`<g font-size="12" fill="#1b1f24">`)
	for j, name := range m.cols {
		x, y := left+j*confCell+confCell/2, top-6
		italic := "" // not a task with samples: the fallback, or another target
		if j >= len(m.rows) {
			italic = ` font-style="italic"`
		}
		w.println(`<text x="%d" y="%d" transform="rotate(-45 %d %d)"%s>%s<title>routed to %s</title></text>`,
			x, y, x, y, italic, esc(truncate(name, confLabelN)), esc(name))
	}
	x, y := left+gridW+confRecall/2, top-6
	w.println(`<text x="%d" y="%d" transform="rotate(-45 %d %d)" font-weight="600">recall</text>`, x, y, x, y)
	// Row labels.
	for i, name := range m.rows {
		w.println(`<text x="%d" y="%d" text-anchor="end">%s<title>samples of %s</title></text>`,
			left-8, top+i*confCell+confCell/2+4, esc(truncate(name, confLabelN)), esc(name))
	}
	w.println(`</g>`)

	// Cells.
	w.println(`<g font-size="11" text-anchor="middle">`)
	for i, counts := range m.counts {
		for j, n := range counts {
			x, y := left+j*confCell, top+i*confCell
			stroke := "#d0d7de"
			if i == j {
				stroke = "#57606a" // the diagonal, told apart without colour
			}
			if n <= 0 { // none (or a count that makes no sense)
				w.println(`<rect x="%d" y="%d" width="%d" height="%d" fill="#fff" stroke="%s" stroke-width="0.5"/>`,
					x, y, confCell, confCell, stroke)
				continue
			}
			share := float64(n) / float64(m.totals[i])
			color := "#b3261e"
			if i == j {
				color = "#0b57d0"
			}
			opacity := 0.12 + 0.88*share
			text := "#1b1f24"
			if opacity > 0.55 {
				text = "#fff"
			}
			w.printf(`<g><title>%s</title>`, esc(fmt.Sprintf("%s → %s: %d of %d samples (%s)",
				m.rows[i], m.cols[j], n, m.totals[i], percent(share))))
			w.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="#fff" stroke="%s" stroke-width="0.5"/>`,
				x, y, confCell, confCell, stroke)
			w.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="%s" fill-opacity="%.2f" stroke="%s" stroke-width="0.5"/>`,
				x, y, confCell, confCell, color, opacity, stroke)
			w.println(`<text x="%d" y="%d" fill="%s">%d</text></g>`, x+confCell/2, y+confCell/2+4, text, n)
		}
		w.println(`<text x="%d" y="%d" fill="#1b1f24" font-size="12">%s</text>`,
			left+gridW+confRecall/2, top+i*confCell+confCell/2+4, percent(m.recall[i]))
	}
	w.println(`</g>`)

	// Legend: the shades of both colours, and what rows and columns are.
	ly := top + gridH + 12
	w.println(`<g font-size="11" fill="#1b1f24">`)
	w.println(`<text x="%d" y="%d">Rows: a task's samples. Columns: where they went.</text>`, flowMargin, ly+10)
	for k, sc := range []struct{ color, label string }{{"#0b57d0", "to their task"}, {"#b3261e", "elsewhere"}} {
		y := ly + 20 + k*20
		w.println(`<text x="%d" y="%d">%s</text>`, flowMargin, y+12, sc.label)
		for s, share := range []float64{0.1, 0.25, 0.5, 0.75, 1} {
			x := flowMargin + 86 + s*52
			w.printf(`<rect x="%d" y="%d" width="16" height="16" fill="%s" fill-opacity="%.2f" stroke="#d0d7de" stroke-width="0.5"/>`,
				x, y, sc.color, 0.12+0.88*share)
			w.println(`<text x="%d" y="%d">%s</text>`, x+20, y+12, percent(share))
		}
	}
	w.printf(`</g></svg>`)
	return template.HTML(w.String())
}

func percent(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(100*f))) }

// describeConfusion summarises the report in words, for the drawing's
// <desc>.
func describeConfusion(r *nlueval.AssistantReport, m confusionMatrix) string {
	if len(m.rows) == 0 {
		return "No task has samples to evaluate."
	}
	samples, routed, fallback := 0, 0, 0
	for i, counts := range m.counts {
		samples += m.totals[i]
		routed += counts[i]
		fallback += counts[len(counts)-1]
	}
	s := fmt.Sprintf("Held-out samples of %d tasks, %d in all: %d routed to their own task (recall %s), %d to another task, %d to the fallback.",
		len(m.rows), samples, routed, percent(float64(routed)/float64(max(samples, 1))), samples-routed-fallback, fallback)
	var worst []string
	for _, c := range r.Confusions {
		if len(worst) == 3 {
			break
		}
		worst = append(worst, fmt.Sprintf("%s to %s (%d)", c.Task, c.To, c.Count))
	}
	if len(worst) > 0 {
		s += " Most confused: " + strings.Join(worst, ", ") + "."
	}
	return s
}
