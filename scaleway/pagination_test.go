package scaleway

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pagedImages serves total images named img-0000... over page/per_page,
// recording the pages asked for and the most requests in flight at once.
type pagedImages struct {
	total       int
	totalHeader bool
	delay       time.Duration

	mu          sync.Mutex
	pages       []int
	inFlight    int
	maxInFlight int
}

func (p *pagedImages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.inFlight++
	p.maxInFlight = max(p.maxInFlight, p.inFlight)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	p.pages = append(p.pages, page)
	p.mu.Unlock()
	defer func() { p.mu.Lock(); p.inFlight--; p.mu.Unlock() }()
	time.Sleep(p.delay)

	perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if perPage == 0 {
		perPage = DefaultPerPage
	}
	if page == 0 {
		page = 1
	}
	body := `{"images":[`
	for i := (page - 1) * perPage; i < min(page*perPage, p.total); i++ {
		if i > (page-1)*perPage {
			body += ","
		}
		body += fmt.Sprintf(`{"id":"00000000-0000-0000-0000-%012d","name":"img-%04d","zone":"%s"}`, i, i, zoneOf(r))
	}
	body += "]}"
	if p.totalHeader {
		w.Header().Set("X-Total-Count", strconv.Itoa(p.total))
	}
	writeJSON(w, http.StatusOK, body)
}

func zoneOf(r *http.Request) string {
	// /instance/v1/zones/{zone}/images
	return r.URL.Path[len("/instance/v1/zones/") : len(r.URL.Path)-len("/images")]
}

func TestListAllImages(t *testing.T) {
	t.Parallel()
	perPage := func(n uint32) *ListImagesRequest { return &ListImagesRequest{PerPage: &n} }
	tests := []struct {
		name          string
		total         int
		totalHeader   bool
		req           *ListImagesRequest
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
			srv := &pagedImages{total: tt.total, totalHeader: tt.totalHeader}
			c := newTestClient(t, srv)
			got, err := c.ListAllImages(t.Context(), "nl-ams-1", tt.req, tt.maxItems)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Images) != tt.wantItems || got.Truncated != tt.wantTruncated || got.Pages != tt.wantPages {
				t.Errorf("got %d items, truncated %v, %d pages; want %d, %v, %d", len(got.Images), got.Truncated, got.Pages, tt.wantItems, tt.wantTruncated, tt.wantPages)
			}
			for i, img := range got.Images {
				if want := fmt.Sprintf("img-%04d", i); img.Name != want {
					t.Fatalf("item %d is %s, want %s: pages out of order", i, img.Name, want)
				}
			}
		})
	}
}

func TestListAllImagesIsConcurrentAndBounded(t *testing.T) {
	t.Parallel()
	srv := &pagedImages{total: 2000, totalHeader: true, delay: 20 * time.Millisecond}
	c := newTestClient(t, srv, WithListWorkers(4))
	n := uint32(100)
	got, err := c.ListAllImages(t.Context(), "fr-par-1", &ListImagesRequest{PerPage: &n}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Images) != 2000 {
		t.Fatalf("%d images", len(got.Images))
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
	paged := &pagedImages{total: 500, totalHeader: true}
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("page") == "3" {
			writeJSON(w, http.StatusForbidden, `{"type":"permissions_denied","message":"insufficient permissions"}`)
			return
		}
		paged.ServeHTTP(w, r)
	}))
	n := uint32(100)
	_, err := c.ListAllImages(t.Context(), "fr-par-1", &ListImagesRequest{PerPage: &n}, 0)
	checkErrKind(t, err, ErrPermissionsDenied)
}

func TestListImagesInZones(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch zoneOf(r) {
		case "pl-waw-2":
			writeJSON(w, http.StatusServiceUnavailable, `{"type":"out_of_stock","message":"down","resource":"zone"}`)
		case "nl-ams-1":
			(&pagedImages{total: 3, totalHeader: true}).ServeHTTP(w, r)
		default:
			(&pagedImages{total: 120, totalHeader: true}).ServeHTTP(w, r)
		}
	}), WithRetryPolicy(NoRetries))

	one, err := c.ListImagesInZones(t.Context(), []Zone{"fr-par-1", "nl-ams-1", "pl-waw-2"}, nil, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Images) != 53 || one.TotalCount != 123 {
		t.Errorf("first pages: %d images of %d, want 53 of 123", len(one.Images), one.TotalCount)
	}
	if one.Images[0].Zone != "fr-par-1" || one.Images[50].Zone != "nl-ams-1" {
		t.Errorf("images not in zone order")
	}
	if len(one.Failures) != 1 || one.Failures[0].Zone != "pl-waw-2" {
		t.Errorf("failures = %+v", one.Failures)
	}

	all, err := c.ListImagesInZones(t.Context(), []Zone{"fr-par-1", "nl-ams-1"}, nil, true, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Images) != 100 || !all.Truncated {
		t.Errorf("capped walk: %d images, truncated %v", len(all.Images), all.Truncated)
	}

	if _, err := c.ListImagesInZones(t.Context(), []Zone{"pl-waw-2"}, nil, false, 0); err == nil {
		t.Errorf("every zone failed but no error")
	}
}

func TestListImagesInZonesSharesTheWorkerBudget(t *testing.T) {
	t.Parallel()
	srv := &pagedImages{total: 300, totalHeader: true, delay: 5 * time.Millisecond}
	c := newTestClient(t, srv, WithListWorkers(4))
	n := uint32(50)
	got, err := c.ListImagesInZones(t.Context(), Zones, &ListImagesRequest{PerPage: &n}, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Images) != 10*300 || got.Pages != 10*6 {
		t.Fatalf("%d images in %d pages, want 3000 in 60", len(got.Images), got.Pages)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.maxInFlight > 4 {
		t.Errorf("%d requests in flight at once, want at most the 4 workers", srv.maxInFlight)
	}
}
