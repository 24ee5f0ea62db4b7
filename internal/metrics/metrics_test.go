package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/metrics"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestRegistriesAreApart: two Metrics in one process count apart, as two
// apps (or two tests) must.
func TestRegistriesAreApart(t *testing.T) {
	t.Parallel()
	first, second := metrics.New(metrics.Options{}), metrics.New(metrics.Options{})
	first.CallerRefused()
	for m, want := range map[*metrics.Metrics]string{first: "caller_limit_refusals_total 1", second: "caller_limit_refusals_total 0"} {
		if got := serve(t, m); !strings.Contains(got, "scaleway_images_mcp_"+want+"\n") {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
}

func serve(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	b, err := io.ReadAll(w.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkCall is what metrics cost a tool call that makes one request
// to Scaleway: the call's start and end, and the attempt.
func BenchmarkCall(b *testing.B) {
	m := metrics.New(metrics.Options{Tools: tools.Names()})
	attempt := scaleway.Attempt{Route: "get_image", StatusCode: 200, Number: 1, Duration: 40 * time.Millisecond}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.CallStarted(tools.GetImageTool)
			m.ObserveAttempt(attempt)
			m.CallFinished(tools.GetImageTool, tools.OutcomeOK, 45*time.Millisecond)
		}
	})
}
