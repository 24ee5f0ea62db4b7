package scaleway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// pagedList serves total items named item-0000... over the page
// parameters of the path's collection: images and Instance snapshots
// (page, per_page, X-Total-Count) or Block snapshots (page, page_size,
// total_count in the body). When counted is false it gives no count. It
// records the pages asked for and the most requests in flight at once.
type pagedList struct {
	total   int
	counted bool
	delay   time.Duration

	mu          sync.Mutex
	pages       []int
	inFlight    int
	maxInFlight int
}

func (p *pagedList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.inFlight++
	p.maxInFlight = max(p.maxInFlight, p.inFlight)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	p.pages = append(p.pages, page)
	p.mu.Unlock()
	defer func() { p.mu.Lock(); p.inFlight--; p.mu.Unlock() }()
	time.Sleep(p.delay)

	block := strings.HasPrefix(r.URL.Path, "/block/")
	sizeParam := "per_page"
	if block {
		sizeParam = "page_size"
	}
	perPage, _ := strconv.Atoi(r.URL.Query().Get(sizeParam))
	if perPage == 0 {
		perPage = scaleway.DefaultPerPage
	}
	if page == 0 {
		page = 1
	}
	var items []string
	for i := (page - 1) * perPage; i < min(page*perPage, p.total); i++ {
		items = append(items, fmt.Sprintf(`{"id":"00000000-0000-0000-0000-%012d","name":"item-%04d","zone":"%s"}`, i, i, zoneOf(r)))
	}
	collection := path.Base(r.URL.Path)
	body := fmt.Sprintf(`{%q:[%s]}`, collection, strings.Join(items, ","))
	switch {
	case block && p.counted:
		body = fmt.Sprintf(`{%q:[%s],"total_count":%d}`, collection, strings.Join(items, ","), p.total)
	case p.counted:
		w.Header().Set("X-Total-Count", strconv.Itoa(p.total))
	}
	writeJSON(w, http.StatusOK, body)
}

// zoneOf is the zone of a collection path: /{api}/{version}/zones/{zone}/{collection}.
func zoneOf(r *http.Request) string {
	return strings.Split(r.URL.Path, "/")[4]
}

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
