package scaleway_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestFanOutSharesTheBudgets: each part of a fan-out gets its share of
// the list workers, pages and bytes, and its own error; a cancelled
// caller gets the cancellation alone.
func TestFanOutSharesTheBudgets(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, http.NotFoundHandler(), scaleway.WithListWorkers(4), scaleway.WithMaxPages(30), scaleway.WithMaxListBytes(3000))
	shares := make([][3]int, 3)
	failure := errors.New("part 1 failed")
	errs, err := c.FanOut(t.Context(), 3, func(_ context.Context, share *scaleway.Client, i int) error {
		shares[i] = share.Budgets()
		if i == 1 {
			return failure
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, got := range shares {
		if got != [3]int{1, 10, 1000} {
			t.Errorf("part %d got workers, pages, bytes %v; want [1 10 1000]", i, got)
		}
	}
	if errs[0] != nil || !errors.Is(errs[1], failure) || errs[2] != nil {
		t.Errorf("errors %v, want only part 1's", errs)
	}

	ctx, cancel := context.WithCancel(t.Context())
	errs, err = c.FanOut(ctx, 3, func(context.Context, *scaleway.Client, int) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || errs != nil {
		t.Errorf("cancelled fan-out: errors %v, err %v; want context.Canceled alone", errs, err)
	}
}

func TestListImagesInZones(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch zoneOf(r) {
		case "pl-waw-2":
			writeJSON(w, http.StatusServiceUnavailable, `{"type":"out_of_stock","message":"down","resource":"zone"}`)
		case "nl-ams-1":
			(&pagedList{total: 3, counted: true}).ServeHTTP(w, r)
		default:
			(&pagedList{total: 120, counted: true}).ServeHTTP(w, r)
		}
	}), scaleway.WithRetryPolicy(scaleway.NoRetries))

	one, err := c.ListImagesInZones(t.Context(), []scaleway.Zone{"fr-par-1", "nl-ams-1", "pl-waw-2"}, nil, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Items) != 53 || one.TotalCount != 123 {
		t.Errorf("first pages: %d images of %d, want 53 of 123", len(one.Items), one.TotalCount)
	}
	if one.Items[0].Zone != "fr-par-1" || one.Items[50].Zone != "nl-ams-1" {
		t.Errorf("images not in zone order")
	}
	if len(one.Failures) != 1 || one.Failures[0].Zone != "pl-waw-2" {
		t.Errorf("failures = %+v", one.Failures)
	}

	all, err := c.ListImagesInZones(t.Context(), []scaleway.Zone{"fr-par-1", "nl-ams-1"}, nil, true, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) != 100 || !all.Truncated {
		t.Errorf("capped walk: %d images, truncated %v", len(all.Items), all.Truncated)
	}

	if _, err := c.ListImagesInZones(t.Context(), []scaleway.Zone{"pl-waw-2"}, nil, false, 0); err == nil {
		t.Errorf("every zone failed but no error")
	}
}

func TestListImagesInZonesSharesTheWorkerBudget(t *testing.T) {
	t.Parallel()
	srv := &pagedList{total: 300, counted: true, delay: 5 * time.Millisecond}
	c := newTestClient(t, srv, scaleway.WithListWorkers(4))
	n := uint32(50)
	got, err := c.ListImagesInZones(t.Context(), scaleway.Zones, &scaleway.ListImagesRequest{PerPage: &n}, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 10*300 || got.Pages != 10*6 {
		t.Fatalf("%d images in %d pages, want 3000 in 60", len(got.Items), got.Pages)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.maxInFlight > 4 {
		t.Errorf("%d requests in flight at once, want at most the 4 workers", srv.maxInFlight)
	}
}

func TestFakeListImagesInZones(t *testing.T) {
	t.Parallel()
	const perZone = 117
	reversed := slices.Clone(scaleway.Zones)
	slices.Reverse(reversed)
	tests := []struct {
		name      string
		zones     []scaleway.Zone
		req       *scaleway.ListImagesRequest
		allPages  bool
		maxItems  int
		faults    int // leading list requests answered 403, with no retries
		wantLen   int
		wantTotal int
		wantPages int
		truncated bool
		failures  int
	}{
		{name: "every page of every zone", zones: scaleway.Zones, allPages: true, wantLen: 10 * perZone, wantTotal: 10 * perZone, wantPages: 20},
		{name: "zones in the caller's order", zones: reversed, allPages: true, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](50)}, wantLen: 10 * perZone, wantTotal: 10 * perZone, wantPages: 30},
		{name: "first page of every zone", zones: scaleway.Zones, wantLen: 10 * 50, wantTotal: 10 * perZone, wantPages: 10},
		{name: "filtered", zones: scaleway.Zones, allPages: true, req: &scaleway.ListImagesRequest{Tags: ptr("prod")}, wantLen: 20, wantTotal: 20, wantPages: 10},
		{name: "capped", zones: scaleway.Zones, allPages: true, maxItems: 150, wantLen: 150, wantTotal: 10 * perZone, wantPages: 20, truncated: true},
		{name: "one zone fails", zones: scaleway.Zones, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](100)}, faults: 1, wantLen: 9 * 100, wantTotal: 9 * perZone, wantPages: 9, failures: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
			opts := []scaleway.Option{}
			if tt.faults > 0 {
				opts = append(opts, scaleway.WithRetryPolicy(scaleway.NoRetries))
				for range tt.faults {
					srv.Script(scalewaytest.RouteListImages, scalewaytest.ErrorAnswer(http.StatusForbidden, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"}))
				}
			}
			c := newClient(t, srv, opts...)

			got, err := c.ListImagesInZones(t.Context(), tt.zones, tt.req, tt.allPages, tt.maxItems)
			if err != nil {
				t.Fatalf("ListImagesInZones: %v", err)
			}
			if len(got.Items) != tt.wantLen || got.TotalCount != tt.wantTotal || got.Pages != tt.wantPages || got.Truncated != tt.truncated || len(got.Failures) != tt.failures {
				t.Errorf("got %d images of %d in %d pages, truncated %v, %d failures; want %d of %d in %d, truncated %v, %d failures",
					len(got.Items), got.TotalCount, got.Pages, got.Truncated, len(got.Failures), tt.wantLen, tt.wantTotal, tt.wantPages, tt.truncated, tt.failures)
			}
			if got := srv.RequestCount(scalewaytest.RouteListImages); got != tt.wantPages+tt.faults {
				t.Errorf("fake received %d list requests, want %d", got, tt.wantPages+tt.faults)
			}
			failed := map[scaleway.Zone]bool{}
			for _, f := range got.Failures {
				apiError(t, f.Err, http.StatusForbidden, scaleway.TypePermissionsDenied)
				failed[f.Zone] = true
			}
			// The merged list is each zone's list, in the caller's zone
			// order, cut at the cap.
			var want []string
			for _, z := range tt.zones {
				if failed[z] {
					continue
				}
				var kept []scaleway.Image
				for _, img := range srv.Images(z) {
					if tt.req == nil || tt.req.Tags == nil || slices.Contains(img.Tags, *tt.req.Tags) {
						kept = append(kept, img)
					}
				}
				if !tt.allPages {
					perPage := scaleway.DefaultPerPage
					if tt.req != nil && tt.req.PerPage != nil {
						perPage = int(*tt.req.PerPage)
					}
					kept = kept[:min(perPage, len(kept))]
				}
				want = append(want, fakeIDs(kept)...)
			}
			want = want[:min(len(want), tt.wantLen)]
			if ids := imageIDs(got.Items); !slices.Equal(ids, want) {
				t.Errorf("merged ids differ from the zones' lists in order (%d vs %d ids)", len(ids), len(want))
			}
		})
	}

	t.Run("every zone fails", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{})
		c := newClient(t, srv, scaleway.WithRetryPolicy(scaleway.NoRetries))
		zones := []scaleway.Zone{"fr-par-2", "nl-ams-1"}
		for range zones {
			srv.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(http.StatusServiceUnavailable))
		}
		got, err := c.ListImagesInZones(t.Context(), zones, nil, true, 0)
		if got != nil {
			t.Errorf("got a result despite every zone failing: %+v", got)
		}
		apiError(t, err, http.StatusServiceUnavailable, "server_error")
	})
}

// TestListSnapshotsInZones: both APIs get the same filter (the Block one
// newest first), the private images are read beside them, and a list that
// fails leaves the others.
func TestListSnapshotsInZones(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	srv.Script(scalewaytest.RouteListBlockSnapshots, scalewaytest.ServerError(http.StatusInternalServerError))
	c := newClient(t, srv)
	read, err := c.ListSnapshotsInZones(t.Context(), []scaleway.Zone{zone}, scaleway.SnapshotFilter{Name: ptr("snap"), Project: ptr(scalewaytest.DefaultProjectID)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	z := read[0]
	if z.Zone != zone || z.Instance == nil || z.InstanceErr != nil || z.Images == nil || z.ImagesErr != nil {
		t.Errorf("zone %s: instance %v (%v), images %v (%v); want both read", z.Zone, z.Instance, z.InstanceErr, z.Images, z.ImagesErr)
	}
	if z.Block != nil || z.BlockErr == nil {
		t.Errorf("block = %v, %v; want the scripted failure", z.Block, z.BlockErr)
	}
	want := map[scalewaytest.Route]string{
		scalewaytest.RouteListSnapshots:      "name=snap&page=1&per_page=100&project=" + scalewaytest.DefaultProjectID,
		scalewaytest.RouteListBlockSnapshots: "name=snap&order_by=created_at_desc&page=1&page_size=100&project_id=" + scalewaytest.DefaultProjectID,
		scalewaytest.RouteListImages:         "page=1&per_page=100&public=false",
	}
	for _, r := range srv.Requests() {
		if q, _ := url.ParseQuery(r.RawQuery); q.Encode() != want[r.Route] {
			t.Errorf("%s: query %s; want %s", r.Route, q.Encode(), want[r.Route])
		}
		delete(want, r.Route)
	}
	if len(want) != 0 {
		t.Errorf("never asked: %v", want)
	}
}
