package nlueval

import (
	"slices"
	"time"
)

// Metrics score predicted intents against gold ones.
type Metrics struct {
	// InScopeAccuracy is the fraction of items whose gold intent is not OOS
	// that were predicted exactly; predicting OOS for them is wrong. It is 0
	// when there are no such items.
	InScopeAccuracy float64
	// OOSRecall is the fraction of OOS items predicted OOS, or nil when
	// there are no OOS items.
	OOSRecall *float64
	// MacroF1 is the unweighted mean of the F1 of each gold intent, OOS
	// included when some item has it. Only intents with gold items are
	// classes: a wrong prediction of an intent that no item has costs the
	// recall of the item's intent, and adds no class of F1 0 (scikit-learn's
	// f1_score(average="macro", labels=<gold intents>)).
	MacroF1 float64
	// Accuracy is the fraction of all items predicted exactly, OOS being a
	// class like the others: the micro-averaged F1 of single-label
	// classification, as Braun et al. 2017 report it.
	Accuracy float64
}

// Score computes the metrics of predictions pred against gold intents gold,
// item by item; the slices must have the same length.
func Score(gold, pred []string) Metrics {
	if len(gold) != len(pred) {
		panic("nlueval.Score: gold and pred differ in length")
	}
	type counts struct{ gold, pred, tp int }
	byLabel := map[string]*counts{}
	get := func(l string) *counts {
		c := byLabel[l]
		if c == nil {
			c = &counts{}
			byLabel[l] = c
		}
		return c
	}
	var correct, inScope, inScopeCorrect, oos, oosCorrect int
	for i, g := range gold {
		p := pred[i]
		get(g).gold++
		get(p).pred++
		ok := g == p
		if ok {
			get(g).tp++
			correct++
		}
		if g == OOS {
			oos++
			if ok {
				oosCorrect++
			}
		} else {
			inScope++
			if ok {
				inScopeCorrect++
			}
		}
	}
	var m Metrics
	m.InScopeAccuracy = frac(inScopeCorrect, inScope)
	m.Accuracy = frac(correct, len(gold))
	if oos > 0 {
		r := frac(oosCorrect, oos)
		m.OOSRecall = &r
	}
	classes := 0
	for _, c := range byLabel {
		if c.gold == 0 {
			continue
		}
		classes++
		// F1 = 2PR/(P+R) = 2tp/(gold+pred)
		m.MacroF1 += 2 * float64(c.tp) / float64(c.gold+c.pred)
	}
	if classes > 0 {
		m.MacroF1 /= float64(classes)
	}
	return m
}

func frac(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// percentile returns the p-th percentile (1 <= p <= 100) of ds by the
// nearest-rank method: the smallest value with at least p% of the values at
// or below it. It sorts ds.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	rank := (p*len(ds) + 99) / 100 // ceil(p/100 * n)
	return ds[min(max(rank, 1), len(ds))-1]
}
