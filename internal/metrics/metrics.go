// Package metrics collects what Parley does for Prometheus: turns by
// channel and outcome and their latency, webhook calls by outcome and
// their latency, the NLU's confidence, fallbacks and model builds. The
// collectors live on a [Metrics] value's own registry, never the global
// one, and its methods are the hooks the engine, the webhook client and the
// model builder call.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors. Its methods are safe for concurrent use; a
// nil *Metrics records nothing.
type Metrics struct {
	reg        *prometheus.Registry
	turns      *prometheus.CounterVec
	turnTime   *prometheus.HistogramVec
	webhooks   *prometheus.CounterVec
	hookTime   prometheus.Histogram
	confidence prometheus.Histogram
	builds     *prometheus.CounterVec
}

// New returns Metrics on a new registry, with the Go runtime's and the
// process's collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_turns_total",
			Help: "Turns by channel kind (custom, sms, voice, ...) and outcome: ok, fallback (no task understood, or the fallback after a fault), fault (something failed and the fallback did not answer), error (no reply).",
		}, []string{"channel", "outcome"}),
		turnTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_turn_duration_seconds",
			Help:    "Time to run and save a turn, webhooks included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"channel"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_webhook_requests_total",
			Help: "Outbound webhook requests by outcome: ok, or the Twilio error code of the failure (11200, 11205, ...).",
		}, []string{"outcome"}),
		hookTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_webhook_duration_seconds",
			Help:    "Time of outbound webhook requests, failed ones included.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		confidence: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_nlu_confidence",
			Help:    "Confidence of the task the NLU chose for a message (Autopilot's (p1-p2)/p1); messages it understood as no task are counted at 0.",
			Buckets: []float64{0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1},
		}),
		builds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_model_builds_total",
			Help: "Model builds that ended, by status: completed, failed, or interrupted (enqueued again).",
		}, []string{"status"}),
	}
	m.reg.MustRegister(m.turns, m.turnTime, m.webhooks, m.hookTime, m.confidence, m.builds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Turn records a turn.
func (m *Metrics) Turn(channel, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.turns.WithLabelValues(channel, outcome).Inc()
	m.turnTime.WithLabelValues(channel).Observe(took.Seconds())
}

// Classified records the NLU's confidence in a message's task; understood
// is false when it found none.
func (m *Metrics) Classified(confidence float64, understood bool) {
	if m == nil {
		return
	}
	if !understood {
		confidence = 0
	}
	m.confidence.Observe(confidence)
}

// Webhook records an outbound request: code 0 for a success, else the
// Twilio error code of its failure.
func (m *Metrics) Webhook(code int, took time.Duration) {
	if m == nil {
		return
	}
	outcome := "ok"
	if code != 0 {
		outcome = strconv.Itoa(code)
	}
	m.webhooks.WithLabelValues(outcome).Inc()
	m.hookTime.Observe(took.Seconds())
}

// ModelBuild records a model build that ended with status.
func (m *Metrics) ModelBuild(status string) {
	if m == nil {
		return
	}
	m.builds.WithLabelValues(status).Inc()
}
