package scalewaytest

import (
	"net/http"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// listSnapshots answers GET .../snapshots, paginated like images, filtered
// by project and by name (substring, any case).
func (f *Fake) listSnapshots(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	query := r.URL.Query()
	var errs argumentErrors
	page := parsePage(query, &errs)
	project := uuidArgument(query, "project", &errs)
	name := query.Get("name")
	if err := errs.err(); err != nil {
		return err
	}
	snapshots := []scaleway.Snapshot{}
	for _, snap := range f.store.snapshots[zone] {
		if (project == "" || snap.Project == project) && (name == "" || containsFold(snap.Name, name)) {
			snapshots = append(snapshots, snap)
		}
	}
	writePage(w, r, "snapshots", snapshots, page)
	return nil
}

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
