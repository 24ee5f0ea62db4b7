package scaleway_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestReplaceImage: ReplaceImage reads the image, reads it again, and
// writes it back whole with the changes made: what they leave out is kept.
func TestReplaceImage(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	c := newClient(t, srv)
	before := imageNamed(t, srv, zone, "postgres-16")
	img, read, resp, err := c.ReplaceImage(t.Context(), zone, before.ID, &scaleway.UpdateImageRequest{Name: ptr("postgres-17")})
	if err != nil {
		t.Fatal(err)
	}
	if img.Name != "postgres-17" || !slices.Equal(img.Tags, before.Tags) || len(img.ExtraVolumes) != len(before.ExtraVolumes) || img.RootVolume.ID != before.RootVolume.ID {
		t.Errorf("replaced image = %+v; want %+v renamed", img, before)
	}
	if read == nil || read.Name != before.Name {
		t.Errorf("read = %+v; want the image before", read)
	}
	var routes []scalewaytest.Route
	for _, r := range srv.Requests() {
		routes = append(routes, r.Route)
	}
	if want := []scalewaytest.Route{scalewaytest.RouteGetImage, scalewaytest.RouteGetImage, scalewaytest.RouteSetImage}; !slices.Equal(routes, want) {
		t.Errorf("routes = %v; want %v", routes, want)
	}
	checkResponse(t, resp, http.StatusOK, 1)
}

// TestReplaceImageRefusesAChangedImage: when the second read differs from
// the first, nothing is written, and the error says so.
func TestReplaceImageRefusesAChangedImage(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	renamed := func(w http.ResponseWriter) {
		writeJSON(w, http.StatusOK, strings.Replace(imageBody, `"name":"web"`, `"name":"renamed by someone else"`, 1))
	}
	c := newTestClient(t, scripted(&hits, func(w http.ResponseWriter) { writeJSON(w, http.StatusOK, imageBody) }, renamed))
	img, read, _, err := c.ReplaceImage(t.Context(), "fr-par-1", testImage, &scaleway.UpdateImageRequest{Tags: &[]string{"x"}})
	if !errors.Is(err, scaleway.ErrImageChanged) || img != nil || read == nil || read.Name != "web" {
		t.Errorf("ReplaceImage = %+v, read %+v, %v; want ErrImageChanged and the first read", img, read, err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d requests; want the two reads and no write", hits.Load())
	}
}
