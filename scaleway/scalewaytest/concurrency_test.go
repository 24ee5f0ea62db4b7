package scalewaytest_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestConcurrentUse runs whole image lifecycles side by side with readers of
// the log and the store; run it with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	const workers = 24
	t.Run("group", func(t *testing.T) {
		for i := range workers {
			t.Run(fmt.Sprint("lifecycle ", i), func(t *testing.T) {
				t.Parallel()
				img := createImage(t, srv, createBody(srv, zone, i%5))
				send(t, srv, http.MethodPatch, imagePath(zone, img.ID), fmt.Sprintf(`{"name":"worker-%d","tags":["w"]}`, i)).expectStatus(t, http.StatusOK)
				send(t, srv, http.MethodPut, imagePath(zone, img.ID), `{"name":"set","arch":"arm64"}`).expectStatus(t, http.StatusOK)
				imagesFrom(t, send(t, srv, http.MethodGet, imagesPath(zone)+"?per_page=7&page=2", "").expectStatus(t, http.StatusOK))
				send(t, srv, http.MethodDelete, imagePath(zone, img.ID), "").expectStatus(t, http.StatusNoContent)
			})
			t.Run(fmt.Sprint("reader ", i), func(t *testing.T) {
				t.Parallel()
				_ = srv.Requests()
				_ = srv.RequestCount(scalewaytest.RouteCreateImage)
				_ = srv.Images(zone)
				_ = srv.Snapshots(zone)
			})
		}
	})
	if got := len(srv.Images(zone)); got != seededPerZone {
		t.Errorf("%d images left, want the %d seeded ones", got, seededPerZone)
	}
	if got := srv.RequestCount(scalewaytest.RouteCreateImage); got != workers {
		t.Errorf("RequestCount(CreateImage) = %d, want %d", got, workers)
	}
}

// TestConcurrentCreatesRespectTheQuota checks that the quota and the insert
// are one atomic step.
func TestConcurrentCreatesRespectTheQuota(t *testing.T) {
	t.Parallel()
	const room = 4
	srv := newServer(t, scalewaytest.Options{PrivateImageQuota: 3 + room}) // 3 private images are seeded
	var created, refused atomic.Int32
	t.Run("group", func(t *testing.T) {
		for i := range 16 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				switch status := send(t, srv, http.MethodPost, imagesPath(zone), jsonBody(t, createBody(srv, zone, 0))).status; status {
				case http.StatusCreated:
					created.Add(1)
				case http.StatusForbidden:
					refused.Add(1)
				default:
					t.Errorf("status = %d", status)
				}
			})
		}
	})
	if created.Load() != room || refused.Load() != 16-room {
		t.Errorf("created %d and refused %d, want %d and %d", created.Load(), refused.Load(), room, 16-room)
	}
}
