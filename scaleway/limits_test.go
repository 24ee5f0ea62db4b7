package scaleway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// concurrencyMeter counts the requests in flight at once. Each request
// waits until limit of them have been in flight together once, so that a
// client that allows limit at once is seen to reach it.
type concurrencyMeter struct {
	next  http.Handler
	limit int

	mu       sync.Mutex
	inFlight int
	max      int
	full     chan struct{} // closed once limit requests are in flight
	once     sync.Once
}

func (m *concurrencyMeter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.inFlight++
	m.max = max(m.max, m.inFlight)
	if m.inFlight >= m.limit {
		m.once.Do(func() { close(m.full) })
	}
	m.mu.Unlock()
	defer func() { m.mu.Lock(); m.inFlight--; m.mu.Unlock() }()
	<-m.full
	m.next.ServeHTTP(w, r)
}

// TestMaxInFlightBoundsEveryCall makes many calls at once through one
// client, single gets and list fan-outs over every zone: never more than
// the limit are in flight, and the limit is reached.
func TestMaxInFlightBoundsEveryCall(t *testing.T) {
	t.Parallel()
	const limit = 3
	images := &pagedList{total: 50, counted: true}
	meter := &concurrencyMeter{limit: limit, full: make(chan struct{}), next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/images") {
			images.ServeHTTP(w, r)
			return
		}
		writeJSON(w, http.StatusOK, imageBody)
	})}
	c := newTestClient(t, meter, scaleway.WithMaxInFlight(limit))
	perPage := uint32(10)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 10 {
		wg.Go(func() {
			_, _, err := c.GetImage(t.Context(), "fr-par-1", testImage)
			errs <- err
		})
		wg.Go(func() {
			_, err := c.ListImagesInZones(t.Context(), scaleway.Zones, &scaleway.ListImagesRequest{PerPage: &perPage}, true, 0)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	meter.mu.Lock()
	defer meter.mu.Unlock()
	if meter.max != limit {
		t.Errorf("at most %d requests in flight at once, want exactly the limit, %d", meter.max, limit)
	}
}

// TestWaitForASlotIsCancellable: with the only slot taken by a held
// request, a call cancelled while it waits returns the cancellation at
// once and sends nothing, write or not.
func TestWaitForASlotIsCancellable(t *testing.T) {
	t.Parallel()
	for _, m := range everyMethod {
		t.Run(m.method, func(t *testing.T) {
			t.Parallel()
			upstream := newHeldUpstream()
			c := newTestClient(t, upstream, scaleway.WithMaxInFlight(1))
			holder := make(chan error, 1)
			go func() { _, _, err := c.GetImage(t.Context(), "fr-par-1", testImage); holder <- err }()
			<-upstream.arrived

			ctx, cancel := context.WithCancel(t.Context())
			waiter := make(chan error, 1)
			go func() { waiter <- m.call(ctx, c) }()
			cancel()
			// It returns while the slot is still taken: the wait ended.
			if err := <-waiter; !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want the cancellation", err)
			}
			close(upstream.release)
			if err := <-holder; err != nil {
				t.Errorf("the call holding the slot failed: %v", err)
			}
			if got := upstream.hits.Load(); got != 1 {
				t.Errorf("upstream saw %d requests, want only the holder's", got)
			}
		})
	}
}

// TestLimitsMustBePositive: NewClient refuses a limit below 1.
func TestLimitsMustBePositive(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opt  scaleway.Option
		want string
	}{
		{scaleway.WithMaxInFlight(0), "max requests in flight must be at least 1, got 0"},
		{scaleway.WithMaxPages(0), "max pages must be at least 1, got 0"},
		{scaleway.WithMaxListBytes(-1), "max list bytes must be at least 1, got -1"},
	}
	for _, tt := range tests {
		if _, err := scaleway.NewClient(tt.opt); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
}

// TestListAllImagesPageCap: a walk reads at most the client's max pages,
// with or without X-Total-Count, and says when that cut the list.
func TestListAllImagesPageCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		total         int
		counted       bool
		wantImages    int
		wantTruncated bool
	}{
		{"counted, cut by the cap", 1000, true, 50, true},
		{"counted, within the cap", 30, true, 30, false},
		{"counted, exactly the cap", 50, true, 50, false},
		{"uncounted, cut by the cap", 1000, false, 50, true},
		{"uncounted, within the cap", 30, false, 30, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := &pagedList{total: tt.total, counted: tt.counted}
			c := newTestClient(t, srv, scaleway.WithMaxPages(5))
			perPage := uint32(10)
			got, err := c.ListAllImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &perPage}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != tt.wantImages || got.Truncated != tt.wantTruncated {
				t.Errorf("%d images, truncated %v; want %d, %v", len(got.Items), got.Truncated, tt.wantImages, tt.wantTruncated)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if len(srv.pages) > 5 || got.Pages != len(srv.pages) {
				t.Errorf("%d requests, %d pages in the result; want at most the 5 of the cap, all kept", len(srv.pages), got.Pages)
			}
		})
	}
}

// TestListImagesInZonesSharesThePageCap: the zones split the cap, so that
// one call makes at most max pages requests (one page a zone at least).
func TestListImagesInZonesSharesThePageCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		maxPages     int
		wantRequests int // over the 10 zones
	}{
		{100, 100}, // 10 pages a zone: every page
		{20, 20},   // 2 pages a zone
		{5, 10},    // fewer pages than zones: page 1 of each
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.maxPages), func(t *testing.T) {
			t.Parallel()
			srv := &pagedList{total: 100, counted: true}
			c := newTestClient(t, srv, scaleway.WithMaxPages(tt.maxPages))
			perPage := uint32(10)
			got, err := c.ListImagesInZones(t.Context(), scaleway.Zones, &scaleway.ListImagesRequest{PerPage: &perPage}, true, 0)
			if err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			wantTruncated := tt.wantRequests < 100
			if len(srv.pages) != tt.wantRequests || len(got.Items) != 10*tt.wantRequests || got.Truncated != wantTruncated {
				t.Errorf("%d requests, %d images, truncated %v; want %d, %d, %v", len(srv.pages), len(got.Items), got.Truncated, tt.wantRequests, 10*tt.wantRequests, wantTruncated)
			}
		})
	}
}

// pageBytes is the size of one page of pagedList, whose pages all weigh
// the same.
func pageBytes(t *testing.T, srv *pagedList, perPage uint32) int {
	t.Helper()
	c := newTestClient(t, srv)
	_, resp, err := c.ListImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &perPage})
	if err != nil {
		t.Fatal(err)
	}
	return resp.BodyBytes()
}

// TestListAllImagesByteBudget: a walk stops after the page that takes it
// past the byte budget, and says the list is cut.
func TestListAllImagesByteBudget(t *testing.T) {
	t.Parallel()
	perPage := uint32(10)
	page := pageBytes(t, &pagedList{total: 1000, counted: true}, perPage)
	tests := []struct {
		name      string
		counted   bool
		budget    int
		wantPages int
	}{
		{"counted", true, 2*page + page/2, 3},
		{"uncounted", false, 2*page + page/2, 3},
		{"first page over the budget", true, page / 2, 1},
		{"budget of exactly two pages", true, 2 * page, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := &pagedList{total: 1000, counted: tt.counted}
			c := newTestClient(t, srv, scaleway.WithMaxListBytes(tt.budget))
			got, err := c.ListAllImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &perPage}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got.Pages != tt.wantPages || len(got.Items) != 10*tt.wantPages || !got.Truncated {
				t.Errorf("%d pages, %d images, truncated %v; want %d, %d, true", got.Pages, len(got.Items), got.Truncated, tt.wantPages, 10*tt.wantPages)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if len(srv.pages) != tt.wantPages {
				t.Errorf("%d requests, want %d", len(srv.pages), tt.wantPages)
			}
		})
	}
}

// TestListAllImagesByteBudgetWeighsEveryPage: pages heavier than the first
// are judged by their real size.
func TestListAllImagesByteBudgetWeighsEveryPage(t *testing.T) {
	t.Parallel()
	light := &pagedList{total: 1000, counted: true}
	heavy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			light.ServeHTTP(w, r)
			return
		}
		var images []string
		for range 10 {
			images = append(images, fmt.Sprintf(`{"id":%q,"name":%q}`, testImage, strings.Repeat("n", 2000)))
		}
		w.Header().Set("X-Total-Count", "1000")
		writeJSON(w, http.StatusOK, `{"images":[`+strings.Join(images, ",")+`]}`)
	})
	perPage := uint32(10)
	page := pageBytes(t, light, perPage)
	c := newTestClient(t, heavy, scaleway.WithMaxListBytes(3*page))
	got, err := c.ListAllImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &perPage}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Four pages planned on the first one's weight; the second weighs
	// past the budget, so the third and fourth are dropped.
	if got.Pages != 2 || len(got.Items) != 20 || !got.Truncated {
		t.Errorf("%d pages, %d images, truncated %v; want 2, 20, true", got.Pages, len(got.Items), got.Truncated)
	}
}

// TestInvalidTotalCount: an X-Total-Count that is not a count, or not a
// believable one, fails the list instead of being read as 0.
func TestInvalidTotalCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header  string
		wantErr bool
	}{
		{"1e12", true},
		{"-1", true},
		{"+5", true},
		{"0x10", true},
		{"five", true},
		{"1000001", true},
		{"18446744073709551616", true},
		{"1000000", false},
		{"007", false},
		{"0", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Total-Count", tt.header)
				writeJSON(w, http.StatusOK, `{"images":[],"snapshots":[]}`)
			}))
			_, _, listErr := c.ListImages(t.Context(), "fr-par-1", nil)
			_, allErr := c.ListAllImages(t.Context(), "fr-par-1", nil, 0)
			_, _, snapErr := c.ListSnapshots(t.Context(), "fr-par-1", nil)
			for name, err := range map[string]error{"ListImages": listErr, "ListAllImages": allErr, "ListSnapshots": snapErr} {
				if !tt.wantErr {
					if err != nil {
						t.Errorf("%s: %v", name, err)
					}
					continue
				}
				checkErrKind(t, err, scaleway.TypeUnknown)
				if err != nil && !strings.Contains(err.Error(), "invalid X-Total-Count header "+strconv.Quote(tt.header)) {
					t.Errorf("%s: message %q does not name the header and its value", name, err)
				}
			}
		})
	}
}

// TestPageLargerThanAskedIsAnUpstreamError: the API never answers a page
// with more items than asked for; a hostile upstream would, to make one
// call hold all the answer cap allows.
func TestPageLargerThanAskedIsAnUpstreamError(t *testing.T) {
	t.Parallel()
	images := strings.TrimSuffix(strings.Repeat(`{"id":"`+testImage+`"},`, 3), ",")
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"images":[`+images+`],"snapshots":[`+images+`]}`)
	}))
	two, hundred := uint32(2), uint32(100)
	tests := []struct {
		name string
		call func() error
		ok   bool
	}{
		{"images, per_page 2", func() error {
			_, _, err := c.ListImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &two})
			return err
		}, false},
		{"snapshots, per_page 2", func() error {
			_, _, err := c.ListSnapshots(t.Context(), "fr-par-1", &scaleway.ListSnapshotsRequest{PerPage: &two})
			return err
		}, false},
		{"block snapshots, page_size 2", func() error {
			_, _, err := c.ListBlockSnapshots(t.Context(), "fr-par-1", &scaleway.ListBlockSnapshotsRequest{PageSize: &two})
			return err
		}, false},
		{"images, per_page 100", func() error {
			_, _, err := c.ListImages(t.Context(), "fr-par-1", &scaleway.ListImagesRequest{PerPage: &hundred})
			return err
		}, true},
		{"images, no per_page", func() error { _, _, err := c.ListImages(t.Context(), "fr-par-1", nil); return err }, true},
	}
	for _, tt := range tests {
		err := tt.call()
		if tt.ok != (err == nil) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "a page of 3") {
			t.Errorf("%s: message %q does not say what came", tt.name, err)
		}
	}
}
