package scaleway

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// AllPages is the result of a list that walked every page.
type AllPages struct {
	Images     []*Image
	TotalCount int // X-Total-Count: how many images matched
	// Truncated says that a cap stopped the walk before every image was
	// read: the caller's item cap, or the client's page or byte budget
	// (WithMaxPages, WithMaxListBytes).
	Truncated bool
	Pages     int // pages whose images are in Images
}

// ListAllImages fetches page 1, then the remaining pages concurrently (at
// most the client's list workers at once), and returns the images in page
// order, at most maxItems of them (0 means no cap). The caller's per_page
// is kept, and defaults to 100 to keep round trips few; the caller's page
// is ignored. Without X-Total-Count it walks pages one by one until a short
// or empty page, as the Python SDK does. Whatever the count says, it reads
// at most the client's max pages, and no page after the bytes read pass
// its byte budget (WithMaxPages, WithMaxListBytes); the result then says
// Truncated.
func (c *Client) ListAllImages(ctx context.Context, zone Zone, r *ListImagesRequest, maxItems int) (*AllPages, error) {
	req := ListImagesRequest{}
	if r != nil {
		req = *r
	}
	if req.PerPage == nil {
		perPage := uint32(MaxPerPage)
		req.PerPage = &perPage
	}
	first, resp, err := c.ListImages(ctx, zone, withPage(req, 1))
	if err != nil {
		return nil, err
	}
	result := &AllPages{Images: first.Images, TotalCount: int(first.TotalCount), Pages: 1}
	if resp.Header.Get("X-Total-Count") == "" {
		return c.listSequentially(ctx, zone, req, result, maxItems, resp.bodyBytes)
	}
	pages, capped := c.plannedPages(result.TotalCount, maxItems, int(*req.PerPage), resp.bodyBytes)
	rest, err := c.fetchPages(ctx, zone, req, 2, pages)
	if err != nil {
		return nil, err
	}
	kept, dropped := c.keptPages(rest, resp.bodyBytes)
	for _, page := range kept {
		result.Images = append(result.Images, page.images...)
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

func withPage(r ListImagesRequest, page int32) *ListImagesRequest {
	r.Page = &page
	return &r
}

// fetchedPage is one page of a walk and the size of its answer.
type fetchedPage struct {
	images []*Image
	bytes  int
}

// fetchPages fetches pages from..to (inclusive) concurrently and returns
// them in order. The first failure cancels the pages still in flight.
func (c *Client) fetchPages(ctx context.Context, zone Zone, req ListImagesRequest, from, to int) ([]fetchedPage, error) {
	if to < from {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make([]fetchedPage, to-from+1)
	errs := forEach(ctx, len(pages), c.listWorkers, func(i int) error {
		page, resp, err := c.ListImages(ctx, zone, withPage(req, int32(from+i)))
		if err != nil {
			cancel()
			return fmt.Errorf("page %d: %w", from+i, err)
		}
		pages[i] = fetchedPage{images: page.Images, bytes: resp.bodyBytes}
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
func (c *Client) keptPages(pages []fetchedPage, spent int) (kept []fetchedPage, cut bool) {
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

// listSequentially walks the pages after page 1 (whose answer was spent
// bytes) one by one, until a short page or a cap.
func (c *Client) listSequentially(ctx context.Context, zone Zone, req ListImagesRequest, result *AllPages, maxItems, spent int) (*AllPages, error) {
	perPage := int(*req.PerPage)
	last := len(result.Images)
	for page := int32(2); last == perPage && (maxItems <= 0 || len(result.Images) < maxItems); page++ {
		if result.Pages >= c.maxPages || spent > c.maxListBytes {
			// The last page was full: there may be more.
			result.Truncated = true
			break
		}
		next, resp, err := c.ListImages(ctx, zone, withPage(req, page))
		if err != nil {
			return nil, err
		}
		result.Pages++
		result.Images = append(result.Images, next.Images...)
		last = len(next.Images)
		spent += resp.bodyBytes
	}
	if result.TotalCount < len(result.Images) {
		result.TotalCount = len(result.Images)
	}
	return capItems(result, maxItems), nil
}

func capItems(result *AllPages, maxItems int) *AllPages {
	if maxItems > 0 && len(result.Images) > maxItems {
		result.Images = result.Images[:maxItems]
	}
	result.Truncated = result.Truncated || (maxItems > 0 && result.TotalCount > len(result.Images) && len(result.Images) >= maxItems)
	return result
}

// ZoneFailure is a zone that could not be listed by ListImagesInZones.
type ZoneFailure struct {
	Zone Zone
	Err  error
}

// ZonePages is the merged result of a list over several zones.
type ZonePages struct {
	AllPages
	Failures []ZoneFailure // zones that failed; the others are still listed
}

// ListImagesInZones lists the zones concurrently (each one page, or every
// page when allPages is set) and merges the images in zone order. A zone
// that fails is reported in Failures; the call fails only when every zone
// does, or when ctx ends. maxItems caps the merged list (0 means no cap).
//
// With allPages, the zones share the client's budgets evenly, so that one
// call costs what one zone's walk would: each zone walks at most
// max(1, maxPages/len(zones)) pages (at most maxPages pages in all, or one
// page a zone when there are more zones than pages) and stops once it has
// read more than maxListBytes/len(zones) bytes.
func (c *Client) ListImagesInZones(ctx context.Context, zones []Zone, r *ListImagesRequest, allPages bool, maxItems int) (*ZonePages, error) {
	results := make([]*AllPages, len(zones))
	// The zones' page walks share the client's worker budget too, so that
	// ten zones do not become ten times as many requests in flight.
	perZone := *c
	shares := max(1, len(zones))
	perZone.listWorkers = max(1, c.listWorkers/shares)
	perZone.maxPages = max(1, c.maxPages/shares)
	perZone.maxListBytes = max(1, c.maxListBytes/shares)
	errs := forEach(ctx, len(zones), c.listWorkers, func(i int) error {
		if allPages {
			all, err := perZone.ListAllImages(ctx, zones[i], r, maxItems)
			results[i] = all
			return err
		}
		page, _, err := c.ListImages(ctx, zones[i], r)
		if err != nil {
			return err
		}
		results[i] = &AllPages{Images: page.Images, TotalCount: int(page.TotalCount), Pages: 1}
		return nil
	})
	// A cancelled caller gets the cancellation, not a partial list whose
	// "failed" zones are only the ones still in flight when it gave up.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("listing images in %d zones: %w", len(zones), err)
	}
	merged := &ZonePages{}
	for i, zone := range zones {
		if errs[i] != nil {
			merged.Failures = append(merged.Failures, ZoneFailure{Zone: zone, Err: errs[i]})
			continue
		}
		merged.Images = append(merged.Images, results[i].Images...)
		merged.TotalCount += results[i].TotalCount
		merged.Pages += results[i].Pages
		merged.Truncated = merged.Truncated || results[i].Truncated
	}
	if len(merged.Failures) == len(zones) && len(zones) > 0 {
		return nil, fmt.Errorf("listing images in every zone: %w", merged.Failures[0].Err)
	}
	if maxItems > 0 && len(merged.Images) > maxItems {
		merged.Images = merged.Images[:maxItems]
		merged.Truncated = true
	}
	return merged, nil
}
