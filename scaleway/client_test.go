package scaleway_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

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
	// For a remote caller the caller can fix it, not the environment.
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
	_, _, err = c.GetImage(scaleway.CallerContext(r), "fr-par-1", testImage)
	if !errors.Is(err, scaleway.ErrNoSecretKey) || !strings.Contains(err.Error(), "X-Auth-Token") || strings.Contains(err.Error(), "SCW_SECRET_KEY") {
		t.Errorf("err for a caller without X-Auth-Token = %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent without a key", hits.Load())
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

// TestClientReusesConnections counts the TCP connections the fake accepts
// while a client makes many calls, one after another and concurrently
// (all-pages lists): the client must keep them alive and reuse them, not
// open one per request.
func TestClientReusesConnections(t *testing.T) {
	t.Parallel()
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(scalewaytest.New(scalewaytest.Options{ExtraImages: 9970}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := scaleway.NewClient(scaleway.WithBaseURL(srv.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken))
	if err != nil {
		t.Fatal(err)
	}

	const sequential = 200
	id := scalewaytest.New(scalewaytest.Options{}).Images(zone)[0].ID
	for i := range sequential {
		if _, _, err := c.GetImage(t.Context(), zone, id); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := opened.Load(); got != 1 {
		t.Errorf("%d sequential calls opened %d connections, want 1", sequential, got)
	}

	// Ten all-pages lists of 1,000 images: page 1, then 9 pages at once.
	project, perPage := scalewaytest.DefaultProjectID, uint32(100)
	req := &scaleway.ListImagesRequest{Project: &project, PerPage: &perPage}
	for range 10 {
		all, err := c.ListAllImages(t.Context(), zone, req, 0)
		if err != nil || len(all.Items) != 1000 {
			t.Fatalf("all pages: %v, %d images", err, len(all.Items))
		}
	}
	// At most one connection per page fetched at once, whatever the
	// number of lists.
	if got := opened.Load(); got > 1+9 {
		t.Errorf("sequential calls then 10 all-pages lists opened %d connections, want at most 10", got)
	}
	t.Logf("%d connections for %d calls", opened.Load(), sequential+10*10)
}

func TestFakeRequestHeaders(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	c := newClient(t, srv, scaleway.WithUserAgentSuffix("fake-test/1.0"))
	id := imageNamed(t, srv, zone, "ci-runner").ID
	ctx := t.Context()

	if _, _, err := c.ListImages(ctx, zone, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetImage(ctx, zone, id); err != nil {
		t.Fatal(err)
	}
	img, _, err := c.CreateImage(ctx, zone, &scaleway.CreateImageRequest{Name: "h", RootVolume: snapshotNamed(t, srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.UpdateImage(ctx, zone, img.ID, &scaleway.UpdateImageRequest{Name: ptr("h2")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.SetImage(ctx, zone, img.ID, &scaleway.SetImageRequest{Name: "h3", Arch: scaleway.ArchArm64}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteImage(ctx, zone, img.ID); err != nil {
		t.Fatal(err)
	}

	ua := c.UserAgent()
	if !strings.HasPrefix(ua, "scaleway-images-mcp/dev (go") || !strings.HasSuffix(ua, ") fake-test/1.0") {
		t.Errorf("UserAgent() = %q", ua)
	}
	reqs := srv.Requests()
	wantRoutes := []scalewaytest.Route{scalewaytest.RouteListImages, scalewaytest.RouteGetImage, scalewaytest.RouteCreateImage, scalewaytest.RouteUpdateImage, scalewaytest.RouteSetImage, scalewaytest.RouteDeleteImage}
	if len(reqs) != len(wantRoutes) {
		t.Fatalf("fake received %d requests, want %d", len(reqs), len(wantRoutes))
	}
	for i, req := range reqs {
		if req.Route != wantRoutes[i] {
			t.Errorf("request %d: route %s, want %s", i, req.Route, wantRoutes[i])
		}
		if got := req.Header.Values("User-Agent"); !slices.Equal(got, []string{ua}) {
			t.Errorf("%s: User-Agent = %q, want %q", req.Route, got, ua)
		}
		if got := req.Header.Values("X-Auth-Token"); !slices.Equal(got, []string{scalewaytest.SandboxToken}) {
			t.Errorf("%s: X-Auth-Token = %q, want the configured key", req.Route, got)
		}
		if got := req.Header.Get("Accept"); got != "application/json" {
			t.Errorf("%s: Accept = %q", req.Route, got)
		}
		hasBody := req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch
		if got := req.Header.Get("Content-Type"); (got == "application/json") != hasBody || (!hasBody && got != "") {
			t.Errorf("%s %s: Content-Type = %q", req.Method, req.Route, got)
		}
		if hasBody != (len(req.Body) > 0) {
			t.Errorf("%s %s: body %q", req.Method, req.Route, req.Body)
		}
	}
}

func TestFakeSecretKeyPerRequest(t *testing.T) {
	t.Parallel()
	// Only keyA and keyB authenticate; the client's own key does not.
	srv := startFake(t, scalewaytest.Options{AcceptedTokens: []string{keyA, keyB}})
	c := newClient(t, srv)
	id := imageNamed(t, srv, zone, "web-frontend").ID

	tests := []struct {
		name    string
		ctx     func(context.Context) context.Context
		wantKey string
		wantErr bool
	}{
		{"configured key", func(ctx context.Context) context.Context { return ctx }, scalewaytest.SandboxToken, true},
		{"context key A", func(ctx context.Context) context.Context { return scaleway.ContextWithSecretKey(ctx, keyA) }, keyA, false},
		{"context key B", func(ctx context.Context) context.Context { return scaleway.ContextWithSecretKey(ctx, keyB) }, keyB, false},
		{"empty context key falls back", func(ctx context.Context) context.Context { return scaleway.ContextWithSecretKey(ctx, "") }, scalewaytest.SandboxToken, true},
	}
	for _, tt := range tests {
		// Not parallel: each case reads the one request it sent.
		srv.ResetRequests()
		_, _, err := c.GetImage(tt.ctx(t.Context()), zone, id)
		if tt.wantErr {
			apiError(t, err, http.StatusUnauthorized, scaleway.TypeDeniedAuthentication)
		} else if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if got := onlyRequest(t, srv).Header.Values("X-Auth-Token"); !slices.Equal(got, []string{tt.wantKey}) {
			t.Errorf("%s: fake saw X-Auth-Token %q, want %q", tt.name, got, tt.wantKey)
		}
	}

	t.Run("concurrent calls keep their own keys", func(t *testing.T) {
		keys := make([]string, 20)
		for i := range keys {
			keys[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		}
		srv := startFake(t, scalewaytest.Options{AcceptedTokens: keys})
		c := newClient(t, srv)
		var wg sync.WaitGroup
		errs := make([]error, len(keys))
		for i, key := range keys {
			wg.Go(func() {
				_, _, errs[i] = c.ListImages(scaleway.ContextWithSecretKey(t.Context(), key), zone, &scaleway.ListImagesRequest{Name: ptr(strconv.Itoa(i))})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
		reqs := srv.Requests()
		if len(reqs) != len(keys) {
			t.Fatalf("fake received %d requests, want %d", len(reqs), len(keys))
		}
		for _, req := range reqs {
			q, _ := url.ParseQuery(req.RawQuery)
			i, _ := strconv.Atoi(q.Get("name"))
			if got := req.Header.Get("X-Auth-Token"); got != keys[i] {
				t.Errorf("call %d sent key %s, want %s", i, got, keys[i])
			}
		}
	})
}

// TestCallerContext: a request's own X-Auth-Token is the key of the calls
// made for it; without one, the client's key is.
func TestCallerContext(t *testing.T) {
	t.Parallel()
	var keys []string
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get("X-Auth-Token"))
		writeJSON(w, http.StatusOK, imageBody)
	}))
	for _, header := range []string{keyA, ""} {
		r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("X-Auth-Token", header)
		}
		if _, _, err := c.GetImage(scaleway.CallerContext(r), "fr-par-1", testImage); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(keys, []string{keyA, testKey}) {
		t.Errorf("keys sent = %q; want the caller's, then the client's", keys)
	}
}
