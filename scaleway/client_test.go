package scaleway_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

const (
	testKey   = "11111111-2222-3333-4444-555555555555"
	testImage = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	testSnap  = "0c7c2a56-1d3e-4b8f-9a51-3e0f1f2d3c4b"
)

// fastRetries keeps retry tests quick while still exercising back-off.
var fastRetries = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond}

func newTestClient(t *testing.T, h http.Handler, opts ...scaleway.Option) *scaleway.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := scaleway.NewClient(append([]scaleway.Option{scaleway.WithBaseURL(srv.URL), scaleway.WithSecretKey(testKey), scaleway.WithRetryPolicy(fastRetries)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-42")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

const imageBody = `{"image":{"id":"` + testImage + `","name":"web","organization":"` + testKey + `","project":"` + testKey + `","root_volume":{"id":"` + testSnap + `","name":"snap","size":20000000000,"volume_type":"l_ssd"},"extra_volumes":{},"public":false,"arch":"x86_64","creation_date":"2025-11-04T10:11:53.049425+00:00","modification_date":"2025-11-04T10:11:53.049425+00:00","default_bootscript":null,"from_server":"","state":"available","tags":[],"zone":"fr-par-1"}}`

func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	var got []*http.Request
	var bodies []string
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := new(strings.Builder)
		_, _ = fmt.Fprint(b, readAll(r))
		got = append(got, r.Clone(context.Background()))
		bodies = append(bodies, b.String())
		if r.Method == http.MethodDelete {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, imageBody)
	}))
	ctx := t.Context()
	if _, _, err := c.GetImage(ctx, "fr-par-1", testImage); err != nil {
		t.Fatal(err)
	}
	name := "renamed"
	if _, _, err := c.UpdateImage(ctx, "fr-par-1", testImage, &scaleway.UpdateImageRequest{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteImage(ctx, "fr-par-1", testImage); err != nil {
		t.Fatal(err)
	}
	ua := regexp.MustCompile(`^scaleway-images-mcp/\S+ \(go[0-9.]+\S*; [a-z0-9]+; [a-z0-9]+\)$`)
	for i, r := range got {
		if r.Header.Get("X-Auth-Token") != testKey {
			t.Errorf("request %d: X-Auth-Token = %q", i, r.Header.Get("X-Auth-Token"))
		}
		if !ua.MatchString(r.Header.Get("User-Agent")) {
			t.Errorf("request %d: User-Agent = %q", i, r.Header.Get("User-Agent"))
		}
	}
	if ct := got[0].Header.Get("Content-Type"); ct != "" {
		t.Errorf("GET has Content-Type %q, want none", ct)
	}
	if ct := got[1].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("PATCH Content-Type = %q", ct)
	}
	if bodies[1] != `{"name":"renamed"}` {
		t.Errorf("PATCH body = %s", bodies[1])
	}
	if want := "/instance/v1/zones/fr-par-1/images/" + testImage; got[2].URL.Path != want || got[2].Method != http.MethodDelete {
		t.Errorf("DELETE went to %s %s", got[2].Method, got[2].URL.Path)
	}
}

// TestUserAgentNamesTheVersion: the User-Agent names the version the
// program passes in, "dev" when none, and then the suffixes in order,
// whatever the order of the options.
func TestUserAgentNamesTheVersion(t *testing.T) {
	t.Parallel()
	platform := " (" + runtime.Version() + "; " + runtime.GOOS + "; " + runtime.GOARCH + ")"
	tests := []struct {
		name string
		opts []scaleway.Option
		want string
	}{
		{"no version", nil, "scaleway-images-mcp/dev" + platform},
		{"a version", []scaleway.Option{scaleway.WithVersion("v1.2.3")}, "scaleway-images-mcp/v1.2.3" + platform},
		{"suffixes before the version", []scaleway.Option{scaleway.WithUserAgentSuffix("a/1"), scaleway.WithVersion("v1.2.3"), scaleway.WithUserAgentSuffix("b/2")}, "scaleway-images-mcp/v1.2.3" + platform + " a/1 b/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := scaleway.NewClient(tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.UserAgent(); got != tt.want {
				t.Errorf("UserAgent() = %q; want %q", got, tt.want)
			}
		})
	}
	if _, err := scaleway.NewClient(scaleway.WithVersion("")); err == nil {
		t.Error("WithVersion(\"\") was accepted")
	}
}

func readAll(r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

func TestContextSecretKeyOverridesConfigured(t *testing.T) {
	t.Parallel()
	var seen atomic.Value
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("X-Auth-Token"))
		writeJSON(w, http.StatusOK, imageBody)
	}))
	const other = "99999999-8888-7777-6666-555555555555"
	if _, _, err := c.GetImage(scaleway.ContextWithSecretKey(t.Context(), other), "fr-par-1", testImage); err != nil {
		t.Fatal(err)
	}
	if seen.Load() != other {
		t.Errorf("sent %v, want the per-request key", seen.Load())
	}
}

func TestMissingSecretKeySendsNothing(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	c, err := scaleway.NewClient(scaleway.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.GetImage(t.Context(), "fr-par-1", testImage)
	if !errors.Is(err, scaleway.ErrNoSecretKey) || !strings.Contains(err.Error(), "SCW_SECRET_KEY") || !strings.Contains(err.Error(), "SCALEWAY_API_KEY") {
		t.Errorf("err = %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent without a key", hits.Load())
	}
}

func TestInvalidInputNeverReachesTheAPI(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, http.StatusOK, imageBody)
	}))
	ptr := func(s string) *string { return &s }
	perPage := func(n uint32) *uint32 { return &n }
	page := func(n int32) *int32 { return &n }
	tests := []struct {
		name  string
		call  func(ctx context.Context) error
		field string
	}{
		{"zone traversal", func(ctx context.Context) error { _, _, err := c.GetImage(ctx, "../../x", testImage); return err }, "zone"},
		{"unknown zone", func(ctx context.Context) error { _, _, err := c.ListImages(ctx, "fr-par-9", nil); return err }, "zone"},
		{"empty zone", func(ctx context.Context) error { _, err := c.DeleteImage(ctx, "", testImage); return err }, "zone"},
		{"id traversal", func(ctx context.Context) error { _, _, err := c.GetImage(ctx, "fr-par-1", "../servers"); return err }, "image_id"},
		{"encoded id", func(ctx context.Context) error { _, err := c.DeleteImage(ctx, "fr-par-1", "%2e%2e%2fx"); return err }, "image_id"},
		{"put id", func(ctx context.Context) error {
			_, _, err := c.SetImage(ctx, "fr-par-1", "nope", &scaleway.SetImageRequest{Name: "a", Arch: scaleway.ArchX86_64})
			return err
		}, "id"},
		{"per_page over 100", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{PerPage: perPage(101)})
			return err
		}, "per_page"},
		{"page zero", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{Page: page(0)})
			return err
		}, "page"},
		{"project not uuid", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{Project: ptr("p")})
			return err
		}, "project"},
		{"arch filter", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{Arch: ptr("sparc")})
			return err
		}, "arch"},
		{"create without root volume", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{Arch: scaleway.ArchX86_64})
			return err
		}, "root_volume"},
		{"create bad arch", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: "mips"})
			return err
		}, "arch"},
		{"create bad volume key", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: scaleway.ArchArm64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"0": {ID: testSnap}}})
			return err
		}, "extra_volumes"},
		{"create null volume", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: scaleway.ArchArm64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": nil}})
			return err
		}, "extra_volumes.1"},
		{"control characters in name", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{Name: "a\x00b", RootVolume: testSnap, Arch: scaleway.ArchArm64})
			return err
		}, "name"},
		{"huge name", func(ctx context.Context) error {
			name := strings.Repeat("n", 1<<20)
			_, _, err := c.UpdateImage(ctx, "fr-par-1", testImage, &scaleway.UpdateImageRequest{Name: &name})
			return err
		}, "name"},
		{"empty tag", func(ctx context.Context) error {
			tags := []string{"ok", ""}
			_, _, err := c.UpdateImage(ctx, "fr-par-1", testImage, &scaleway.UpdateImageRequest{Tags: &tags})
			return err
		}, "tags[1]"},
		{"put without name", func(ctx context.Context) error {
			_, _, err := c.SetImage(ctx, "fr-par-1", testImage, &scaleway.SetImageRequest{Arch: scaleway.ArchX86_64})
			return err
		}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context())
			details := scaleway.ValidationErrors(err)
			if len(details) == 0 {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if details[0].Field != tt.field {
				t.Errorf("field = %q, want %q (err %v)", details[0].Field, tt.field, err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("message is %d bytes long; hostile input must not be echoed in full", len(err.Error()))
			}
		})
	}
	t.Cleanup(func() {
		if hits.Load() != 0 {
			t.Errorf("%d invalid requests reached the API", hits.Load())
		}
	})
}

// scripted answers with statuses[i] on attempt i, then 200.
func scripted(hits *atomic.Int32, answers ...func(w http.ResponseWriter)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1)) - 1
		if n < len(answers) {
			answers[n](w)
			return
		}
		if r.Method == http.MethodPost {
			writeJSON(w, http.StatusCreated, imageBody)
			return
		}
		writeJSON(w, http.StatusOK, imageBody)
	})
}

func status(code int, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		writeJSON(w, code, `{"type":"unknown","message":"scripted"}`)
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

func checkErrKind(t *testing.T, err error, want scaleway.ErrorType) {
	t.Helper()
	var apiErr *scaleway.Error
	var transportErr *scaleway.TransportError
	switch {
	case want == "":
		if err != nil {
			t.Errorf("err = %v, want success", err)
		}
	case want == "transport":
		if !errors.As(err, &transportErr) {
			t.Errorf("err = %v, want a transport error", err)
		}
	case !errors.As(err, &apiErr) || apiErr.Type != want:
		t.Errorf("err = %v, want API error %s", err, want)
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

func TestMalformedSuccessBody(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newTestClient(t, scripted(&hits, func(w http.ResponseWriter) { writeJSON(w, 200, `{"image":{"id":`) }))
	_, _, err := c.GetImage(t.Context(), "fr-par-1", testImage)
	checkErrKind(t, err, scaleway.TypeUnknown)
	if err != nil && !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("err = %v", err)
	}
}

func TestImageDecoding(t *testing.T) {
	t.Parallel()
	var img struct{ Image *scaleway.Image }
	if err := json.Unmarshal([]byte(imageBody), &img); err != nil {
		t.Fatal(err)
	}
	if img.Image.CreationDate.UTC().Format(time.RFC3339Nano) != "2025-11-04T10:11:53.049425Z" {
		t.Errorf("creation_date = %v", img.Image.CreationDate)
	}
	again, err := json.Marshal(img.Image)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(again), `"creation_date":"2025-11-04T10:11:53.049425+00:00"`) || !strings.Contains(string(again), `"default_bootscript":null`) {
		t.Errorf("re-encoded image differs from the API's form: %s", again)
	}
}
