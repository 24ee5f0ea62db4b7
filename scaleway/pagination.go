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
	TotalCount int  // X-Total-Count: how many images matched
	Truncated  bool // the item cap stopped the walk before TotalCount
	Pages      int  // pages fetched
}

// ListAllImages fetches page 1, then the remaining pages concurrently (at
// most the client's list workers at once), and returns the images in page
// order, at most maxItems of them (0 means no cap). The caller's per_page
// is kept, and defaults to 100 to keep round trips few; the caller's page
// is ignored. Without X-Total-Count it walks pages one by one until a short
// or empty page, as the Python SDK does.
func (c *Client) ListAllImages(ctx context.Context, zone Zone, r *ListImagesRequest, maxItems int) (*AllPages, error) {
	req := ListImagesRequest{}
	if r != nil {
		req = *r
	}
	if req.PerPage == nil {
		perPage := uint32(MaxPerPage)
		req.PerPage = &perPage
	}
	perPage := int(*req.PerPage)
	first, resp, err := c.ListImages(ctx, zone, withPage(req, 1))
	if err != nil {
		return nil, err
	}
	result := &AllPages{Images: first.Images, TotalCount: int(first.TotalCount), Pages: 1}
	if resp.Header.Get("X-Total-Count") == "" {
		return c.listSequentially(ctx, zone, req, result, maxItems)
	}
	wanted := result.TotalCount
	if maxItems > 0 && wanted > maxItems {
		wanted = maxItems
	}
	pages := (wanted + perPage - 1) / perPage
	rest, err := c.fetchPages(ctx, zone, req, 2, pages)
	if err != nil {
		return nil, err
	}
	for _, page := range rest {
		result.Images = append(result.Images, page...)
	}
	result.Pages += len(rest)
	return capItems(result, maxItems), nil
}

func withPage(r ListImagesRequest, page int32) *ListImagesRequest {
	r.Page = &page
	return &r
}

// fetchPages fetches pages from..to (inclusive) concurrently and returns
// them in order. The first failure cancels the pages still in flight.
func (c *Client) fetchPages(ctx context.Context, zone Zone, req ListImagesRequest, from, to int) ([][]*Image, error) {
	if to < from {
		return nil, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make([][]*Image, to-from+1)
	errs := forEach(ctx, len(pages), c.listWorkers, func(i int) error {
		page, _, err := c.ListImages(ctx, zone, withPage(req, int32(from+i)))
		if err != nil {
			cancel()
			return fmt.Errorf("page %d: %w", from+i, err)
		}
		pages[i] = page.Images
		return nil
	})
	if err := firstCause(errs); err != nil {
		return nil, err
	}
	return pages, nil
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

func (c *Client) listSequentially(ctx context.Context, zone Zone, req ListImagesRequest, result *AllPages, maxItems int) (*AllPages, error) {
	perPage := int(*req.PerPage)
	last := len(result.Images)
	for page := int32(2); last == perPage && (maxItems <= 0 || len(result.Images) < maxItems); page++ {
		next, _, err := c.ListImages(ctx, zone, withPage(req, page))
		if err != nil {
			return nil, err
		}
		result.Pages++
		result.Images = append(result.Images, next.Images...)
		last = len(next.Images)
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
	result.Truncated = maxItems > 0 && result.TotalCount > len(result.Images) && len(result.Images) >= maxItems
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
func (c *Client) ListImagesInZones(ctx context.Context, zones []Zone, r *ListImagesRequest, allPages bool, maxItems int) (*ZonePages, error) {
	results := make([]*AllPages, len(zones))
	// The zones' page walks share the client's worker budget, so that ten
	// zones do not become ten times as many requests in flight.
	perZone := *c
	perZone.listWorkers = max(1, c.listWorkers/max(1, len(zones)))
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
