package scaleway_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// attempts records what an observer sees.
type attempts struct {
	mu   sync.Mutex
	seen []scaleway.Attempt
}

func (a *attempts) observe(at scaleway.Attempt) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, at)
}

// routes is the route, status and number of each attempt seen, in order.
func (a *attempts) routes() []scaleway.Attempt {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]scaleway.Attempt, len(a.seen))
	for i, at := range a.seen {
		if at.Duration <= 0 {
			at.Route += " (no duration)"
		}
		at.Duration = 0
		out[i] = at
	}
	return out
}

// TestObserverNamesEveryRoute: each operation's attempts carry its own
// fixed route name, never a path; the fake answers some with 404, which
// are attempts too.
func TestObserverNamesEveryRoute(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	img := imageNamed(t, srv, zone, "web-frontend")
	block := srv.BlockSnapshots(zone)[0]
	missing := "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		route  string
		status int
		call   func(ctx context.Context, c *scaleway.Client) error
	}{
		{"list_images", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.ListImages(ctx, zone, nil)
			return err
		}},
		{"get_image", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetImage(ctx, zone, img.ID)
			return err
		}},
		{"create_image", 201, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.CreateImage(ctx, zone, &scaleway.CreateImageRequest{Name: "observed", Arch: "x86_64", RootVolume: img.RootVolume.ID, Project: &img.Project})
			return err
		}},
		{"set_image", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.SetImage(ctx, zone, img.ID, scaleway.SetImageRequestFrom(&img))
			return err
		}},
		{"update_image", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.UpdateImage(ctx, zone, img.ID, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
			return err
		}},
		{"delete_image", 404, func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteImage(ctx, zone, missing)
			return err
		}},
		{"get_snapshot", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetSnapshot(ctx, zone, img.RootVolume.ID)
			return err
		}},
		{"list_snapshots", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.ListSnapshots(ctx, zone, nil)
			return err
		}},
		{"get_block_snapshot", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetBlockSnapshot(ctx, zone, block.ID)
			return err
		}},
		{"list_block_snapshots", 200, func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.ListBlockSnapshots(ctx, zone, nil)
			return err
		}},
		{"delete_snapshot", 404, func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteSnapshot(ctx, zone, missing)
			return err
		}},
		{"delete_block_snapshot", 404, func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteBlockSnapshot(ctx, zone, missing)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			t.Parallel()
			var seen attempts
			c := newClient(t, srv, scaleway.WithObserver(seen.observe))
			err := tt.call(t.Context(), c)
			if (err != nil) != (tt.status >= 400) {
				t.Fatalf("err = %v, want status %d", err, tt.status)
			}
			want := []scaleway.Attempt{{Route: tt.route, StatusCode: tt.status, Number: 1}}
			if got := seen.routes(); !slices.Equal(got, want) {
				t.Errorf("observed %+v, want %+v", got, want)
			}
		})
	}
}

// TestObserverSeesRetries: every attempt is observed, numbered, with its
// status, or 0 when no answer came; a call refused before any request
// (a bad id) is no attempt.
func TestObserverSeesRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults []scalewaytest.Fault
		want   []scaleway.Attempt
	}{
		{"first try", nil, []scaleway.Attempt{{Route: "get_image", StatusCode: 200, Number: 1}}},
		{"503 then ok", []scalewaytest.Fault{scalewaytest.ServerError(http.StatusServiceUnavailable)}, []scaleway.Attempt{
			{Route: "get_image", StatusCode: 503, Number: 1}, {Route: "get_image", StatusCode: 200, Number: 2},
		}},
		{"dropped, then 429, then ok", []scalewaytest.Fault{scalewaytest.DroppedConnection(), scalewaytest.TooManyRequests(0)}, []scaleway.Attempt{
			{Route: "get_image", StatusCode: 0, Number: 1}, {Route: "get_image", StatusCode: 429, Number: 2}, {Route: "get_image", StatusCode: 200, Number: 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			img := imageNamed(t, srv, zone, "web-frontend")
			srv.Script(scalewaytest.RouteGetImage, tt.faults...)
			var seen attempts
			c := newClient(t, srv, scaleway.WithObserver(seen.observe))
			if _, _, err := c.GetImage(t.Context(), zone, img.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.GetImage(t.Context(), zone, "not-an-id"); err == nil {
				t.Fatal("a bad id was accepted")
			}
			if got := seen.routes(); !slices.Equal(got, tt.want) {
				t.Errorf("observed %+v, want %+v", got, tt.want)
			}
		})
	}
}
