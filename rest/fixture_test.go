package rest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const zone = scaleway.Zone("fr-par-1")

// fixture is the adapter served over HTTP in front of the fake API.
type fixture struct {
	fake    *scalewaytest.Fake
	adapter *httptest.Server
	logs    *testutil.Buffer

	mu          sync.Mutex
	upstreamIDs []string // X-Request-Id of every answer the fake sent
}

type fixtureOptions struct {
	fake   scalewaytest.Options
	rest   rest.Options
	client []scaleway.Option // after the fixture's own
	noKey  bool              // the client has no secret key of its own
	retry  *scaleway.RetryPolicy
	wrap   func(http.Handler) http.Handler // e.g. listener.Wrap
}

func newFixture(t *testing.T, o fixtureOptions) *fixture {
	t.Helper()
	f := &fixture{fake: scalewaytest.New(o.fake), logs: &testutil.Buffer{}}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.fake.ServeHTTP(idRecorder{w, f}, r)
	}))
	t.Cleanup(upstream.Close)

	clientOpts := []scaleway.Option{scaleway.WithBaseURL(upstream.URL), scaleway.WithRetryPolicy(scaleway.NoRetries)}
	if o.retry != nil {
		clientOpts = append(clientOpts, scaleway.WithRetryPolicy(*o.retry))
	}
	if !o.noKey {
		clientOpts = append(clientOpts, scaleway.WithSecretKey(scalewaytest.SandboxToken))
	}
	client, err := scaleway.NewClient(append(clientOpts, o.client...)...)
	if err != nil {
		t.Fatal(err)
	}
	restOpts := o.rest
	restOpts.Client = client
	restOpts.Logger = zerolog.New(f.logs)
	var h http.Handler = rest.NewHandler(restOpts)
	if o.wrap != nil {
		h = o.wrap(h)
	}
	f.adapter = httptest.NewServer(h)
	t.Cleanup(f.adapter.Close)
	return f
}

// idRecorder notes the fake's request id as its header is written, before
// the client can see the answer (noting it after ServeHTTP returned raced
// with the adapter's own answer).
type idRecorder struct {
	http.ResponseWriter
	f *fixture
}

func (w idRecorder) WriteHeader(status int) {
	w.f.mu.Lock()
	w.f.upstreamIDs = append(w.f.upstreamIDs, w.Header().Get("X-Request-Id"))
	w.f.mu.Unlock()
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets the fake's faults reach the connection (flush, hijack).
func (w idRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// lastUpstreamID is the request id of the fake's latest answer.
func (f *fixture) lastUpstreamID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.upstreamIDs) == 0 {
		return ""
	}
	return f.upstreamIDs[len(f.upstreamIDs)-1]
}

// answer is a response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d is not JSON: %v (%s)", a.status, err, a.body)
	}
}

// apiError decodes a Scaleway error body.
func (a answer) apiError(t *testing.T) scaleway.Error {
	t.Helper()
	var e scaleway.Error
	a.decode(t, &e)
	return e
}

// do sends a request to the adapter; path is below the adapter's root and
// may hold a raw query and percent-escapes, sent as written.
func (f *fixture) do(t *testing.T, method, path, body string, header ...string) answer {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, f.adapter.URL+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.adapter.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// imagesPath is the adapter's list path of z.
func imagesPath(z scaleway.Zone) string { return "/v1/instance/v1/zones/" + string(z) + "/images" }
