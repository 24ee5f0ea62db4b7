package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/listener"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// metricsToken guards the test listeners, as a listener beyond loopback
// is guarded.
const metricsToken = "metrics-test-token-0123456789"

// guardedServer is the app's MCP handler behind the listener's rules and
// a token.
func guardedServer(t *testing.T, a *app) *httptest.Server {
	t.Helper()
	handler, err := a.mcpHTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	guarded, err := listener.Wrap(listener.Options{Addr: "127.0.0.1:0", Token: metricsToken}, handler)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(guarded)
	t.Cleanup(srv.Close)
	return srv
}

// connectHTTP opens an MCP session to srv with the token and the header
// pairs given (such as a caller's X-Auth-Token).
func connectHTTP(t *testing.T, srv *httptest.Server, header ...string) *mcp.ClientSession {
	t.Helper()
	transport := testutil.HeaderTransport(append([]string{"Authorization", "Bearer " + metricsToken}, header...))
	session, err := mcp.NewClient(&mcp.Implementation{Name: "metrics-test", Version: "v0"}, nil).Connect(t.Context(),
		&mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp", HTTPClient: &http.Client{Transport: transport}, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return session
}

// scrape reads srv's /metrics with the token, as Prometheus would, and
// parses the text.
func scrape(t *testing.T, srv *httptest.Server) map[string]*dto.MetricFamily {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// sample is the metric of family name whose labels are exactly labels
// (name=value pairs), or nil.
func sample(families map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	family := families[name]
	if family == nil {
		return nil
	}
	for _, m := range family.GetMetric() {
		var got []string
		for _, l := range m.GetLabel() {
			got = append(got, l.GetName(), l.GetValue())
		}
		if slices.Equal(got, labels) {
			return m
		}
	}
	return nil
}

// value is a counter's or gauge's value, or the sample count of a
// histogram; -1 when the series does not exist.
func value(families map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	m := sample(families, name, labels...)
	switch {
	case m == nil:
		return -1
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return -1
}

// TestMetricsAfterASession: after MCP calls (one retried, one refused
// upstream, one with a bad argument) and a REST request, /metrics serves
// every metric of the program, with exactly its labels, and the counts of
// the session; it needs the listener's token, which /healthz does not.
func TestMetricsAfterASession(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, "--sandbox")
	srv := guardedServer(t, a)
	session := connectHTTP(t, srv)

	a.sandbox.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(http.StatusServiceUnavailable))
	calls := []struct {
		tool, args string
		isError    bool
	}{
		{tools.ListImagesTool, `{}`, false},                                               // a 503, then the retry
		{tools.GetImageTool, `{"image_id":"00000000-0000-4000-8000-000000000000"}`, true}, // Scaleway's 404
		{tools.GetImageTool, `{"image_id":"nope"}`, true},                                 // nothing sent
	}
	for _, c := range calls {
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: c.tool, Arguments: json.RawMessage(c.args)})
		if err != nil || res.IsError != c.isError {
			t.Fatalf("%s %s: %v, %s", c.tool, c.args, err, testutil.ResultText(res))
		}
	}
	rest := httptest.NewRecorder()
	a.restHandler().ServeHTTP(rest, httptest.NewRequest(http.MethodGet, "/v1/instance/v1/zones/fr-par-1/images", nil))
	if rest.Code != http.StatusOK {
		t.Fatalf("REST list: %d", rest.Code)
	}

	for path, want := range map[string]int{"/metrics": http.StatusUnauthorized, "/healthz": http.StatusOK} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s without the token: %d, want %d", path, resp.StatusCode, want)
		}
	}

	families := scrape(t, srv)
	// Every metric of the program, and its labels: none more, none less.
	wantLabels := map[string][]string{
		"scaleway_images_mcp_tool_calls_total":                  {"outcome", "tool"},
		"scaleway_images_mcp_tool_call_duration_seconds":        {"tool"},
		"scaleway_images_mcp_tool_calls_in_flight":              nil,
		"scaleway_images_mcp_upstream_requests_total":           {"code", "route"},
		"scaleway_images_mcp_upstream_request_duration_seconds": {"route"},
		"scaleway_images_mcp_upstream_retries_total":            {"route"},
		"scaleway_images_mcp_upstream_requests_in_flight":       nil,
		"scaleway_images_mcp_rest_requests_total":               {"code", "route"},
		"scaleway_images_mcp_rest_request_duration_seconds":     {"route"},
		"scaleway_images_mcp_caller_limit_refusals_total":       nil,
		"scaleway_images_mcp_build_info":                        {"commit", "go_version", "version"},
	}
	for name, family := range families {
		if !strings.HasPrefix(name, "scaleway_images_mcp_") {
			continue
		}
		want, known := wantLabels[name]
		if !known {
			t.Errorf("unexpected metric %s", name)
			continue
		}
		for _, m := range family.GetMetric() {
			var got []string
			for _, l := range m.GetLabel() {
				got = append(got, l.GetName())
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s has labels %v, want %v", name, got, want)
			}
		}
	}
	for name := range wantLabels {
		if families[name] == nil {
			t.Errorf("metric %s is missing", name)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if families[name] == nil {
			t.Errorf("metric %s is missing", name)
		}
	}

	const listRoute = "GET /v1/instance/v1/zones/{zone}/images"
	for _, tt := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"scaleway_images_mcp_tool_calls_total", []string{"outcome", "ok", "tool", tools.ListImagesTool}, 1},
		{"scaleway_images_mcp_tool_calls_total", []string{"outcome", "upstream_error", "tool", tools.GetImageTool}, 1},
		{"scaleway_images_mcp_tool_calls_total", []string{"outcome", "invalid_arguments", "tool", tools.GetImageTool}, 1},
		{"scaleway_images_mcp_tool_calls_total", []string{"outcome", "ok", "tool", tools.DeleteImageTool}, 0}, // there from the start
		{"scaleway_images_mcp_tool_call_duration_seconds", []string{"tool", tools.GetImageTool}, 2},
		{"scaleway_images_mcp_tool_calls_in_flight", nil, 0},
		{"scaleway_images_mcp_upstream_requests_total", []string{"code", "503", "route", "list_images"}, 1},
		{"scaleway_images_mcp_upstream_requests_total", []string{"code", "200", "route", "list_images"}, 2}, // the retry and REST's
		{"scaleway_images_mcp_upstream_requests_total", []string{"code", "404", "route", "get_image"}, 1},
		{"scaleway_images_mcp_upstream_request_duration_seconds", []string{"route", "list_images"}, 3},
		{"scaleway_images_mcp_upstream_retries_total", []string{"route", "list_images"}, 1},
		{"scaleway_images_mcp_upstream_requests_in_flight", nil, 0},
		{"scaleway_images_mcp_rest_requests_total", []string{"code", "200", "route", listRoute}, 1},
		{"scaleway_images_mcp_rest_request_duration_seconds", []string{"route", listRoute}, 1},
		{"scaleway_images_mcp_caller_limit_refusals_total", nil, 0},
		{"scaleway_images_mcp_build_info", []string{"commit", "none", "go_version", runtime.Version(), "version", "dev"}, 1},
	} {
		if got := value(families, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
}

// TestCallerLimitOverMCP: a caller (an X-Auth-Token) with its most calls
// in flight is refused another, at once, with a tool error that says why
// and to retry, while another caller, and the callers that send no key,
// still get through; once its calls end, it is served again. The refusal
// is counted.
func TestCallerLimitOverMCP(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, "--sandbox", "--max-calls-per-caller", "2")
	srv := guardedServer(t, a)
	const keyA, keyB = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	alice, bob, keyless := connectHTTP(t, srv, "X-Auth-Token", keyA), connectHTTP(t, srv, "X-Auth-Token", keyB), connectHTTP(t, srv)
	// CallTool writes into its params: each call gets its own.
	get := func() *mcp.CallToolParams {
		return &mcp.CallToolParams{Name: tools.GetImageTool, Arguments: map[string]any{"image_id": a.sandbox.Images("fr-par-1")[0].ID}}
	}
	list := func() *mcp.CallToolParams {
		return &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{}}
	}

	// The SDK's server does not cancel a call when its client goes away:
	// the held calls end when their answers come.
	a.sandbox.Script(scalewaytest.RouteGetImage, scalewaytest.Delay(2*time.Second), scalewaytest.Delay(2*time.Second))
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { _, _ = alice.CallTool(t.Context(), get()) })
	}
	for a.sandbox.RequestCount(scalewaytest.RouteGetImage) < 2 {
		time.Sleep(time.Millisecond)
	}

	res, err := alice.CallTool(t.Context(), list())
	if err != nil || !res.IsError {
		t.Fatalf("a third call from the same caller: %v, %v", err, res)
	}
	for _, want := range []string{"2 in flight", "the limit is 2", "retry when one of them has finished"} {
		if !strings.Contains(testutil.ResultText(res), want) {
			t.Errorf("the refusal %q does not say %q", testutil.ResultText(res), want)
		}
	}
	for name, other := range map[string]*mcp.ClientSession{"another key": bob, "no key": keyless} {
		if res, err := other.CallTool(t.Context(), list()); err != nil || res.IsError {
			t.Errorf("%s: %v %s", name, err, testutil.ResultText(res))
		}
	}
	families := scrape(t, srv)
	if got := value(families, "scaleway_images_mcp_caller_limit_refusals_total"); got != 1 {
		t.Errorf("%v refusals counted, want 1", got)
	}
	if got := value(families, "scaleway_images_mcp_tool_calls_total", "outcome", "caller_limit", "tool", tools.ListImagesTool); got != 1 {
		t.Errorf("%v list calls refused, want 1", got)
	}
	if got := value(families, "scaleway_images_mcp_tool_calls_in_flight"); got != 2 {
		t.Errorf("%v calls in flight, want the 2 held", got)
	}

	wg.Wait()
	// The held calls' answers were sent just before their slots were
	// given back: until then the caller may still be refused.
	for range 1000 {
		if res, err = alice.CallTool(t.Context(), list()); err != nil || !res.IsError {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err != nil || res.IsError {
		t.Errorf("once its calls ended: %v %s", err, testutil.ResultText(res))
	}
}
