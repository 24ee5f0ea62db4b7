package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// zoneSnapshots is what list-snapshots read in one zone: the snapshots of
// both APIs, and the private images, which say which Instance snapshots
// are in use.
type zoneSnapshots scaleway.ZoneSnapshots

func (d *Deps) listSnapshots(ctx context.Context, c *call, in ListSnapshotsInput) (ListSnapshotsOutput, error) {
	filter := scaleway.SnapshotFilter{}
	if in.Name != "" {
		filter.Name = &in.Name
	}
	if in.Project != "" {
		filter.Project = &in.Project
	}
	listed, err := d.Client.ListSnapshotsInZones(ctx, d.zonesOf(c, in.Zone), filter, d.maxListItems())
	if err != nil {
		return ListSnapshotsOutput{}, err
	}
	read := make([]zoneSnapshots, len(listed))
	for i, z := range listed {
		read[i] = zoneSnapshots(z)
	}
	return shapeSnapshots(read, in, d.maxListItems())
}

// zonesOf is the zone argument as the zones to read: one zone (the
// configured one by default), or every zone for "all".
func (d *Deps) zonesOf(c *call, arg string) []scaleway.Zone {
	if arg == AllZones {
		c.zone = AllZones
		return scaleway.Zones
	}
	return []scaleway.Zone{d.zone(c, arg)}
}

// shown reports whether the zone has snapshots to show: a snapshot list,
// and the images that say which of them are in use. Without the images an
// unused snapshot could not be told from a used one.
func (z *zoneSnapshots) shown() bool {
	return z.Images != nil && (z.Instance != nil || z.Block != nil)
}

// items shapes the zone's snapshots, each with the images that use it.
func (z *zoneSnapshots) items(verbose bool) []SnapshotItem {
	users := imageUsers(z.Images.Items)
	var items []SnapshotItem
	if z.Instance != nil {
		for _, snap := range z.Instance.Items {
			items = append(items, newInstanceSnapshotItem(snap, usedBy(users[snap.ID]), verbose))
		}
	}
	if z.Block != nil {
		for _, snap := range z.Block.Items {
			items = append(items, newBlockSnapshotItem(snap, usedBy(users[snap.ID], referringImages(snap)...), verbose))
		}
	}
	return items
}

// counted is how many snapshots the zone's APIs counted for the filters.
func (z *zoneSnapshots) counted() int {
	n := 0
	if z.Instance != nil {
		n += z.Instance.TotalCount
	}
	if z.Block != nil {
		n += z.Block.TotalCount
	}
	return n
}

// truncated reports whether a cap cut one of the zone's lists.
func (z *zoneSnapshots) truncated() bool {
	return (z.Instance != nil && z.Instance.Truncated) || (z.Block != nil && z.Block.Truncated) ||
		(z.Images != nil && z.Images.Truncated)
}

// errs are the zone's failures, in the order of its lists; nil where a
// list was read.
func (z *zoneSnapshots) errs() []error {
	return []error{z.InstanceErr, z.BlockErr, z.ImagesErr}
}

// failure says what could not be read in the zone; "" when all was.
func (z *zoneSnapshots) failure() string {
	var reasons []string
	for _, err := range z.errs() {
		if err != nil {
			reasons = append(reasons, errorText(err))
		}
	}
	if z.ImagesErr != nil {
		reasons = append(reasons, "its snapshots are left out")
	}
	return strings.Join(reasons, "; ")
}

// firstError is the zone's first failure, nil when none.
func (z *zoneSnapshots) firstError() error {
	for _, err := range z.errs() {
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
			out.FailedZones = append(out.FailedZones, ZoneFailed{Zone: string(z.Zone), Error: reason})
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
