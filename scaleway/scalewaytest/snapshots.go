package scalewaytest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// listSnapshots answers GET /instance/v1/.../snapshots, paginated like
// images, newest first, with the filters the SDKs send: organization, project,
// base_volume_id, name (substring, any case, a guess as for images) and
// tags (all of them, comma-separated, a guess as for images). Block
// Storage snapshots are never listed here, as on the real API.
func (f *Fake) listSnapshots(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	query := r.URL.Query()
	var errs argumentErrors
	page := parsePage(query, &errs)
	organization := uuidArgument(query, "organization", &errs)
	project := uuidArgument(query, "project", &errs)
	baseVolume := uuidArgument(query, "base_volume_id", &errs)
	name := query.Get("name")
	tags := commaList(query.Get("tags"))
	if err := errs.err(); err != nil {
		return err
	}
	snapshots := f.store.listSnapshots(zone, func(snap *scaleway.Snapshot) bool {
		switch {
		case organization != "" && snap.Organization != organization,
			project != "" && snap.Project != project,
			baseVolume != "" && (snap.BaseVolume == nil || snap.BaseVolume.ID != baseVolume),
			name != "" && !containsFold(snap.Name, name):
			return false
		}
		return hasAll(snap.Tags, tags)
	})
	// Newest first, as recorded (a two-snapshot list); whether creation
	// or modification date decides is not, the fake takes creation.
	slices.SortStableFunc(snapshots, func(a, b scaleway.Snapshot) int { return b.CreationDate.Compare(a.CreationDate.Time) })
	writePage(w, r, "snapshots", snapshots, page)
	return nil
}

// getSnapshot answers GET /instance/v1/.../snapshots/{snapshot_id}: the
// snapshot wrapped in {"snapshot": ...}. A Block Storage snapshot's id is
// a 404 here (recorded).
func (f *Fake) getSnapshot(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	id, err := pathUUID(r, "snapshot_id")
	if err != nil {
		return err
	}
	snap, err := f.store.snapshot(zone, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Snapshot scaleway.Snapshot `json:"snapshot"`
	}{snap})
	return nil
}

// deleteSnapshotWith answers a DELETE of the snapshot in the path with
// del, the store's delete of its API's snapshots (see each for what is
// recorded and what is guessed): 204 and no body once it is gone.
func deleteSnapshotWith(del func(scaleway.Zone, string) *scaleway.Error) handler {
	return func(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
		id, err := pathUUID(r, "snapshot_id")
		if err != nil {
			return err
		}
		if err := del(zone, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// Page sizes of the Block API. The maximum is the SDKs' documented one;
// the default is a guess (the Instance API's).
const (
	defaultBlockPageSize = 50
	maxBlockPageSize     = 100
)

// listBlockSnapshots answers GET /block/v1alpha1/.../snapshots the Block
// API's way (recorded): {"snapshots": [...], "total_count": N}, with no
// X-Total-Count and no Link, and list items without their references.
// Filters: project_id, organization_id, volume_id, name (substring, any
// case), tags (any of them, as the SDKs document); order_by as the SDKs
// name it. Scaleway's own snapshots (behind public images) are never
// listed to a caller.
func (f *Fake) listBlockSnapshots(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	query := r.URL.Query()
	var errs argumentErrors
	page := pageRequest{
		page:    intArgument(query, "page", 1, 1, maxPage, &errs),
		perPage: intArgument(query, "page_size", defaultBlockPageSize, 1, maxBlockPageSize, &errs),
	}
	project := uuidArgument(query, "project_id", &errs)
	organization := uuidArgument(query, "organization_id", &errs)
	volume := uuidArgument(query, "volume_id", &errs)
	name := query.Get("name")
	tags := query["tags"]
	order := query.Get("order_by")
	if order != "" && !slices.Contains(scaleway.BlockSnapshotOrders, order) {
		errs.add(badArgument("order_by", "constraint", "must be one of "+strings.Join(scaleway.BlockSnapshotOrders, ", ")))
	}
	if err := errs.err(); err != nil {
		return err
	}
	snapshots := f.store.listBlockSnapshots(zone, func(snap *scaleway.BlockSnapshot) bool {
		switch {
		case snap.ProjectID == MarketplaceProjectID,
			project != "" && snap.ProjectID != project,
			organization != "" && organizationOf(snap.ProjectID) != organization,
			volume != "" && (snap.ParentVolume == nil || snap.ParentVolume.ID != volume),
			name != "" && !containsFold(snap.Name, name):
			return false
		}
		return len(tags) == 0 || slices.ContainsFunc(tags, func(tag string) bool { return slices.Contains(snap.Tags, tag) })
	})
	sortBlockSnapshots(snapshots, order)
	start := min((page.page-1)*page.perPage, len(snapshots))
	end := min(start+page.perPage, len(snapshots))
	items := snapshots[start:end]
	for i := range items {
		items[i].References = nil
	}
	writeJSON(w, http.StatusOK, scaleway.ListBlockSnapshotsResponse{Snapshots: pointers(items), TotalCount: uint64(len(snapshots))})
	return nil
}

// sortBlockSnapshots orders a list as order_by asks; created_at_asc is
// the default, as the SDKs document it.
func sortBlockSnapshots(snapshots []scaleway.BlockSnapshot, order string) {
	byCreation := func(a, b scaleway.BlockSnapshot) int { return a.CreatedAt.Compare(b.CreatedAt.Time) }
	byName := func(a, b scaleway.BlockSnapshot) int { return strings.Compare(a.Name, b.Name) }
	switch order {
	case "created_at_desc":
		slices.SortStableFunc(snapshots, func(a, b scaleway.BlockSnapshot) int { return byCreation(b, a) })
	case "name_asc":
		slices.SortStableFunc(snapshots, byName)
	case "name_desc":
		slices.SortStableFunc(snapshots, func(a, b scaleway.BlockSnapshot) int { return byName(b, a) })
	default:
		slices.SortStableFunc(snapshots, byCreation)
	}
}

func pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

// getBlockSnapshot answers GET /block/v1alpha1/.../snapshots/{snapshot_id}
// with the snapshot unwrapped (recorded). The snapshot behind a public
// image belongs to Scaleway: the fake answers 403 permissions_denied, a
// guess (what the real API answers a caller there is not recorded).
func (f *Fake) getBlockSnapshot(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	id, err := pathUUID(r, "snapshot_id")
	if err != nil {
		return err
	}
	snap, err := f.store.blockSnapshot(zone, id)
	if err != nil {
		return err
	}
	if snap.ProjectID == MarketplaceProjectID {
		return permissionsDenied(resourceBlockSnapshot, "read")
	}
	writeJSON(w, http.StatusOK, snap)
	return nil
}
