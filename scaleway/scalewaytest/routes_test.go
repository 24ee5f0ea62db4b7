package scalewaytest_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func TestEveryRouteAnswersWithItsStatus(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	images := srv.Images(zone)
	snapshot := srv.Snapshots(zone)[0]
	private := seededImage(t, srv, zone, isPrivate)
	tests := []struct {
		route        scalewaytest.Route
		method, path string
		body         string
		status       int
	}{
		{scalewaytest.RouteListImages, http.MethodGet, imagesPath(zone), "", http.StatusOK},
		{scalewaytest.RouteCreateImage, http.MethodPost, imagesPath(zone), jsonBody(t, createBody(srv, zone, 0)), http.StatusCreated},
		{scalewaytest.RouteGetImage, http.MethodGet, imagePath(zone, images[0].ID), "", http.StatusOK},
		{scalewaytest.RouteSetImage, http.MethodPut, imagePath(zone, private.ID), `{"name":"x","arch":"x86_64"}`, http.StatusOK},
		{scalewaytest.RouteUpdateImage, http.MethodPatch, imagePath(zone, private.ID), `{"name":"y"}`, http.StatusOK},
		{scalewaytest.RouteListSnapshots, http.MethodGet, "/instance/v1/zones/fr-par-1/snapshots", "", http.StatusOK},
		{scalewaytest.RouteGetSnapshot, http.MethodGet, "/instance/v1/zones/fr-par-1/snapshots/" + snapshot.ID, "", http.StatusOK},
		{scalewaytest.RouteDeleteImage, http.MethodDelete, imagePath(zone, private.ID), "", http.StatusNoContent},
	}
	seen := map[string]bool{}
	for _, tt := range tests { // in order: the last one deletes
		a := send(t, srv, tt.method, tt.path, tt.body).expectStatus(t, tt.status)
		id := a.header.Get("X-Request-Id")
		if seen[id] {
			t.Errorf("%s: X-Request-Id %s was already used", tt.route, id)
		}
		seen[id] = true
		if got := srv.RequestCount(tt.route); got != 1 {
			t.Errorf("RequestCount(%s) = %d, want 1", tt.route, got)
		}
	}
}

func TestUnknownZoneIsRejected(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	for _, path := range []string{
		"/instance/v1/zones/fr-par-9/images",
		"/instance/v1/zones/par1/images/" + scalewaytest.SandboxToken,
		"/instance/v1/zones/xx/snapshots",
	} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, send(t, srv, http.MethodGet, path, ""), http.StatusBadRequest)
			if want := []detail{{"zone", "constraint"}}; e.Type != scaleway.TypeInvalidArguments || !slices.Equal(detailsOf(e), want) {
				t.Errorf("error = %+v", e)
			}
		})
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/instance/v1/zones/fr-par-1/servers", http.StatusNotFound, ""},
		{http.MethodGet, "/", http.StatusNotFound, ""},
		{http.MethodGet, "/instance/v1/zones/fr-par-1/images/a/b", http.StatusNotFound, ""},
		{http.MethodDelete, imagesPath(zone), http.StatusMethodNotAllowed, "GET, POST"},
		{http.MethodPost, imagePath(zone, scalewaytest.SandboxToken), http.StatusMethodNotAllowed, "PUT, GET, PATCH, DELETE"},
		{http.MethodPost, "/instance/v1/zones/fr-par-1/snapshots", http.StatusMethodNotAllowed, "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			a := send(t, srv, tt.method, tt.path, "")
			e := apiError(t, a, tt.status)
			if e.Type == "" || e.Message == "" {
				t.Errorf("body = %s, want a Scaleway-style error", a.body)
			}
			if got := a.header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
