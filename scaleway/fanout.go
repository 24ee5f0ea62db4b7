package scaleway

import (
	"context"
	"errors"
	"fmt"
)

// Lists over several zones, or several lists, at once.

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
// does, or when ctx ends, or when a zone or r is invalid (then before
// anything is sent). maxItems caps the merged list (0 means no cap).
//
// With allPages, the zones share the client's budgets evenly (FanOut), so
// that one call costs what one zone's walk would: each zone walks at most
// max(1, maxPages/len(zones)) pages (at most maxPages pages in all, or one
// page a zone when there are more zones than pages) and stops once it has
// read more than maxListBytes/len(zones) bytes.
func (c *Client) ListImagesInZones(ctx context.Context, zones []Zone, r *ListImagesRequest, allPages bool, maxItems int) (*ZonePages, error) {
	walk := imagesWalk(r)
	first := r
	if allPages {
		first = &walk
	}
	if err := errors.Join(checkZones(zones), first.Validate()); err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	results := make([]*AllPages[*Image], len(zones))
	errs, err := c.FanOut(ctx, len(zones), func(ctx context.Context, share *Client, i int) error {
		if allPages {
			all, err := share.walkImages(ctx, zones[i], walk, maxItems)
			results[i] = all
			return err
		}
		page, _, err := share.listImages(ctx, zones[i], r)
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

// checkZones reports every zone that is not an Instance zone.
func checkZones(zones []Zone) error {
	errs := make([]error, len(zones))
	for i, zone := range zones {
		errs[i] = CheckZone(zone)
	}
	return errors.Join(errs...)
}

// SnapshotFilter selects the snapshots of ListSnapshotsInZones, in both
// APIs; a nil field does not filter.
type SnapshotFilter struct {
	Name    *string // part of the name
	Project *string
}

// ZoneSnapshots is what ListSnapshotsInZones read in one zone. A list
// that failed is nil, and its error says why.
type ZoneSnapshots struct {
	Zone     Zone
	Instance *AllPages[*Snapshot]
	Block    *AllPages[*BlockSnapshot]
	// Images are the zone's private images: only they say which Instance
	// snapshots are in use (the Block API says it of its own, but not in
	// every list answer).
	Images *AllPages[*Image]

	InstanceErr, BlockErr, ImagesErr error
}

// The lists ListSnapshotsInZones reads in each zone: the Instance
// snapshots, the Block snapshots, then the private images.
const (
	partInstance = iota
	partBlock
	partsPerZone = 3
)

// blockNewestFirst orders a Block list as the Instance API orders its own,
// so that a walk cut by a cap keeps the newest snapshots of both.
const blockNewestFirst = "created_at_desc"

// ListSnapshotsInZones walks, in every zone at once, the snapshots of both
// APIs that f selects, and the zone's private images, each list at most
// maxItems long (0 means no cap). The lists share the client's budgets
// (FanOut), and one that fails leaves the others. The call fails when f or
// a zone is invalid (then before anything is sent), or when ctx ends.
func (c *Client) ListSnapshotsInZones(ctx context.Context, zones []Zone, f SnapshotFilter, maxItems int) ([]ZoneSnapshots, error) {
	// Both APIs get the same filter: it is checked once, under the
	// Instance API's names.
	instance := ListSnapshotsRequest{Name: f.Name, Project: f.Project, Page: firstPage(), PerPage: orMaxPerPage(nil)}
	if err := errors.Join(checkZones(zones), instance.Validate()); err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	order, private := blockNewestFirst, false
	block := ListBlockSnapshotsRequest{Name: f.Name, ProjectID: f.Project, OrderBy: &order, Page: firstPage(), PageSize: orMaxPerPage(nil)}
	images := ListImagesRequest{Public: &private, Page: firstPage(), PerPage: orMaxPerPage(nil)}
	read := make([]ZoneSnapshots, len(zones))
	for i, zone := range zones {
		read[i].Zone = zone
	}
	// Each part keeps its own error: FanOut's are the same ones, but for
	// parts cut off when ctx ended, and then the call fails anyway.
	_, err := c.FanOut(ctx, partsPerZone*len(zones), func(ctx context.Context, share *Client, i int) error {
		z := &read[i/partsPerZone]
		switch i % partsPerZone {
		case partInstance:
			z.Instance, z.InstanceErr = share.walkSnapshots(ctx, z.Zone, instance, maxItems)
			return z.InstanceErr
		case partBlock:
			z.Block, z.BlockErr = share.walkBlockSnapshots(ctx, z.Zone, block, maxItems)
			return z.BlockErr
		}
		if z.Images, z.ImagesErr = share.walkImages(ctx, z.Zone, images, maxItems); z.ImagesErr != nil {
			z.ImagesErr = fmt.Errorf("reading which images use the snapshots: %w", z.ImagesErr)
		}
		return z.ImagesErr
	})
	if err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	return read, nil
}
