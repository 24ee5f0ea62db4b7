package scaleway

import (
	"context"
	"errors"
	"fmt"
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
	req := ListImagesRequest{}
	if r != nil {
		req = *r
	}
	req.PerPage = orMaxPerPage(req.PerPage)
	return walkPages(ctx, c, int(*req.PerPage), maxItems, func(ctx context.Context, page int32) (listedPage[*Image], error) {
		r := req
		r.Page = &page
		got, resp, err := c.ListImages(ctx, zone, &r)
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
	req.PerPage = orMaxPerPage(req.PerPage)
	return walkPages(ctx, c, int(*req.PerPage), maxItems, func(ctx context.Context, page int32) (listedPage[*Snapshot], error) {
		r := req
		r.Page = &page
		got, resp, err := c.ListSnapshots(ctx, zone, &r)
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
	req.PageSize = orMaxPerPage(req.PageSize)
	return walkPages(ctx, c, int(*req.PageSize), maxItems, func(ctx context.Context, page int32) (listedPage[*BlockSnapshot], error) {
		r := req
		r.Page = &page
		got, resp, err := c.ListBlockSnapshots(ctx, zone, &r)
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

// ZoneFailure is a zone that could not be listed by ListImagesInZones.
type ZoneFailure struct {
	Zone Zone
	Err  error
}

// ZonePages is the merged result of a list over several zones.
type ZonePages struct {
	AllPages[*Image]
	Failures []ZoneFailure // zones that failed; the others are still listed
}

// FanOut runs n parts of one call (the zones of a zone "all" list, say)
// concurrently, at most the client's list workers at once, and returns
// each part's error. Each part gets share: the client with its list
// workers, max pages and list bytes divided among the n parts (at least
// one each), so that the parts together cost what one walk would, and
// ten zones do not become ten times as many requests in flight. Once ctx
// ends it returns ctx's error instead: a cancelled caller gets the
// cancellation, not parts that "failed" because they were still in
// flight when it gave up.
func (c *Client) FanOut(ctx context.Context, n int, part func(ctx context.Context, share *Client, i int) error) ([]error, error) {
	share := *c
	shares := max(1, n)
	share.listWorkers = max(1, c.listWorkers/shares)
	share.maxPages = max(1, c.maxPages/shares)
	share.maxListBytes = max(1, c.maxListBytes/shares)
	errs := forEach(ctx, n, c.listWorkers, func(i int) error { return part(ctx, &share, i) })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return errs, nil
}

// ListImagesInZones lists the zones concurrently (each one page, or every
// page when allPages is set) and merges the images in zone order. A zone
// that fails is reported in Failures; the call fails only when every zone
// does, or when ctx ends. maxItems caps the merged list (0 means no cap).
//
// With allPages, the zones share the client's budgets evenly (FanOut), so
// that one call costs what one zone's walk would: each zone walks at most
// max(1, maxPages/len(zones)) pages (at most maxPages pages in all, or one
// page a zone when there are more zones than pages) and stops once it has
// read more than maxListBytes/len(zones) bytes.
func (c *Client) ListImagesInZones(ctx context.Context, zones []Zone, r *ListImagesRequest, allPages bool, maxItems int) (*ZonePages, error) {
	results := make([]*AllPages[*Image], len(zones))
	errs, err := c.FanOut(ctx, len(zones), func(ctx context.Context, share *Client, i int) error {
		if allPages {
			all, err := share.ListAllImages(ctx, zones[i], r, maxItems)
			results[i] = all
			return err
		}
		page, _, err := share.ListImages(ctx, zones[i], r)
		if err != nil {
			return err
		}
		results[i] = &AllPages[*Image]{Items: page.Images, TotalCount: int(page.TotalCount), Pages: 1}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing images in %d zones: %w", len(zones), err)
	}
	merged := &ZonePages{}
	for i, zone := range zones {
		if errs[i] != nil {
			merged.Failures = append(merged.Failures, ZoneFailure{Zone: zone, Err: errs[i]})
			continue
		}
		merged.Items = append(merged.Items, results[i].Items...)
		merged.TotalCount += results[i].TotalCount
		merged.Pages += results[i].Pages
		merged.Truncated = merged.Truncated || results[i].Truncated
	}
	if len(merged.Failures) == len(zones) && len(zones) > 0 {
		return nil, fmt.Errorf("listing images in every zone: %w", merged.Failures[0].Err)
	}
	if maxItems > 0 && len(merged.Items) > maxItems {
		merged.Items = merged.Items[:maxItems]
		merged.Truncated = true
	}
	return merged, nil
}
