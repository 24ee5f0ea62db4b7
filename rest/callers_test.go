package rest_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/callerlimit"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// observed is what rest.Options.Observe was told: route and status.
type observed struct {
	mu   sync.Mutex
	seen []string
}

func (o *observed) observe(route string, status int, elapsed time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if elapsed > 0 {
		o.seen = append(o.seen, route+" "+http.StatusText(status))
	}
}

func (o *observed) has(want string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Contains(o.seen, want)
}

// TestCallerLimit: a caller with its most requests in flight is answered
// 429 too_many_requests with Retry-After: 1 and a message that says why,
// while another caller (here one with no key of its own) still gets
// through; once one request ends, the caller is served again. The routes
// that call no one (the OpenAPI document) are not bounded.
func TestCallerLimit(t *testing.T) {
	t.Parallel()
	var seen observed
	f := newFixture(t, fixtureOptions{rest: rest.Options{Callers: callerlimit.New(2, nil), Observe: seen.observe}})
	id := seededImage(t, f, "web-frontend").ID
	get := imagesPath(zone) + "/" + id
	f.fake.Script(scalewaytest.RouteGetImage, scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute))

	held, release := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(held, http.MethodGet, f.adapter.URL+get, nil)
			req.Header.Set("X-Auth-Token", otherKey)
			if resp, err := f.adapter.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	for f.fake.RequestCount(scalewaytest.RouteGetImage) < 2 {
		time.Sleep(time.Millisecond)
	}

	refused := f.do(t, http.MethodGet, get, "", "X-Auth-Token", otherKey)
	e := refused.apiError(t)
	if refused.status != http.StatusTooManyRequests || refused.header.Get("Retry-After") != "1" || e.Type != scaleway.TypeTooManyRequests ||
		!strings.Contains(e.Message, "2 in flight") || !strings.Contains(e.Message, "limit is 2") || !strings.Contains(e.Message, "retry") {
		t.Errorf("third request: %d, Retry-After %q, %s", refused.status, refused.header.Get("Retry-After"), refused.body)
	}
	if other := f.do(t, http.MethodGet, imagesPath(zone), ""); other.status != http.StatusOK {
		t.Errorf("another caller: %d %s", other.status, other.body)
	}
	if doc := f.do(t, http.MethodGet, "/v1/openapi.json", "", "X-Auth-Token", otherKey); doc.status != http.StatusOK {
		t.Errorf("the OpenAPI document: %d", doc.status)
	}
	if n := f.fake.RequestCount(scalewaytest.RouteGetImage); n != 2 {
		t.Errorf("the refused request reached upstream: %d gets", n)
	}

	release()
	wg.Wait()
	// The held requests end on the server's side once it sees their
	// clients gone: until then the caller may still be refused.
	var again answer
	for range 1000 {
		if again = f.do(t, http.MethodGet, get, "", "X-Auth-Token", otherKey); again.status != http.StatusTooManyRequests {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if again.status != http.StatusOK {
		t.Errorf("after the held requests ended: %d %s", again.status, again.body)
	}
	for _, want := range []string{
		"GET /v1/instance/v1/zones/{zone}/images/{image_id} Too Many Requests",
		"GET /v1/instance/v1/zones/{zone}/images/{image_id} OK",
		"GET /v1/instance/v1/zones/{zone}/images OK",
	} {
		if !seen.has(want) {
			t.Errorf("the observer was not told %q", want)
		}
	}
}
