package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestUpstreamRedirectIsABadGateway: an API URL that redirects makes every
// route answer 502 with a Scaleway error body naming the redirect, never a
// redirect of its own, and the target gets nothing, with the server's key
// or the caller's.
func TestUpstreamRedirectIsABadGateway(t *testing.T) {
	t.Parallel()
	const image = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	tests := []struct {
		method, path, body string
		header             []string
	}{
		{http.MethodGet, "", "", nil},
		{http.MethodGet, "/" + image, "", []string{"X-Auth-Token", otherKey}},
		{http.MethodPost, "", `{"root_volume":"` + image + `","arch":"x86_64","name":"x"}`, nil},
		{http.MethodPut, "/" + image, `{"name":"x","arch":"x86_64"}`, nil},
		{http.MethodPatch, "/" + image, `{"name":"x"}`, []string{"X-Auth-Token", otherKey}},
		{http.MethodDelete, "/" + image, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			var targetHits, apiHits atomic.Int32
			target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { targetHits.Add(1) }))
			t.Cleanup(target.Close)
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				apiHits.Add(1)
				http.Redirect(w, r, target.URL+"/steal?key="+r.Header.Get("X-Auth-Token"), http.StatusPermanentRedirect)
			}))
			t.Cleanup(upstream.Close)
			client, err := scaleway.NewClient(scaleway.WithBaseURL(upstream.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken))
			if err != nil {
				t.Fatal(err)
			}
			adapter := httptest.NewServer(rest.NewHandler(rest.Options{Client: client, Logger: zerolog.Nop()}))
			t.Cleanup(adapter.Close)
			f := &fixture{adapter: adapter}

			a := f.do(t, tt.method, imagesPath(zone)+tt.path, tt.body, tt.header...)
			if a.status != http.StatusBadGateway || a.header.Get("Location") != "" {
				t.Fatalf("answer %d (Location %q), want 502 and no Location: %s", a.status, a.header.Get("Location"), a.body)
			}
			e := a.apiError(t)
			if e.Type != scaleway.TypeRedirect || !strings.Contains(e.Message, target.URL+"/steal") || !strings.Contains(e.Message, "SCW_API_URL") {
				t.Errorf("error = %+v, want type %s naming the target and SCW_API_URL", e, scaleway.TypeRedirect)
			}
			for _, key := range []string{scalewaytest.SandboxToken, otherKey} {
				if strings.Contains(string(a.body), key) {
					t.Errorf("answer shows a key: %s", a.body)
				}
			}
			if apiHits.Load() != 1 || targetHits.Load() != 0 {
				t.Errorf("the API got %d requests and the redirect target %d; want 1 and none", apiHits.Load(), targetHits.Load())
			}
		})
	}
}
