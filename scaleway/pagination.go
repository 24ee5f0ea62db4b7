package scaleway

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
)

// AllPages is the result of a list that walked every page.
type AllPages[T any] struct {
	Items []T
	// TotalCount is how many items matched, as the API counts them
	// (X-Total-Count, or total_count in the Block API's body).
	TotalCount int
	// Truncated says that a cap stopped the walk before every item was
	// read: the caller's item cap, or the client's page or byte budget
	// (WithMaxPages, WithMaxListBytes).
	Truncated bool
	Pages     int // pages whose items are in Items
}

// ListAllImages walks every page of the zone's images (see walkPages),
// and returns at most maxItems of them (0 means no cap). The caller's
// per_page is kept, and defaults to 100 to keep round trips few; the
// caller's page is ignored.
func (c *Client) ListAllImages(ctx context.Context, zone Zone, r *ListImagesRequest, maxItems int) (*AllPages[*Image], error) {
	req := imagesWalk(r)
	if err := checkList(zone, &req); err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	return c.walkImages(ctx, zone, req, maxItems)
}

// imagesWalk is the first request of a walk of every page of r: r's
// filters and per_page (100 if none), page 1.
func imagesWalk(r *ListImagesRequest) ListImagesRequest {
	req := ListImagesRequest{}
	if r != nil {
		req = *r
	}
	req.Page, req.PerPage = firstPage(), orMaxPerPage(req.PerPage)
	return req
}

// walkImages walks the pages of req, whose zone and filters are checked.
func (c *Client) walkImages(ctx context.Context, zone Zone, req ListImagesRequest, maxItems int) (*AllPages[*Image], error) {
	return walkPages(ctx, c, int(*req.PerPage), maxItems, func(ctx context.Context, page int32) (listedPage[*Image], error) {
		r := req
		r.Page = &page
		got, resp, err := c.listImages(ctx, zone, &r)
		if err != nil {
			return listedPage[*Image]{}, err
		}
		return headerCounted(got.Images, got.TotalCount, resp), nil
	})
}

// ListAllSnapshots walks every page of the zone's Instance snapshots, as
// ListAllImages does images: per_page defaults to 100, the page is
// ignored, at most maxItems are returned (0 means no cap).
func (c *Client) ListAllSnapshots(ctx context.Context, zone Zone, r *ListSnapshotsRequest, maxItems int) (*AllPages[*Snapshot], error) {
	req := ListSnapshotsRequest{}
	if r != nil {
		req = *r
	}
	req.Page, req.PerPage = firstPage(), orMaxPerPage(req.PerPage)
	if err := checkList(zone, &req); err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	return c.walkSnapshots(ctx, zone, req, maxItems)
}

// walkSnapshots walks the pages of req, whose zone and filters are checked.
func (c *Client) walkSnapshots(ctx context.Context, zone Zone, req ListSnapshotsRequest, maxItems int) (*AllPages[*Snapshot], error) {
	return walkPages(ctx, c, int(*req.PerPage), maxItems, func(ctx context.Context, page int32) (listedPage[*Snapshot], error) {
		r := req
		r.Page = &page
		got, resp, err := c.listSnapshots(ctx, zone, &r)
		if err != nil {
			return listedPage[*Snapshot]{}, err
		}
		return headerCounted(got.Snapshots, got.TotalCount, resp), nil
	})
}

// ListAllBlockSnapshots walks every page of the zone's Block Storage
// snapshots, as ListAllImages does images: page_size defaults to 100, the
// page is ignored, at most maxItems are returned (0 means no cap). The
// Block API counts in the body; a count smaller than the page it came
// with, or beyond any account's (maxTotalCount), is no count, and the walk
// then goes on until a short page.
func (c *Client) ListAllBlockSnapshots(ctx context.Context, zone Zone, r *ListBlockSnapshotsRequest, maxItems int) (*AllPages[*BlockSnapshot], error) {
	req := ListBlockSnapshotsRequest{}
	if r != nil {
		req = *r
	}
	req.Page, req.PageSize = firstPage(), orMaxPerPage(req.PageSize)
	if err := checkList(zone, &req); err != nil {
		return nil, fmt.Errorf("listing block snapshots: %w", err)
	}
	return c.walkBlockSnapshots(ctx, zone, req, maxItems)
}

// walkBlockSnapshots walks the pages of req, whose zone and filters are
// checked.
func (c *Client) walkBlockSnapshots(ctx context.Context, zone Zone, req ListBlockSnapshotsRequest, maxItems int) (*AllPages[*BlockSnapshot], error) {
	return walkPages(ctx, c, int(*req.PageSize), maxItems, func(ctx context.Context, page int32) (listedPage[*BlockSnapshot], error) {
		r := req
		r.Page = &page
		got, resp, err := c.listBlockSnapshots(ctx, zone, &r)
		if err != nil {
			return listedPage[*BlockSnapshot]{}, err
		}
		listed := listedPage[*BlockSnapshot]{items: got.Snapshots, bytes: resp.bodyBytes}
		if n := got.TotalCount; n >= uint64(len(got.Snapshots)) && n <= maxTotalCount {
			listed.total, listed.counted = int(n), true
		}
		return listed, nil
	})
}

// PageNumber is n as a list request's page number. A number beyond the
// wire type's range is held at its bound rather than wrapped, so that it
// stays out of range and Validate refuses it, naming the field.
func PageNumber(n int64) *int32 {
	page := int32(min(max(n, math.MinInt32), math.MaxInt32))
	return &page
}

// PageSize is n as a list request's page size, held within the wire
// type's range as PageNumber holds a page number.
func PageSize(n int64) *uint32 {
	size := uint32(min(max(n, 0), math.MaxUint32))
	return &size
}

// firstPage is the page a walk starts from.
func firstPage() *int32 {
	first := int32(1)
	return &first
}

func orMaxPerPage(size *uint32) *uint32 {
	if size != nil {
		return size
	}
	most := uint32(MaxPerPage)
	return &most
}

// listedPage is one page of a walk: its items, the count of the whole
// list that came with it (counted is false when none did), and the size
// of its answer.
type listedPage[T any] struct {
	items   []T
	total   int
	counted bool
	bytes   int
}

// headerCounted is a page of the Instance API, which counts in
// X-Total-Count (list has read and checked it).
func headerCounted[T any](items []T, total uint32, resp *Response) listedPage[T] {
	return listedPage[T]{items: items, total: int(total), counted: resp.Header.Get("X-Total-Count") != "", bytes: resp.bodyBytes}
}

// pageFunc fetches one page of a list.
type pageFunc[T any] func(ctx context.Context, page int32) (listedPage[T], error)

// walkPages fetches page 1, then the remaining pages concurrently (at
// most the client's list workers at once), and returns the items in page
// order, at most maxItems of them (0 means no cap). Without a count it
// walks pages one by one until a short or empty page, as the Python SDK
// does. Whatever the count says, it reads at most the client's max pages,
// and no page after the bytes read pass its byte budget (WithMaxPages,
// WithMaxListBytes); the result then says Truncated.
func walkPages[T any](ctx context.Context, c *Client, perPage, maxItems int, fetch pageFunc[T]) (*AllPages[T], error) {
	first, err := fetch(ctx, 1)
	if err != nil {
		return nil, err
	}
	result := &AllPages[T]{Items: first.items, TotalCount: first.total, Pages: 1}
	if !first.counted {
		return walkSequentially(ctx, c, perPage, maxItems, fetch, result, first.bytes)
	}
	pages, capped := c.plannedPages(result.TotalCount, maxItems, perPage, first.bytes)
	rest, err := fetchPages(ctx, c, fetch, 2, pages)
	if err != nil {
		return nil, err
	}
	kept, dropped := keptPages(c, rest, first.bytes)
	for _, page := range kept {
		result.Items = append(result.Items, page.items...)
	}
	result.Pages += len(kept)
	result.Truncated = capped || dropped
	return capItems(result, maxItems), nil
}

// plannedPages is how many pages to read for total items (at most maxItems
// of them, 0 meaning no cap), and whether the page cap or the byte budget
// cut that short. Pages weigh about what the first one did (firstBytes), so
// no more are planned than the budget holds; keptPages then judges their
// real size.
func (c *Client) plannedPages(total, maxItems, perPage, firstBytes int) (pages int, capped bool) {
	if maxItems > 0 && total > maxItems {
		total = maxItems
	}
	pages = (total + perPage - 1) / perPage
	affordable := c.maxListBytes/max(1, firstBytes) + 1
	if limit := min(c.maxPages, affordable); pages > limit {
		return limit, true
	}
	return pages, false
}

// fetchPages fetches pages from..to (inclusive) concurrently and returns
// them in order. The first failure cancels the pages still in flight.
func fetchPages[T any](ctx context.Context, c *Client, fetch pageFunc[T], from, to int) ([]listedPage[T], error) {
	if to < from {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make([]listedPage[T], to-from+1)
	errs := forEach(ctx, len(pages), c.listWorkers, func(i int) error {
		page, err := fetch(ctx, int32(from+i))
		if err != nil {
			cancel()
			return fmt.Errorf("page %d: %w", from+i, err)
		}
		pages[i] = page
		return nil
	})
	if err := firstCause(errs); err != nil {
		return nil, err
	}
	return pages, nil
}

// keptPages keeps pages in order while the bytes read before each one,
// from spent on, stay within the byte budget: the list holds at most the
// budget and one page, and stays a prefix of the whole. cut reports that
// pages were dropped, when they weighed more than the first one.
func keptPages[T any](c *Client, pages []listedPage[T], spent int) (kept []listedPage[T], cut bool) {
	for i, page := range pages {
		if spent > c.maxListBytes {
			return pages[:i], true
		}
		spent += page.bytes
	}
	return pages, false
}

// forEach calls fn(i) for every i in [0, n), at most workers at once, and
// returns each call's error; a call that could not start before ctx ended
// gets ctx's error.
func forEach(ctx context.Context, n, workers int, fn func(i int) error) []error {
	errs := make([]error, n)
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-slots }()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errs
}

// firstCause prefers a real failure over the cancellations it caused.
func firstCause(errs []error) error {
	var cancelled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled) && cancelled == nil:
			cancelled = err
		case !errors.Is(err, context.Canceled):
			return err
		}
	}
	return cancelled
}

// walkSequentially walks the pages after page 1 (whose answer was spent
// bytes) one by one, until a short page or a cap.
func walkSequentially[T any](ctx context.Context, c *Client, perPage, maxItems int, fetch pageFunc[T], result *AllPages[T], spent int) (*AllPages[T], error) {
	last := len(result.Items)
	for page := int32(2); last == perPage && (maxItems <= 0 || len(result.Items) < maxItems); page++ {
		if result.Pages >= c.maxPages || spent > c.maxListBytes {
			// The last page was full: there may be more.
			result.Truncated = true
			break
		}
		next, err := fetch(ctx, page)
		if err != nil {
			return nil, err
		}
		result.Pages++
		result.Items = append(result.Items, next.items...)
		last = len(next.items)
		spent += next.bytes
	}
	if result.TotalCount < len(result.Items) {
		result.TotalCount = len(result.Items)
	}
	return capItems(result, maxItems), nil
}

func capItems[T any](result *AllPages[T], maxItems int) *AllPages[T] {
	if maxItems > 0 && len(result.Items) > maxItems {
		result.Items = result.Items[:maxItems]
	}
	result.Truncated = result.Truncated || (maxItems > 0 && result.TotalCount > len(result.Items) && len(result.Items) >= maxItems)
	return result
}
