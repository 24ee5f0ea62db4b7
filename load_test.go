package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/goleak"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/listener"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// loadServer is the program's streamable HTTP handler, behind the same
// listener rules as the binary, in front of the in-process sandbox.
type loadServer struct {
	app *app
	url string
}

func newLoadServer(tb testing.TB) *loadServer {
	tb.Helper()
	// The 100 clients send no key of their own, so they are one caller to
	// the bound on each caller's calls in flight: it must let them all
	// run at once.
	a := newTestApp(tb, nil, "--sandbox", "--max-calls-per-caller", "100")
	handler, err := a.mcpHTTPHandler()
	if err != nil {
		tb.Fatal(err)
	}
	wrapped, err := listener.Wrap(listener.Options{Addr: "127.0.0.1:0"}, handler)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(wrapped)
	tb.Cleanup(srv.Close)
	return &loadServer{app: a, url: srv.URL + "/mcp"}
}

// loadClient is one MCP client with its own connection pool and session.
type loadClient struct {
	session *mcp.ClientSession
	http    *http.Client
	ownID   string // an image this client created, for writes
}

func (s *loadServer) connect(tb testing.TB) *loadClient {
	tb.Helper()
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	session, err := mcp.NewClient(&mcp.Implementation{Name: "load", Version: "v0"}, nil).Connect(tb.Context(),
		&mcp.StreamableClientTransport{Endpoint: s.url, HTTPClient: httpClient, DisableStandaloneSSE: true}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &loadClient{session: session, http: httpClient}
}

func (c *loadClient) close() {
	c.session.Close()
	c.http.CloseIdleConnections()
}

// mixedCall is call n of a client: mostly reads, some writes to the
// client's own image, and some invalid arguments (a tool error, not a
// protocol error), as an assistant's traffic is.
func (c *loadClient) mixedCall(n int, publicID string) (tool, args string, wantError bool) {
	switch n % 10 {
	case 0, 1, 2:
		return tools.ListImagesTool, `{}`, false
	case 3:
		return tools.ListImagesTool, `{"public":true,"per_page":5,"page":2}`, false
	case 4, 5, 6:
		return tools.GetImageTool, `{"image_id":"` + publicID + `"}`, false
	case 7:
		return tools.UpdateImageTool, fmt.Sprintf(`{"image_id":%q,"tags":["load-%d"]}`, c.ownID, n), false
	case 8:
		return tools.GetImageTool, `{"image_id":"` + c.ownID + `","zone":"fr-par-1"}`, false
	default:
		return tools.GetImageTool, `{"image_id":"../` + publicID + `"}`, true
	}
}

// loadRun is the outcome of a load run.
type loadRun struct {
	calls          int64
	protocolErrors int64
	wrongOutcomes  int64
	firstProblem   atomic.Value // string
	latencies      []time.Duration
	elapsed        time.Duration
}

// runLoad makes total calls from clients concurrent clients. Each client
// creates its image first and deletes it last (both counted in total).
func runLoad(tb testing.TB, s *loadServer, clients, total int) *loadRun {
	tb.Helper()
	snapshot := s.app.sandbox.Snapshots("fr-par-1")[0].ID
	var publicID string
	for _, img := range s.app.sandbox.Images("fr-par-1") {
		if img.Public {
			publicID = img.ID
			break
		}
	}
	run := &loadRun{}
	perClient := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		calls := total / clients
		if i < total%clients {
			calls++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := s.connect(tb)
			defer c.close()
			latencies := make([]time.Duration, 0, calls)
			call := func(tool, args string, wantError bool) *mcp.CallToolResult {
				began := time.Now()
				res, err := c.session.CallTool(tb.Context(), &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
				latencies = append(latencies, time.Since(began))
				atomic.AddInt64(&run.calls, 1)
				switch {
				case err != nil:
					atomic.AddInt64(&run.protocolErrors, 1)
					run.firstProblem.CompareAndSwap(nil, fmt.Sprintf("%s %s: %v", tool, args, err))
				case res.IsError != wantError:
					atomic.AddInt64(&run.wrongOutcomes, 1)
					run.firstProblem.CompareAndSwap(nil, fmt.Sprintf("%s %s: isError %v: %s", tool, args, res.IsError, testutil.ResultText(res)))
				}
				return res
			}
			res := call(tools.CreateImageTool, `{"root_volume":"`+snapshot+`","arch":"x86_64","name":"load"}`, false)
			var created tools.CreateImageOutput
			if res != nil && !res.IsError {
				_ = json.Unmarshal([]byte(testutil.ResultText(res)), &created)
			}
			if created.Image == nil {
				return
			}
			c.ownID = created.Image.ID
			for n := range calls - 2 {
				call(c.mixedCall(n, publicID))
			}
			call(tools.DeleteImageTool, `{"image_id":"`+c.ownID+`"}`, false)
			perClient[i] = latencies
		}()
	}
	wg.Wait()
	run.elapsed = time.Since(start)
	for _, l := range perClient {
		run.latencies = append(run.latencies, l...)
	}
	slices.Sort(run.latencies)
	return run
}

func (r *loadRun) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(float64(len(r.latencies))*p))]
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// loadHeapGrowthBound bounds what 10,000 calls may leave on the heap. What
// legitimately stays is the sandbox's request log (capped at 10,000
// entries of a few hundred bytes with headers: about 5 MiB) and the
// images the run tagged (deleted at the end); sessions are stateless, so
// nothing per client or per call should remain. 32 MiB is that with a
// wide margin for the race detector's shadow bookkeeping, and far below
// what one retained result per call would cost (a list result alone is
// several KiB: 10,000 of them would pass 32 MiB).
const loadHeapGrowthBound = 32 << 20

// TestHTTPLoad runs 100 concurrent MCP clients making 10,000 mixed calls
// (1,000 under the race detector) over streamable HTTP: no protocol error, every call with the outcome it
// should have, a heap that does not keep what the calls used, and no
// goroutine left behind. It does not run in parallel with other tests,
// so that its heap and goroutine figures are its own.
func TestHTTPLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	// Registered first, so it runs last: after the server and the clients'
	// connections are closed.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	s := newLoadServer(t)
	clients, total := 100, 10_000
	if raceEnabled {
		// The race detector makes the full run take minutes; CI also runs
		// the full 10,000 calls without it (see SECURITY.md).
		total = 1_000
	}
	before := heapInUse()
	run := runLoad(t, s, clients, total)
	if run.calls != int64(total) || run.protocolErrors != 0 || run.wrongOutcomes != 0 {
		t.Errorf("%d calls, %d protocol errors, %d wrong outcomes; first: %v", run.calls, run.protocolErrors, run.wrongOutcomes, run.firstProblem.Load())
	}
	// The run left the sandbox as it found it: every created image was
	// deleted.
	if got := len(s.app.sandbox.Images("fr-par-1")); got != 3+14 && run.calls == int64(total) {
		t.Errorf("fr-par-1 holds %d images after the run, want the 17 seeded", got)
	}
	after := heapInUse()
	growth := int64(after) - int64(before)
	t.Logf("%d calls by %d clients in %s: %.0f calls/s, p50 %s, p99 %s; heap in use %d KiB before, %d KiB after",
		run.calls, clients, run.elapsed.Round(time.Millisecond), float64(run.calls)/run.elapsed.Seconds(),
		run.percentile(0.50).Round(time.Microsecond), run.percentile(0.99).Round(time.Microsecond), before>>10, after>>10)
	if growth > loadHeapGrowthBound {
		t.Errorf("the heap grew by %d MiB over the run, more than %d MiB: calls leave memory behind", growth>>20, loadHeapGrowthBound>>20)
	}
}

// BenchmarkHTTPLoad measures streamable HTTP throughput and latency with
// 100 concurrent clients making b.N mixed calls in all.
//
//	go test -run '^$' -bench HTTPLoad -benchtime 10000x
func BenchmarkHTTPLoad(b *testing.B) {
	s := newLoadServer(b)
	const clients = 100
	total := max(b.N, 2*clients)
	b.ResetTimer()
	run := runLoad(b, s, clients, total)
	b.StopTimer()
	if run.protocolErrors != 0 || run.wrongOutcomes != 0 {
		b.Fatalf("%d protocol errors, %d wrong outcomes; first: %v", run.protocolErrors, run.wrongOutcomes, run.firstProblem.Load())
	}
	b.ReportMetric(float64(run.calls)/run.elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(run.percentile(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(run.percentile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op") // wall time per call says nothing with 100 clients at once
}
