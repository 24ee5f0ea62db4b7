package tools_test

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/metrics"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// BenchmarkMetricsOverhead measures what metrics add to a tool call: each
// iteration gets the same image through two sessions on the same fake,
// one whose tools and client feed metrics as the program wires them and
// one without, back to back so that both see the same machine load; it
// reports the median of each and the difference of the medians
// (overhead-p50-ns/op).
func BenchmarkMetricsOverhead(b *testing.B) {
	e := newBenchEnv(b)
	m := metrics.New(metrics.Options{Tools: tools.Names()})
	client, err := scaleway.NewClient(scaleway.WithBaseURL(e.srv.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken),
		scaleway.WithDefaultProject(scalewaytest.DefaultProjectID), scaleway.WithObserver(m.ObserveAttempt))
	if err != nil {
		b.Fatal(err)
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "bench-metrics", Version: "v0"}, nil)
	deps := &tools.Deps{Client: client, DefaultZone: "fr-par-1", Logger: zerolog.New(io.Discard).With().Timestamp().Logger(), Observer: m}
	if _, err := tools.Register(server, deps, tools.Selection{}); err != nil {
		b.Fatal(err)
	}
	measured := testutil.ConnectInMemory(b, server, nil)
	args := json.RawMessage(`{"image_id":"` + e.imageID + `"}`)
	get := func(session *mcp.ClientSession) time.Duration {
		start := time.Now()
		res, err := session.CallTool(b.Context(), &mcp.CallToolParams{Name: tools.GetImageTool, Arguments: args})
		if err != nil || res.IsError {
			b.Fatalf("%v %v", err, res)
		}
		return time.Since(start)
	}
	get(e.session)
	get(measured)
	var plain, counted []time.Duration
	for b.Loop() {
		plain = append(plain, get(e.session))
		counted = append(counted, get(measured))
	}
	p, c := median(plain), median(counted)
	b.ReportMetric(float64(p), "plain-p50-ns/op")
	b.ReportMetric(float64(c), "metrics-p50-ns/op")
	b.ReportMetric(float64(c-p), "overhead-p50-ns/op")
}
