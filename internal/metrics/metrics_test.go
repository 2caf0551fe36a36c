package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsExposed(t *testing.T) {
	m := New()
	m.Turn("custom", "ok", 3*time.Millisecond)
	m.Turn("custom", "fallback", time.Millisecond)
	m.Classified(0.8, true)
	m.Classified(0.9, false)
	m.Webhook(0, 20*time.Millisecond)
	m.Webhook(11205, 10*time.Second)
	m.ModelBuild("completed")
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`parley_turns_total{channel="custom",outcome="ok"} 1`,
		`parley_turns_total{channel="custom",outcome="fallback"} 1`,
		`parley_turn_duration_seconds_count{channel="custom"} 2`,
		`parley_nlu_confidence_bucket{le="0"} 1`,
		`parley_nlu_confidence_count 2`,
		`parley_webhook_requests_total{outcome="11205"} 1`,
		`parley_webhook_requests_total{outcome="ok"} 1`,
		`parley_model_builds_total{status="completed"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	var nilMetrics *Metrics
	nilMetrics.Turn("x", "ok", 0) // records nothing, does not panic
}
