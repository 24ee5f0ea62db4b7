package scaleway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// methodCall is one client method, named by the HTTP method it sends.
type methodCall struct {
	method string
	call   func(ctx context.Context, c *scaleway.Client) error
}

// everyMethod calls the image routes, one per HTTP method.
var everyMethod = []methodCall{
	{http.MethodGet, func(ctx context.Context, c *scaleway.Client) error {
		_, _, err := c.GetImage(ctx, "fr-par-1", testImage)
		return err
	}},
	{http.MethodPost, func(ctx context.Context, c *scaleway.Client) error {
		_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{Name: "x", RootVolume: testSnap, Arch: scaleway.ArchX86_64})
		return err
	}},
	{http.MethodPut, func(ctx context.Context, c *scaleway.Client) error {
		_, _, err := c.SetImage(ctx, "fr-par-1", testImage, &scaleway.SetImageRequest{Name: "x", Arch: scaleway.ArchX86_64})
		return err
	}},
	{http.MethodPatch, func(ctx context.Context, c *scaleway.Client) error {
		name := "x"
		_, _, err := c.UpdateImage(ctx, "fr-par-1", testImage, &scaleway.UpdateImageRequest{Name: &name})
		return err
	}},
	{http.MethodDelete, func(ctx context.Context, c *scaleway.Client) error {
		_, err := c.DeleteImage(ctx, "fr-par-1", testImage)
		return err
	}},
}

// perRequestKey is a caller's own key, sent instead of testKey.
const perRequestKey = "99999999-8888-7777-6666-555555555555"

// TestRedirectsAreNeverFollowed answers every call with a redirect that
// carries the key in its path, userinfo and query, to the same host, to
// another one, and from https to plain http. Nothing may reach the target,
// nothing is retried, and the error names the target without any secret.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	statuses := []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}
	targets := []string{"same host", "other host", "https to http"}
	keys := map[string]string{"configured key": testKey, "per-request key": perRequestKey}
	for _, status := range statuses {
		for _, target := range targets {
			for keyName, key := range keys {
				for _, m := range everyMethod {
					t.Run(fmt.Sprintf("%d %s %s %s", status, target, keyName, m.method), func(t *testing.T) {
						t.Parallel()
						checkRedirectRefused(t, status, target, key, m)
					})
				}
			}
		}
	}
}

func checkRedirectRefused(t *testing.T, status int, target, key string, m methodCall) {
	var apiHits, targetHits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { targetHits.Add(1) }))
	t.Cleanup(elsewhere.Close)
	var location, wantTarget string
	first := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/elsewhere/") {
			targetHits.Add(1)
			return
		}
		apiHits.Add(1)
		w.Header().Set("Location", location)
		w.WriteHeader(status)
	})
	var api *httptest.Server
	opts := []scaleway.Option{}
	if target == "https to http" {
		api = httptest.NewTLSServer(first)
		opts = append(opts, scaleway.WithHTTPClient(api.Client()))
	} else {
		api = httptest.NewServer(first)
	}
	t.Cleanup(api.Close)
	host := strings.TrimPrefix(elsewhere.URL, "http://")
	switch target {
	case "same host":
		location = "/elsewhere/" + key + "?token=" + key
		wantTarget = api.URL + "/elsewhere/" + scaleway.RedactSecret(key)
	default:
		location = "http://user:" + key + "@" + host + "/elsewhere/" + key + "?token=" + key + "#" + key
		wantTarget = elsewhere.URL + "/elsewhere/" + scaleway.RedactSecret(key)
	}
	c, err := scaleway.NewClient(append([]scaleway.Option{scaleway.WithBaseURL(api.URL), scaleway.WithSecretKey(testKey), scaleway.WithRetryPolicy(fastRetries)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}

	ctx := t.Context()
	if key != testKey {
		ctx = scaleway.ContextWithSecretKey(ctx, key)
	}
	err = m.call(ctx, c)
	var apiErr *scaleway.Error
	if !errors.As(err, &apiErr) || apiErr.Type != scaleway.TypeRedirect || apiErr.StatusCode != status {
		t.Fatalf("err = %v, want an *Error of type %s with status %d", err, scaleway.TypeRedirect, status)
	}
	msg := err.Error()
	for _, want := range []string{wantTarget, "never redirects", "SCW_API_URL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	for _, secret := range []string{key, testKey, "token=", "user"} {
		if strings.Contains(msg, secret) {
			t.Errorf("message %q shows %q", msg, secret)
		}
	}
	if apiHits.Load() != 1 || targetHits.Load() != 0 {
		t.Errorf("the API got %d requests and the redirect target %d; want 1 and none", apiHits.Load(), targetHits.Load())
	}
}

// TestRedirectWithoutLocation: a 3xx without Location is refused too.
func TestRedirectWithoutLocation(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newTestClient(t, scripted(&hits, func(w http.ResponseWriter) { w.WriteHeader(http.StatusFound) }))
	_, _, err := c.GetImage(t.Context(), "fr-par-1", testImage)
	checkErrKind(t, err, scaleway.TypeRedirect)
	if err != nil && !strings.Contains(err.Error(), "without a usable Location") {
		t.Errorf("err = %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d attempts, want 1", hits.Load())
	}
}

// TestWithHTTPClientLeavesTheCallersClientAlone: the client refuses
// redirects even through a caller's client that would follow them, and
// that client is not changed.
func TestWithHTTPClientLeavesTheCallersClientAlone(t *testing.T) {
	t.Parallel()
	var followed atomic.Bool
	follow := func(*http.Request, []*http.Request) error { followed.Store(true); return nil }
	callers := &http.Client{CheckRedirect: follow}
	var hits atomic.Int32
	c := newTestClient(t, scripted(&hits, func(w http.ResponseWriter) {
		w.Header().Set("Location", "/instance/v1/zones/fr-par-1/images/"+testImage)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}), scaleway.WithHTTPClient(callers))
	_, _, err := c.GetImage(t.Context(), "fr-par-1", testImage)
	checkErrKind(t, err, scaleway.TypeRedirect)
	if followed.Load() || hits.Load() != 1 {
		t.Errorf("the caller's CheckRedirect ran (%v), %d requests; want neither, and 1", followed.Load(), hits.Load())
	}
	if callers.CheckRedirect == nil || callers.CheckRedirect(nil, nil) != nil {
		t.Errorf("the caller's client was changed")
	}
}

// TestNilHTTPClient is refused when the client is built.
func TestNilHTTPClient(t *testing.T) {
	t.Parallel()
	_, err := scaleway.NewClient(scaleway.WithHTTPClient(nil))
	if err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("err = %v, want a nil HTTP client refused", err)
	}
}
