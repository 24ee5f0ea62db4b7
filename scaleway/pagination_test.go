package scaleway_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func TestListAllImages(t *testing.T) {
	t.Parallel()
	perPage := func(n uint32) *scaleway.ListImagesRequest { return &scaleway.ListImagesRequest{PerPage: &n} }
	tests := []struct {
		name          string
		total         int
		counted       bool
		req           *scaleway.ListImagesRequest
		maxItems      int
		wantItems     int
		wantTruncated bool
		wantPages     int
	}{
		{"1000 in pages of 100", 1000, true, perPage(100), 0, 1000, false, 10},
		{"default page size is 100", 250, true, nil, 0, 250, false, 3},
		{"cap cuts the list", 1000, true, perPage(100), 250, 250, true, 3},
		{"cap above total", 30, true, perPage(10), 100, 30, false, 3},
		{"cap equal to total", 30, true, perPage(10), 30, 30, false, 3},
		{"empty", 0, true, perPage(10), 0, 0, false, 1},
		{"exact multiple", 40, true, perPage(10), 0, 40, false, 4},
		{"no X-Total-Count walks until a short page", 25, false, perPage(10), 0, 25, false, 3},
		{"no X-Total-Count, exact multiple asks one page past the end", 20, false, perPage(10), 0, 20, false, 3},
		{"no X-Total-Count with a cap", 100, false, perPage(10), 35, 35, true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := &pagedList{total: tt.total, counted: tt.counted}
			c := newTestClient(t, srv)
			got, err := c.ListAllImages(t.Context(), "nl-ams-1", tt.req, tt.maxItems)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != tt.wantItems || got.Truncated != tt.wantTruncated || got.Pages != tt.wantPages {
				t.Errorf("got %d items, truncated %v, %d pages; want %d, %v, %d", len(got.Items), got.Truncated, got.Pages, tt.wantItems, tt.wantTruncated, tt.wantPages)
			}
			for i, img := range got.Items {
				if want := fmt.Sprintf("item-%04d", i); img.Name != want {
					t.Fatalf("item %d is %s, want %s: pages out of order", i, img.Name, want)
				}
			}
		})
	}
}

// walked is what a test reads of an all-pages list, whatever its items.
type walked struct {
	names     []string
	total     int
	pages     int
	truncated bool
}

func walkedOf[T any](all *scaleway.AllPages[T], err error, name func(T) string) (walked, error) {
	if err != nil {
		return walked{}, err
	}
	w := walked{total: all.TotalCount, pages: all.Pages, truncated: all.Truncated}
	for _, item := range all.Items {
		w.names = append(w.names, name(item))
	}
	return w, nil
}

// TestEveryListWalksAlike: the three all-pages lists walk their pages the
// same way, each with its API's page parameters and count (X-Total-Count,
// or total_count in the Block API's body), and the same caps. A Block
// answer without a count is walked until a short page.
func TestEveryListWalksAlike(t *testing.T) {
	t.Parallel()
	const zone = "nl-ams-1"
	lists := map[string]func(ctx context.Context, c *scaleway.Client, maxItems int) (walked, error){
		"images": func(ctx context.Context, c *scaleway.Client, maxItems int) (walked, error) {
			all, err := c.ListAllImages(ctx, zone, nil, maxItems)
			return walkedOf(all, err, func(img *scaleway.Image) string { return img.Name })
		},
		"snapshots": func(ctx context.Context, c *scaleway.Client, maxItems int) (walked, error) {
			all, err := c.ListAllSnapshots(ctx, zone, nil, maxItems)
			return walkedOf(all, err, func(snap *scaleway.Snapshot) string { return snap.Name })
		},
		"block snapshots": func(ctx context.Context, c *scaleway.Client, maxItems int) (walked, error) {
			all, err := c.ListAllBlockSnapshots(ctx, zone, nil, maxItems)
			return walkedOf(all, err, func(snap *scaleway.BlockSnapshot) string { return snap.Name })
		},
	}
	tests := []struct {
		name          string
		total         int
		counted       bool
		maxItems      int
		wantItems     int
		wantPages     int
		wantTruncated bool
	}{
		{"250 in pages of 100", 250, true, 0, 250, 3, false},
		{"the item cap cuts", 1000, true, 150, 150, 2, true},
		{"empty", 0, true, 0, 0, 1, false},
		{"no count: until a short page", 250, false, 0, 250, 3, false},
		{"no count, with the item cap", 1000, false, 150, 150, 2, true},
	}
	for list, walk := range lists {
		for _, tt := range tests {
			t.Run(list+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c := newTestClient(t, &pagedList{total: tt.total, counted: tt.counted})
				got, err := walk(t.Context(), c, tt.maxItems)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.names) != tt.wantItems || got.pages != tt.wantPages || got.truncated != tt.wantTruncated || got.total < len(got.names) {
					t.Errorf("got %d items of %d, %d pages, truncated %v; want %d, %d, %v", len(got.names), got.total, got.pages, got.truncated, tt.wantItems, tt.wantPages, tt.wantTruncated)
				}
				for i, name := range got.names {
					if want := fmt.Sprintf("item-%04d", i); name != want {
						t.Fatalf("item %d is %s, want %s: pages out of order", i, name, want)
					}
				}
			})
		}
	}
}

func TestListAllImagesIsConcurrentAndBounded(t *testing.T) {
	t.Parallel()
	srv := &pagedList{total: 2000, counted: true, delay: 20 * time.Millisecond}
	c := newTestClient(t, srv, scaleway.WithListWorkers(4))
	n := uint32(100)
	got, err := c.ListAllImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &n}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 2000 {
		t.Fatalf("%d images", len(got.Items))
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.maxInFlight < 2 || srv.maxInFlight > 4 {
		t.Errorf("max pages in flight = %d, want between 2 and the 4 workers", srv.maxInFlight)
	}
	if srv.pages[0] != 1 {
		t.Errorf("first page fetched was %d, want 1", srv.pages[0])
	}
}

func TestListAllImagesFailsOnAPageError(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	paged := &pagedList{total: 500, counted: true}
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("page") == "3" {
			writeJSON(w, http.StatusForbidden, `{"type":"permissions_denied","message":"insufficient permissions"}`)
			return
		}
		paged.ServeHTTP(w, r)
	}))
	n := uint32(100)
	_, err := c.ListAllImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &n}, 0)
	checkErrKind(t, err, scaleway.TypePermissionsDenied)
}

// walkPages lists page after page with ListImages until an empty page.
func walkPages(t *testing.T, c *scaleway.Client, z scaleway.Zone, r scaleway.ListImagesRequest) []string {
	t.Helper()
	var ids []string
	for page := int32(1); ; page++ {
		r.Page = &page
		got, _, err := c.ListImages(t.Context(), z, &r)
		if err != nil {
			t.Fatalf("ListImages page %d: %v", page, err)
		}
		if len(got.Images) == 0 {
			return ids
		}
		ids = append(ids, imageIDs(got.Images)...)
	}
}

func TestFakeListAllImages(t *testing.T) {
	t.Parallel()
	// 1,000 extra images over 10 zones: 100 in each, plus the 14
	// marketplace and 3 project images seeded in every zone.
	const perZone = 117
	tests := []struct {
		name      string
		zone      scaleway.Zone
		req       *scaleway.ListImagesRequest
		maxItems  int
		wantLen   int
		wantTotal int
		wantPages int
		truncated bool
	}{
		{name: "default page size 100", zone: zone, wantLen: perZone, wantTotal: perZone, wantPages: 2},
		{name: "per_page 10", zone: "nl-ams-3", req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, wantLen: perZone, wantTotal: perZone, wantPages: 12},
		{name: "per_page 7", zone: "it-mil-1", req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](7)}, wantLen: perZone, wantTotal: perZone, wantPages: 17},
		{name: "per_page 1 stops at the page cap", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](1)}, wantLen: scaleway.DefaultMaxPages, wantTotal: perZone, wantPages: scaleway.DefaultMaxPages, truncated: true},
		{name: "caller's page is ignored", zone: zone, req: &scaleway.ListImagesRequest{Page: ptr[int32](3), PerPage: ptr[uint32](50)}, wantLen: perZone, wantTotal: perZone, wantPages: 3},
		{name: "filtered by project", zone: "pl-waw-2", req: &scaleway.ListImagesRequest{Project: ptr(scalewaytest.DefaultProjectID), PerPage: ptr[uint32](25)}, wantLen: 103, wantTotal: 103, wantPages: 5},
		{name: "filter matching nothing", zone: zone, req: &scaleway.ListImagesRequest{Name: ptr("nothing-matches")}, wantLen: 0, wantTotal: 0, wantPages: 1},
		{name: "cap within the first page", zone: zone, maxItems: 50, wantLen: 50, wantTotal: perZone, wantPages: 1, truncated: true},
		{name: "cap across pages", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, maxItems: 25, wantLen: 25, wantTotal: perZone, wantPages: 3, truncated: true},
		{name: "cap on a page boundary", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, maxItems: 30, wantLen: 30, wantTotal: perZone, wantPages: 3, truncated: true},
		{name: "cap equal to the total", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](20)}, maxItems: perZone, wantLen: perZone, wantTotal: perZone, wantPages: 6},
		{name: "cap above the total", zone: zone, maxItems: 1000, wantLen: perZone, wantTotal: perZone, wantPages: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
			c := newClient(t, srv)
			var req scaleway.ListImagesRequest
			if tt.req != nil {
				req = *tt.req
			}

			all, err := c.ListAllImages(t.Context(), tt.zone, tt.req, tt.maxItems)
			if err != nil {
				t.Fatalf("ListAllImages: %v", err)
			}
			if len(all.Items) != tt.wantLen || all.TotalCount != tt.wantTotal || all.Pages != tt.wantPages || all.Truncated != tt.truncated {
				t.Errorf("got %d images of %d in %d pages, truncated %v; want %d of %d in %d, truncated %v",
					len(all.Items), all.TotalCount, all.Pages, all.Truncated, tt.wantLen, tt.wantTotal, tt.wantPages, tt.truncated)
			}
			// One request per page, each page asked for once.
			reqs := srv.Requests()
			if len(reqs) != tt.wantPages {
				t.Errorf("fake received %d requests for %d pages", len(reqs), tt.wantPages)
			}
			var pages []int
			for _, r := range reqs {
				q, _ := url.ParseQuery(r.RawQuery)
				n, _ := strconv.Atoi(q.Get("page"))
				pages = append(pages, n)
			}
			slices.Sort(pages)
			for i, n := range pages {
				if n != i+1 {
					t.Errorf("pages requested = %v, want 1..%d once each", pages, tt.wantPages)
					break
				}
			}

			got := imageIDs(all.Items)
			seen := map[string]bool{}
			for _, id := range got {
				if seen[id] {
					t.Errorf("image %s listed twice", id)
				}
				seen[id] = true
			}
			// The same order as walking the pages one after another
			// (with the caller's page size), and as the fake's own list.
			perPage := req.PerPage
			if perPage == nil {
				perPage = ptr[uint32](scaleway.MaxPerPage)
			}
			req.PerPage = perPage
			walked := walkPages(t, c, tt.zone, req)
			if len(walked) != tt.wantTotal {
				t.Fatalf("walking the pages found %d images, want %d", len(walked), tt.wantTotal)
			}
			if !slices.Equal(got, walked[:tt.wantLen]) {
				t.Errorf("ListAllImages order differs from page-by-page order:\n got %v\nwant %v", got, walked[:tt.wantLen])
			}
			for _, img := range all.Items {
				if img.Zone != tt.zone {
					t.Errorf("image %s in zone %s, want %s", img.ID, img.Zone, tt.zone)
				}
			}
		})
	}

	t.Run("order is the fake's list order", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
		c := newClient(t, srv, scaleway.WithListWorkers(3))
		all, err := c.ListAllImages(t.Context(), "fr-par-2", &scaleway.ListImagesRequest{PerPage: ptr[uint32](9)}, 0)
		if err != nil {
			t.Fatalf("ListAllImages: %v", err)
		}
		if got, want := imageIDs(all.Items), fakeIDs(srv.Images("fr-par-2")); !slices.Equal(got, want) {
			t.Errorf("ids differ from the fake's list:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("a failing page fails the call", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
		c := newClient(t, srv, scaleway.WithRetryPolicy(scaleway.NoRetries))
		// Page 1 passes; one of pages 2..12 gets the 403.
		srv.Script(scalewaytest.RouteListImages, scalewaytest.Delay(0), scalewaytest.ErrorAnswer(http.StatusForbidden, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"}))
		all, err := c.ListAllImages(t.Context(), zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, 0)
		if all != nil {
			t.Errorf("got %d images despite a failing page", len(all.Items))
		}
		apiError(t, err, http.StatusForbidden, scaleway.TypePermissionsDenied)
	})
}

// TestPageNumberAndSize: a page number or size beyond the wire types is
// held at their bounds, out of range still, for Validate to refuse.
func TestPageNumberAndSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     int64
		page   int32
		size   uint32
		pageOK bool
		sizeOK bool
	}{
		{1, 1, 1, true, true},
		{100, 100, 100, true, true},
		{0, 0, 0, false, false},
		{-5, -5, 0, false, false},
		{1 << 40, math.MaxInt32, math.MaxUint32, true, false},
		{-1 << 40, math.MinInt32, 0, false, false},
	}
	for _, tt := range tests {
		page, size := scaleway.PageNumber(tt.in), scaleway.PageSize(tt.in)
		if *page != tt.page || *size != tt.size {
			t.Errorf("%d: page %d, size %d; want %d, %d", tt.in, *page, *size, tt.page, tt.size)
		}
		err := (&scaleway.ListImagesRequest{Page: page, PerPage: size}).Validate()
		var fields []string
		for _, v := range scaleway.ValidationErrors(err) {
			fields = append(fields, v.Field)
		}
		if slices.Contains(fields, "page") == tt.pageOK || slices.Contains(fields, "per_page") == tt.sizeOK {
			t.Errorf("%d: refused %v; want page ok %v, per_page ok %v", tt.in, fields, tt.pageOK, tt.sizeOK)
		}
	}
}
