package scaleway_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestRetryAfterBeyondTheCapFailsAtOnce: a Retry-After (in seconds or as a
// date) longer than the policy's MaxRetryAfter ends the call at once with
// the 429, which says how long Scaleway asked to wait; one within the cap
// is waited for and retried.
func TestRetryAfterBeyondTheCapFailsAtOnce(t *testing.T) {
	t.Parallel()
	// A second is the shortest Retry-After the wire carries.
	oneSecondCap := scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: time.Second}
	tests := []struct {
		name       string
		retryAfter string
		policy     scaleway.RetryPolicy
		wantHits   int32
		wantInMsg  string // "" for success
	}{
		{"999999 seconds, default policy", "999999", scaleway.DefaultRetryPolicy, 1, "Scaleway asked to wait 277h46m39s before trying again"},
		{"a day as a date, default policy", time.Now().Add(24 * time.Hour).UTC().Format(http.TimeFormat), scaleway.DefaultRetryPolicy, 1, "Scaleway asked to wait "},
		{"2 seconds over a 1-second cap", "2", oneSecondCap, 1, "Scaleway asked to wait 2s"},
		{"1 second within a 1-second cap", "1", oneSecondCap, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			c := newTestClient(t, scripted(&hits, status(http.StatusTooManyRequests, "Retry-After", tt.retryAfter)), scaleway.WithRetryPolicy(tt.policy))
			_, _, err := c.GetImage(t.Context(), "fr-par-1", testImage)
			if hits.Load() != tt.wantHits {
				t.Errorf("%d attempts, want %d", hits.Load(), tt.wantHits)
			}
			switch {
			case tt.wantInMsg == "" && err != nil:
				t.Errorf("err = %v, want a successful retry", err)
			case tt.wantInMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantInMsg)):
				t.Errorf("err = %v, want it to say %q", err, tt.wantInMsg)
			}
		})
	}
}

// TestRetryHint: what an error says about trying again.
func TestRetryHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *scaleway.Error
		want string
	}{
		{&scaleway.Error{Type: scaleway.TypeUnknown, StatusCode: 503}, "Scaleway answered Service Unavailable; this is usually temporary, try again shortly. (HTTP 503)"},
		{&scaleway.Error{Type: scaleway.TypeUnknown, StatusCode: 503, RetryAfter: time.Hour}, "Scaleway answered Service Unavailable; Scaleway asked to wait 1h0m0s before trying again. (HTTP 503)"},
		{&scaleway.Error{Type: "teapot", Message: "short", StatusCode: 418}, "Scaleway answered teapot: short. (HTTP 418)"},
		{&scaleway.Error{Type: scaleway.TypeTooManyRequests, StatusCode: 429, RetryAfter: 90 * time.Second}, "Scaleway is rate limiting requests: retry after 1m30s. (HTTP 429)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func drop(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	getImage := func(c *scaleway.Client, ctx context.Context) (*scaleway.Response, error) {
		_, resp, err := c.GetImage(ctx, "fr-par-1", testImage)
		return resp, err
	}
	createImage := func(c *scaleway.Client, ctx context.Context) (*scaleway.Response, error) {
		_, resp, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: scaleway.ArchX86_64, Name: "x"})
		return resp, err
	}
	deleteImage := func(c *scaleway.Client, ctx context.Context) (*scaleway.Response, error) {
		return c.DeleteImage(ctx, "fr-par-1", testImage)
	}
	tests := []struct {
		name     string
		call     func(*scaleway.Client, context.Context) (*scaleway.Response, error)
		answers  []func(http.ResponseWriter)
		wantHits int32
		wantErr  scaleway.ErrorType // an *Error type, or "transport"; "" for success
	}{
		{"503 then success", getImage, []func(http.ResponseWriter){status(503)}, 2, ""},
		{"502, 504, 429 then success", getImage, []func(http.ResponseWriter){status(502), status(504), status(429)}, 4, ""},
		{"gives up after 3 retries", getImage, []func(http.ResponseWriter){status(503), status(503), status(503), status(503), status(503)}, 4, "unknown"},
		{"500 is not retried", getImage, []func(http.ResponseWriter){status(500)}, 1, "unknown"},
		{"404 is not retried", getImage, []func(http.ResponseWriter){func(w http.ResponseWriter) {
			writeJSON(w, 404, `{"type":"not_found","message":"resource is not found","resource":"instance_image","resource_id":"`+testImage+`"}`)
		}}, 1, scaleway.TypeNotFound},
		{"dropped connection is retried", getImage, []func(http.ResponseWriter){drop}, 2, ""},
		{"delete retried on 429", deleteImage, []func(http.ResponseWriter){status(429, "Retry-After", "0")}, 2, ""},
		{"POST not retried on 503", createImage, []func(http.ResponseWriter){status(503)}, 1, "unknown"},
		{"POST not retried on 429", createImage, []func(http.ResponseWriter){status(429, "Retry-After", "1")}, 1, "unknown"},
		{"POST not retried after a dropped connection", createImage, []func(http.ResponseWriter){drop}, 1, "transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			c := newTestClient(t, scripted(&hits, tt.answers...))
			resp, err := tt.call(c, t.Context())
			if hits.Load() != tt.wantHits {
				t.Errorf("attempts = %d, want %d", hits.Load(), tt.wantHits)
			}
			checkErrKind(t, err, tt.wantErr)
			if err == nil && resp.Attempts != int(tt.wantHits) {
				t.Errorf("Response.Attempts = %d, want %d", resp.Attempts, tt.wantHits)
			}
		})
	}
}

// dialFailsOnce fails the first connection before anything is sent.
type dialFailsOnce struct {
	failed atomic.Bool
	next   http.RoundTripper
}

func (d *dialFailsOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	if d.failed.CompareAndSwap(false, true) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return d.next.RoundTrip(r)
}

func TestPostRetriedWhenConnectionNeverOpened(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newTestClient(t, scripted(&hits), scaleway.WithHTTPClient(&http.Client{Transport: &dialFailsOnce{next: http.DefaultTransport}}))
	_, resp, err := c.CreateImage(t.Context(), "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: scaleway.ArchX86_64, Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 || resp.Attempts != 2 {
		t.Errorf("server saw %d requests over %d attempts; want 1 over 2", hits.Load(), resp.Attempts)
	}
}

func TestRetryNeverWaitsPastDeadline(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newTestClient(t, scripted(&hits, status(429, "Retry-After", "30")), scaleway.WithRetryPolicy(scaleway.DefaultRetryPolicy))
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	_, _, err := c.GetImage(ctx, "fr-par-1", testImage)
	checkErrKind(t, err, "unknown")
	if ctx.Err() != nil {
		t.Errorf("the call waited until its deadline instead of returning at once")
	}
	var apiErr *scaleway.Error
	if errors.As(err, &apiErr) && apiErr.RetryAfter != 30*time.Second {
		t.Errorf("RetryAfter = %s", apiErr.RetryAfter)
	}
}

func TestPerRequestTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	// The first answer comes far after the per-attempt timeout; the retry's
	// timeout leaves room for a loaded machine (this is no timing test).
	slow := func(w http.ResponseWriter) { time.Sleep(time.Second); status(200)(w) }
	c := newTestClient(t, scripted(&hits, slow), scaleway.WithRequestTimeout(250*time.Millisecond))
	_, resp, err := c.GetImage(t.Context(), "fr-par-1", testImage)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 {
		t.Errorf("attempts = %d, want 2 (one timed out)", resp.Attempts)
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	c := newTestClient(t, scripted(&hits, func(w http.ResponseWriter) { cancel(); status(503)(w) }, status(503), status(503)))
	_, _, err := c.GetImage(ctx, "fr-par-1", testImage)
	if err == nil || hits.Load() != 1 {
		t.Errorf("err = %v after %d attempts; want an error after 1", err, hits.Load())
	}
}

func TestRetryPolicyWaits(t *testing.T) {
	t.Parallel()
	p := scaleway.RetryPolicy{MaxRetries: 5, MinWait: 100 * time.Millisecond, MaxWait: 300 * time.Millisecond, MaxRetryAfter: 2 * time.Second}
	limited := func(after time.Duration) error {
		return &scaleway.Error{Type: scaleway.TypeTooManyRequests, StatusCode: 429, RetryAfter: after}
	}
	if wait, ok := p.Next(http.MethodGet, 1, limited(time.Second)); !ok || wait != time.Second {
		t.Errorf("Retry-After 1s gave %s %v", wait, ok)
	}
	if wait, ok := p.Next(http.MethodGet, 1, limited(2*time.Second)); !ok || wait != 2*time.Second {
		t.Errorf("Retry-After 2s gave %s %v, want the whole 2s: the cap itself is waited for", wait, ok)
	}
	if wait, ok := p.Next(http.MethodGet, 1, limited(time.Hour)); ok {
		t.Errorf("Retry-After 1h gave a retry after %s; over the 2s cap, the call must fail at once", wait)
	}
	for attempt, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 300 * time.Millisecond, 5: 300 * time.Millisecond} {
		for range 50 {
			wait, ok := p.Next(http.MethodGet, attempt, limited(0))
			if !ok || wait < 0 || wait > ceiling {
				t.Fatalf("attempt %d: wait %s outside [0, %s]", attempt, wait, ceiling)
			}
		}
	}
	if _, ok := p.Next(http.MethodGet, 6, limited(0)); ok {
		t.Errorf("retried past MaxRetries")
	}
	if _, ok := scaleway.NoRetries.Next(http.MethodGet, 1, limited(0)); ok {
		t.Errorf("NoRetries retried")
	}
}

// retryAfterPolicy is fastPolicy waiting for a Retry-After of one second,
// the shortest the wire carries, for the tests of a 429 that is retried.
var retryAfterPolicy = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: time.Second}

func TestFakeRetries(t *testing.T) {
	t.Parallel()
	// Each call works on postgres-16 of zone, through one route.
	type call struct {
		route scalewaytest.Route
		do    func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error)
	}
	get := call{scalewaytest.RouteGetImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		want := imageNamed(t, srv, zone, "postgres-16")
		img, resp, err := c.GetImage(t.Context(), zone, want.ID)
		if err == nil {
			checkSameImage(t, "image", img, &want)
		}
		return resp, err
	}}
	list := call{scalewaytest.RouteListImages, func(t *testing.T, c *scaleway.Client, _ *scalewaytest.Server) (*scaleway.Response, error) {
		page, resp, err := c.ListImages(t.Context(), zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)})
		if err == nil && (len(page.Images) != 10 || page.TotalCount != 17) {
			t.Errorf("page of %d images, total %d; want 10 of 17", len(page.Images), page.TotalCount)
		}
		return resp, err
	}}
	patch := call{scalewaytest.RouteUpdateImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		img, resp, err := c.UpdateImage(t.Context(), zone, imageNamed(t, srv, zone, "postgres-16").ID, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
		if err == nil && img.Name != "renamed" {
			t.Errorf("name = %q after PATCH", img.Name)
		}
		return resp, err
	}}
	put := call{scalewaytest.RouteSetImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		current := imageNamed(t, srv, zone, "postgres-16")
		req := scaleway.SetImageRequestFrom(&current)
		req.Name = "renamed"
		img, resp, err := c.SetImage(t.Context(), zone, current.ID, req)
		if err == nil && img.Name != "renamed" {
			t.Errorf("name = %q after PUT", img.Name)
		}
		return resp, err
	}}
	del := call{scalewaytest.RouteDeleteImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		resp, err := c.DeleteImage(t.Context(), zone, imageNamed(t, srv, zone, "postgres-16").ID)
		return resp, err
	}}
	post := call{scalewaytest.RouteCreateImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		_, resp, err := c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
			Name: "new", RootVolume: snapshotNamed(t, srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID),
		})
		return resp, err
	}}

	const (
		wantOK        = iota
		wantAPIError  // a *scaleway.Error of status wantStatus
		wantTransport // a *scaleway.TransportError that was sent
	)
	tests := []struct {
		name       string
		call       call
		faults     []scalewaytest.Fault
		opts       []scaleway.Option
		want       int
		wantStatus int                // wantAPIError
		wantType   scaleway.ErrorType // wantAPIError
		attempts   int                // requests the fake receives, and Response.Attempts on success
		warm       bool               // make a first call, so the faulty one reuses its connection
	}{
		{name: "GET 503 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, attempts: 2},
		{name: "GET 502 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(502)}, attempts: 2},
		{name: "GET 504 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(504)}, attempts: 2},
		{name: "GET 429 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, opts: []scaleway.Option{scaleway.WithRetryPolicy(retryAfterPolicy)}, attempts: 2},
		{name: "GET 429 asking for more than the policy waits is not retried", call: get, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, want: wantAPIError, wantStatus: 429, wantType: scaleway.TypeTooManyRequests, attempts: 1},
		{name: "list 503 502 504 then ok", call: list, faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504)}, attempts: 4},
		{name: "PATCH 503 then ok", call: patch, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, attempts: 2},
		{name: "PUT 429 then ok", call: put, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, opts: []scaleway.Option{scaleway.WithRetryPolicy(retryAfterPolicy)}, attempts: 2},
		{name: "DELETE 502 then ok", call: del, faults: []scalewaytest.Fault{scalewaytest.ServerError(502)}, attempts: 2},
		{name: "GET dropped connection is retried", call: get, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()}, attempts: 2},
		{name: "GET truncated body is retried", call: get, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()}, attempts: 2},
		{name: "list truncated body then dropped connection", call: list, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody(), scalewaytest.DroppedConnection()}, attempts: 3},
		{
			name: "GET slower than the request timeout is retried", call: get,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)}, opts: []scaleway.Option{scaleway.WithRequestTimeout(250 * time.Millisecond)}, attempts: 2,
		},
		// The drop comes first: dropped on a connection that was reused
		// (kept alive after an error answer), a GET is replayed once by
		// net/http itself, unseen by the client's attempt count.
		{name: "fault after fault then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection(), scalewaytest.ServerError(503), scalewaytest.TooManyRequests(time.Second)}, opts: []scaleway.Option{scaleway.WithRetryPolicy(retryAfterPolicy)}, attempts: 4},
		{
			name: "more faults than retries", call: get,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504), scalewaytest.ServerError(503)},
			want:   wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 4,
		},
		{
			name: "gives up on the last fault's error", call: list,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504), scalewaytest.TooManyRequests(time.Second)},
			want:   wantAPIError, wantStatus: 429, wantType: scaleway.TypeTooManyRequests, attempts: 4,
		},
		{
			name: "dropped more often than retries", call: get,
			faults: []scalewaytest.Fault{scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection()},
			want:   wantTransport, attempts: 4,
		},
		{
			name: "no retries policy", call: get, opts: []scaleway.Option{scaleway.WithRetryPolicy(scaleway.NoRetries)},
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, want: wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 1,
		},
		{name: "500 is not retried", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(500)}, want: wantAPIError, wantStatus: 500, wantType: "server_error", attempts: 1},
		{name: "409 is not retried", call: patch, faults: []scalewaytest.Fault{scalewaytest.ErrorAnswer(409, scaleway.Error{Type: scaleway.TypeTransientState, Resource: "instance_image"})}, want: wantAPIError, wantStatus: 409, wantType: scaleway.TypeTransientState, attempts: 1},
		{name: "malformed JSON is not retried", call: get, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}, want: wantAPIError, wantStatus: 200, wantType: scaleway.TypeUnknown, attempts: 1},
		{name: "malformed JSON list", call: list, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}, want: wantAPIError, wantStatus: 200, wantType: scaleway.TypeUnknown, attempts: 1},
		{name: "POST 503 is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, want: wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 1},
		{name: "POST 502 is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.ServerError(502)}, want: wantAPIError, wantStatus: 502, wantType: "server_error", attempts: 1},
		{name: "POST 429 is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, want: wantAPIError, wantStatus: 429, wantType: scaleway.TypeTooManyRequests, attempts: 1},
		{name: "POST dropped connection is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()}, want: wantTransport, attempts: 1},
		{name: "POST dropped on a reused connection is not retried", call: post, warm: true, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()}, want: wantTransport, attempts: 1},
		{name: "POST 503 on a reused connection is not retried", call: post, warm: true, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, want: wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 1},
		{name: "POST truncated body is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()}, want: wantTransport, attempts: 1},
		{
			name: "POST slower than the request timeout is not retried", call: post,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)}, opts: []scaleway.Option{scaleway.WithRequestTimeout(250 * time.Millisecond)},
			want: wantTransport, attempts: 1,
		},
		{name: "POST malformed JSON", call: post, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}, want: wantAPIError, wantStatus: 200, wantType: scaleway.TypeUnknown, attempts: 1},
		{name: "POST delayed within the timeout", call: post, faults: []scalewaytest.Fault{scalewaytest.Delay(10 * time.Millisecond)}, attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			// A fresh client per case: its first request opens a new
			// connection. A GET dropped on a reused connection would be
			// replayed by net/http itself (see "fault after fault then
			// ok"), and the fake would count one more request than the
			// client's attempts.
			c := newClient(t, srv, tt.opts...)
			images := len(srv.Images(zone))
			if tt.warm {
				if _, _, err := c.ListImages(t.Context(), zone, nil); err != nil {
					t.Fatalf("warming up: %v", err)
				}
				srv.ResetRequests()
			}
			srv.Script(tt.call.route, tt.faults...)

			resp, err := tt.call.do(t, c, srv)
			gotRoute := tt.call.route
			if got := srv.RequestCount(gotRoute); got != tt.attempts {
				t.Errorf("fake received %d %s requests, want %d", got, gotRoute, tt.attempts)
			}
			if got := len(srv.Requests()); got != tt.attempts {
				t.Errorf("fake received %d requests in all, want %d", got, tt.attempts)
			}
			switch tt.want {
			case wantOK:
				if err != nil {
					t.Fatalf("call failed: %v", err)
				}
				wantStatus := http.StatusOK
				switch gotRoute {
				case scalewaytest.RouteCreateImage:
					wantStatus = http.StatusCreated
				case scalewaytest.RouteDeleteImage:
					wantStatus = http.StatusNoContent
				}
				checkResponse(t, resp, wantStatus, tt.attempts)
			case wantAPIError:
				apiErr := apiError(t, err, tt.wantStatus, tt.wantType)
				if tt.wantType == scaleway.TypeUnknown && !strings.Contains(apiErr.Message, "JSON") {
					t.Errorf("message %q does not mention JSON", apiErr.Message)
				}
				if tt.wantType == scaleway.TypeTooManyRequests && apiErr.RetryAfter != time.Second {
					t.Errorf("RetryAfter = %s, want the fake's 1s", apiErr.RetryAfter)
				}
			case wantTransport:
				var transportErr *scaleway.TransportError
				if !errors.As(err, &transportErr) {
					t.Fatalf("error %v (%T) is not a *scaleway.TransportError", err, err)
				}
				if !transportErr.Sent {
					t.Errorf("TransportError.Sent = false for a request the fake received")
				}
			}
			if tt.want != wantOK && gotRoute == scalewaytest.RouteCreateImage {
				if got := len(srv.Images(zone)); got != images {
					t.Errorf("zone holds %d images after a failed create, want %d", got, images)
				}
			}
		})
	}
}

// TestFakeRetryAfterOverTheCapFailsAtOnce: the fake asks for 10 s, more
// than the policy's 50 ms cap, and the call has time enough. The client
// does not retry (waiting the cap would only meet the same 429): it fails
// with the 429, which says how long Scaleway asked to wait.
func TestFakeRetryAfterOverTheCapFailsAtOnce(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	c := newClient(t, srv)
	srv.Script(scalewaytest.RouteListImages, scalewaytest.TooManyRequests(10*time.Second))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	_, _, err := c.ListImages(ctx, zone, nil)
	apiErr := apiError(t, err, http.StatusTooManyRequests, scaleway.TypeTooManyRequests)
	if apiErr.RetryAfter != 10*time.Second || !strings.Contains(err.Error(), "retry after 10s") {
		t.Errorf("RetryAfter = %s, message %q; want 10s, named", apiErr.RetryAfter, err)
	}
	if got := srv.RequestCount(scalewaytest.RouteListImages); got != 1 {
		t.Errorf("fake received %d requests, want 1", got)
	}
}

// TestFakeDeadlineShorterThanRetryAfter: a Retry-After that cannot fit in
// the call's deadline ends the call with the 429 at once, while the
// context is still alive, instead of sleeping into the deadline.
func TestFakeDeadlineShorterThanRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(ctx context.Context, c *scaleway.Client) error
	}{
		{"GetImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetImage(ctx, zone, unknownID)
			return err
		}},
		{"ListAllImages", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, zone, nil, 0)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			policy := fastPolicy
			policy.MaxRetryAfter = time.Minute
			c := newClient(t, srv, scaleway.WithRetryPolicy(policy))
			srv.Script(scalewaytest.RouteGetImage, scalewaytest.TooManyRequests(30*time.Second))
			srv.Script(scalewaytest.RouteListImages, scalewaytest.TooManyRequests(30*time.Second))
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()

			err := tt.call(ctx, c)
			if ctxErr := ctx.Err(); ctxErr != nil {
				t.Fatalf("the call returned only once its context was done (%v); it should give up at once", ctxErr)
			}
			apiErr := apiError(t, err, http.StatusTooManyRequests, scaleway.TypeTooManyRequests)
			if apiErr.RetryAfter != 30*time.Second {
				t.Errorf("RetryAfter = %s, want 30s", apiErr.RetryAfter)
			}
			if got := len(srv.Requests()); got != 1 {
				t.Errorf("fake received %d requests, want 1", got)
			}
		})
	}
}

// TestFakeFailureRate: random 503s on 30% of requests. With the default
// number of retries every call either succeeds or fails with the typed
// 503, and the fake's count matches the client's attempts. The calls are
// sequential, so the seed replays the same run: seed 2 makes 26 of 75
// attempts fail, and one call meets four 503s in a row.
func TestFakeFailureRate(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{FailureRate: 0.3, FailureSeed: 2})
	policy := fastPolicy
	policy.MaxRetries = scaleway.DefaultRetryPolicy.MaxRetries
	c := newClient(t, srv, scaleway.WithRetryPolicy(policy))
	want := imageNamed(t, srv, zone, "web-frontend")

	var succeeded, failed, attempts, retried int
	for i := range 50 {
		img, resp, err := c.GetImage(t.Context(), zone, want.ID)
		if err != nil {
			apiError(t, err, http.StatusServiceUnavailable, "server_error")
			failed++
			attempts += 1 + policy.MaxRetries
			continue
		}
		if img.ID != want.ID {
			t.Errorf("call %d: got image %s", i, img.ID)
		}
		if resp.Attempts < 1 || resp.Attempts > 1+policy.MaxRetries {
			t.Errorf("call %d: %d attempts", i, resp.Attempts)
		}
		if resp.Attempts > 1 {
			retried++
		}
		succeeded++
		attempts += resp.Attempts
	}
	t.Logf("50 calls: %d succeeded (%d after retries), %d failed, %d attempts", succeeded, retried, failed, attempts)
	if succeeded+failed != 50 || succeeded == 0 {
		t.Errorf("%d succeeded and %d failed", succeeded, failed)
	}
	if retried == 0 {
		t.Error("no call needed a retry: the failure rate had no effect")
	}
	if failed != 1 || attempts != 75 {
		t.Errorf("%d calls failed after %d attempts in all; seed 2 replays 1 failure in 75 attempts", failed, attempts)
	}
	if got := srv.RequestCount(scalewaytest.RouteGetImage); got != attempts {
		t.Errorf("fake received %d requests, the client made %d attempts", got, attempts)
	}
}
