package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// The lists list-snapshots reads in each zone: the snapshots of both
// APIs, and the private images, since only they say which Instance
// snapshots are in use (the Block API says it of its own, but not in every
// list answer).
const (
	partInstance = iota
	partBlock
	partImages
	partsPerZone
)

// blockNewestFirst orders a Block list as the Instance API orders its own,
// so that a walk cut by a cap keeps the newest snapshots of both.
const blockNewestFirst = "created_at_desc"

// zoneSnapshots is what list-snapshots read in one zone. A list that
// failed is nil and has its error.
type zoneSnapshots struct {
	zone     scaleway.Zone
	instance *scaleway.AllPages[*scaleway.Snapshot]
	block    *scaleway.AllPages[*scaleway.BlockSnapshot]
	images   *scaleway.AllPages[*scaleway.Image]
	errs     [partsPerZone]error
}

// snapshotQuery is the filters of one list-snapshots call, as each API
// takes them.
type snapshotQuery struct {
	instance *scaleway.ListSnapshotsRequest
	block    *scaleway.ListBlockSnapshotsRequest
	maxItems int
}

func (d *Deps) listSnapshots(ctx context.Context, c *call, in ListSnapshotsInput) (ListSnapshotsOutput, error) {
	zones, err := d.zonesOf(c, in.Zone)
	if err != nil {
		return ListSnapshotsOutput{}, err
	}
	q := newSnapshotQuery(in, d.maxListItems())
	// Both requests carry the same filters: checked once, under the
	// tool's own argument names, before anything is sent.
	if err := q.instance.Validate(); err != nil {
		return ListSnapshotsOutput{}, err
	}
	read, err := d.readZones(ctx, zones, q)
	if err != nil {
		return ListSnapshotsOutput{}, err
	}
	return shapeSnapshots(read, in, q.maxItems)
}

// zonesOf resolves the zone argument: one zone (the configured one by
// default), or every zone for "all".
func (d *Deps) zonesOf(c *call, arg string) ([]scaleway.Zone, error) {
	if arg == AllZones {
		c.zone = AllZones
		return scaleway.Zones, nil
	}
	zone, err := d.zone(c, arg)
	return []scaleway.Zone{zone}, err
}

func newSnapshotQuery(in ListSnapshotsInput, maxItems int) snapshotQuery {
	order := blockNewestFirst
	q := snapshotQuery{
		instance: &scaleway.ListSnapshotsRequest{},
		block:    &scaleway.ListBlockSnapshotsRequest{OrderBy: &order},
		maxItems: maxItems,
	}
	if in.Name != "" {
		q.instance.Name, q.block.Name = &in.Name, &in.Name
	}
	if in.Project != "" {
		q.instance.Project, q.block.ProjectID = &in.Project, &in.Project
	}
	return q
}

// readZones walks the lists of every zone at once, sharing the client's
// budgets among them (FanOut).
func (d *Deps) readZones(ctx context.Context, zones []scaleway.Zone, q snapshotQuery) ([]zoneSnapshots, error) {
	read := make([]zoneSnapshots, len(zones))
	for i, zone := range zones {
		read[i].zone = zone
	}
	errs, err := d.Client.FanOut(ctx, partsPerZone*len(zones), func(ctx context.Context, share *scaleway.Client, i int) error {
		return read[i/partsPerZone].read(ctx, share, i%partsPerZone, q)
	})
	if err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	for i, err := range errs {
		read[i/partsPerZone].errs[i%partsPerZone] = err
	}
	return read, nil
}

// read walks one list of the zone.
func (z *zoneSnapshots) read(ctx context.Context, c *scaleway.Client, part int, q snapshotQuery) error {
	var err error
	switch part {
	case partInstance:
		z.instance, err = c.ListAllSnapshots(ctx, z.zone, q.instance, q.maxItems)
	case partBlock:
		z.block, err = c.ListAllBlockSnapshots(ctx, z.zone, q.block, q.maxItems)
	default:
		private := false
		z.images, err = c.ListAllImages(ctx, z.zone, &scaleway.ListImagesRequest{Public: &private}, q.maxItems)
		if err != nil {
			err = fmt.Errorf("reading which images use the snapshots: %w", err)
		}
	}
	return err
}

// shown reports whether the zone has snapshots to show: a snapshot list,
// and the images that say which of them are in use. Without the images an
// unused snapshot could not be told from a used one.
func (z *zoneSnapshots) shown() bool {
	return z.images != nil && (z.instance != nil || z.block != nil)
}

// items shapes the zone's snapshots, each with the images that use it.
func (z *zoneSnapshots) items(verbose bool) []SnapshotItem {
	users := imageUsers(z.images.Items)
	var items []SnapshotItem
	if z.instance != nil {
		for _, snap := range z.instance.Items {
			items = append(items, newInstanceSnapshotItem(snap, usedBy(users[snap.ID]), verbose))
		}
	}
	if z.block != nil {
		for _, snap := range z.block.Items {
			items = append(items, newBlockSnapshotItem(snap, usedBy(users[snap.ID], referringImages(snap)...), verbose))
		}
	}
	return items
}

// counted is how many snapshots the zone's APIs counted for the filters.
func (z *zoneSnapshots) counted() int {
	n := 0
	if z.instance != nil {
		n += z.instance.TotalCount
	}
	if z.block != nil {
		n += z.block.TotalCount
	}
	return n
}

// truncated reports whether a cap cut one of the zone's lists.
func (z *zoneSnapshots) truncated() bool {
	return (z.instance != nil && z.instance.Truncated) || (z.block != nil && z.block.Truncated) ||
		(z.images != nil && z.images.Truncated)
}

// failure says what could not be read in the zone; "" when all was.
func (z *zoneSnapshots) failure() string {
	var reasons []string
	for _, err := range z.errs {
		if err != nil {
			reasons = append(reasons, errorText(err))
		}
	}
	if z.errs[partImages] != nil {
		reasons = append(reasons, "its snapshots are left out")
	}
	return strings.Join(reasons, "; ")
}

// firstError is the zone's first failure, nil when none.
func (z *zoneSnapshots) firstError() error {
	for _, err := range z.errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// imageUsers maps each snapshot id to the images made of it.
func imageUsers(images []*scaleway.Image) map[string][]string {
	users := map[string][]string{}
	for _, img := range images {
		for _, id := range img.SnapshotIDs() {
			users[id] = append(users[id], img.ID)
		}
	}
	return users
}

// referringImages are the images a Block snapshot's references name.
func referringImages(snap *scaleway.BlockSnapshot) []string {
	var ids []string
	for _, ref := range snap.References {
		if ref.ProductResourceType == scaleway.ReferenceTypeImage {
			ids = append(ids, ref.ProductResourceID)
		}
	}
	return ids
}

// usedBy is the sorted union of image ids; never nil, so a row shows [].
func usedBy(ids []string, more ...string) []string {
	all := append(slices.Clone(ids), more...)
	slices.Sort(all)
	return append([]string{}, slices.Compact(all)...)
}

// shapeSnapshots merges the zones' snapshots, newest first, keeps those
// the filters ask for, and caps the list. The call fails when no zone
// could show anything; otherwise a zone not read in full is in
// failed_zones, beside what could be read.
func shapeSnapshots(read []zoneSnapshots, in ListSnapshotsInput, maxItems int) (ListSnapshotsOutput, error) {
	var out ListSnapshotsOutput
	items := []SnapshotItem{} // an empty list is [], as the schema says
	for i := range read {
		z := &read[i]
		if reason := z.failure(); reason != "" {
			out.FailedZones = append(out.FailedZones, ZoneFailed{Zone: string(z.zone), Error: reason})
		}
		if !z.shown() {
			continue
		}
		items = append(items, z.items(in.Verbose)...)
		out.TotalCount += z.counted()
		out.Truncated = out.Truncated || z.truncated()
	}
	if !slices.ContainsFunc(read, func(z zoneSnapshots) bool { return z.shown() }) {
		return ListSnapshotsOutput{}, noZoneRead(read)
	}
	slices.SortStableFunc(items, newestFirst)
	if in.Unused {
		items = slices.DeleteFunc(items, func(it SnapshotItem) bool { return len(it.UsedBy) > 0 })
		// The APIs cannot count unused snapshots: count those found.
		out.TotalCount = len(items)
	}
	if len(items) > maxItems {
		items, out.Truncated = items[:maxItems], true
	}
	items, cut := fitResult(items)
	out.Snapshots, out.Truncated = items, out.Truncated || cut
	if !in.Verbose {
		out.Columns = SnapshotColumns
	}
	return out, nil
}

// noZoneRead is the error of a call that could show nothing: the first
// zone's first failure.
func noZoneRead(read []zoneSnapshots) error {
	err := read[0].firstError()
	if len(read) == 1 {
		return err
	}
	return fmt.Errorf("listing snapshots in every zone: %w", err)
}

// newestFirst orders snapshots by creation, newest first, those of
// unknown date last; ties by id, so that the order is always the same.
func newestFirst(a, b SnapshotItem) int {
	if c := b.created.Compare(a.created); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
