package scalewaytest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	body := `{"name":"logged"}`
	send(t, srv, http.MethodPost, imagesPath(zone)+"?dry=1", body).expectStatus(t, http.StatusBadRequest)
	sendAs(t, srv, "", http.MethodGet, imagesPath(zone), "").expectStatus(t, http.StatusUnauthorized)
	send(t, srv, http.MethodGet, "/instance/v1/zones/zz-top-1/images", "").expectStatus(t, http.StatusBadRequest)
	send(t, srv, http.MethodGet, imagePath(zone, "bad-id"), "").expectStatus(t, http.StatusBadRequest)
	send(t, srv, http.MethodGet, "/elsewhere", "").expectStatus(t, http.StatusNotFound)

	requests := srv.Requests()
	want := []struct {
		route        scalewaytest.Route
		method, path string
	}{
		{scalewaytest.RouteCreateImage, http.MethodPost, imagesPath(zone)},
		{scalewaytest.RouteListImages, http.MethodGet, imagesPath(zone)},
		{scalewaytest.RouteListImages, http.MethodGet, "/instance/v1/zones/zz-top-1/images"},
		{scalewaytest.RouteGetImage, http.MethodGet, imagePath(zone, "bad-id")},
		{"", http.MethodGet, "/elsewhere"},
	}
	if len(requests) != len(want) {
		t.Fatalf("logged %d requests, want %d: %+v", len(requests), len(want), requests)
	}
	for i, w := range want {
		if got := requests[i]; got.Route != w.route || got.Method != w.method || got.Path != w.path {
			t.Errorf("request %d = %s %s %s, want %s %s %s", i, got.Route, got.Method, got.Path, w.route, w.method, w.path)
		}
	}
	first := requests[0]
	if first.RawQuery != "dry=1" || string(first.Body) != body || first.Header.Get("X-Auth-Token") != scalewaytest.SandboxToken ||
		!strings.HasPrefix(first.Header.Get("Content-Type"), "application/json") {
		t.Errorf("first request = %+v", first)
	}

	counts := map[scalewaytest.Route]int{scalewaytest.RouteCreateImage: 1, scalewaytest.RouteListImages: 2, scalewaytest.RouteGetImage: 1, "": 1, scalewaytest.RouteDeleteImage: 0}
	for route, n := range counts {
		if got := srv.RequestCount(route); got != n {
			t.Errorf("RequestCount(%q) = %d, want %d", route, got, n)
		}
	}

	requests[0].Header.Set("X-Auth-Token", "changed")
	requests[0].Body[0] = 'X'
	if again := srv.Requests()[0]; again.Header.Get("X-Auth-Token") != scalewaytest.SandboxToken || string(again.Body) != body {
		t.Error("Requests returned the log's own memory")
	}

	srv.ResetRequests()
	if len(srv.Requests()) != 0 || srv.RequestCount(scalewaytest.RouteListImages) != 0 {
		t.Error("ResetRequests kept requests")
	}
}

func TestOversizedBodyIsRejected(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	huge := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
	e := apiError(t, send(t, srv, http.MethodPost, imagesPath(zone), huge), http.StatusBadRequest)
	if len(e.Details) != 1 || e.Details[0].ArgumentName != "body" || e.Details[0].Reason != "constraint" {
		t.Errorf("error = %+v", e)
	}
	if srv.RequestCount(scalewaytest.RouteCreateImage) != 1 {
		t.Error("an oversized request was not logged")
	}
}

func TestRequestLogKeepsTheMostRecent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		size, sent, kept int
	}{
		{0, 10_005, 10_000},
		{3, 2, 2},
		{3, 7, 3},
		{3, 13, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size, "/", tt.sent), func(t *testing.T) {
			t.Parallel()
			fake := scalewaytest.New(scalewaytest.Options{RequestLogSize: tt.size})
			for i := range tt.sent {
				fake.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), http.MethodGet, fmt.Sprint("/n/", i), nil))
			}
			requests := fake.Requests()
			if len(requests) != tt.kept || requests[0].Path != fmt.Sprint("/n/", tt.sent-tt.kept) || requests[tt.kept-1].Path != fmt.Sprint("/n/", tt.sent-1) {
				t.Errorf("kept %d requests, from %s to %s", len(requests), requests[0].Path, requests[len(requests)-1].Path)
			}
			if got := fake.RequestCount(""); got != tt.sent {
				t.Errorf("RequestCount = %d, want every request: %d", got, tt.sent)
			}
		})
	}
}
