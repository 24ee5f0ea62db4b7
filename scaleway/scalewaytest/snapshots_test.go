package scalewaytest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const (
	snapshotsPath      = "/instance/v1/zones/fr-par-1/snapshots"
	blockSnapshotsPath = "/block/v1alpha1/zones/fr-par-1/snapshots"
)

func TestListSnapshots(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	// The API lists snapshots newest first (recorded).
	all := srv.Snapshots(zone)
	slices.Reverse(all)
	base := all[2].BaseVolume.ID
	tests := []struct {
		query     string
		wantNames []string
		wantTotal int
	}{
		{"", names(all), len(all)},
		{"?name=DB", []string{"snap-db-root"}, 1}, // snap-db-data is a Block snapshot
		{"?project=" + scalewaytest.DefaultProjectID, names(all), len(all)},
		{"?project=" + scalewaytest.MarketplaceProjectID, []string{}, 0},
		{"?organization=" + scalewaytest.DefaultOrganizationID, names(all), len(all)},
		{"?base_volume_id=" + base, []string{"snap-web-root"}, 1},
		{"?per_page=2&page=2", []string{"snap-web-root"}, len(all)},
		{"?per_page=2&page=99", []string{}, len(all)},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			a := send(t, srv, http.MethodGet, snapshotsPath+tt.query, "").expectStatus(t, http.StatusOK)
			body := decode[map[string][]scaleway.Snapshot](t, a)
			got, ok := body["snapshots"]
			if !ok || len(body) != 1 || got == nil {
				t.Fatalf("body = %s, want only a snapshots array", a.body)
			}
			if !slices.Equal(names(got), tt.wantNames) {
				t.Errorf("names = %v, want %v", names(got), tt.wantNames)
			}
			if a.header.Get("X-Total-Count") != strconv.Itoa(tt.wantTotal) {
				t.Errorf("X-Total-Count = %s, want %d", a.header.Get("X-Total-Count"), tt.wantTotal)
			}
		})
	}
	t.Run("bad query", func(t *testing.T) {
		t.Parallel()
		e := apiError(t, send(t, srv, http.MethodGet, snapshotsPath+"?per_page=500&project=x", ""), http.StatusBadRequest)
		if want := []detail{{"per_page", "constraint"}, {"project", "format"}}; !slices.Equal(detailsOf(e), want) {
			t.Errorf("details = %v, want %v", detailsOf(e), want)
		}
	})
}

func TestGetSnapshot(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	want := srv.Snapshots(zone)[2]
	a := send(t, srv, http.MethodGet, snapshotsPath+"/"+want.ID, "").expectStatus(t, http.StatusOK)
	body := decode[map[string]json.RawMessage](t, a)
	var got scaleway.Snapshot
	if err := json.Unmarshal(body["snapshot"], &got); err != nil || len(body) != 1 {
		t.Fatalf("body = %s (%v)", a.body, err)
	}
	if got.ID != want.ID || got.Name != want.Name || got.Size != want.Size || got.VolumeType != want.VolumeType ||
		got.State != "available" || got.Zone != zone || got.Project != scalewaytest.DefaultProjectID || got.BaseVolume == nil {
		t.Errorf("snapshot = %+v, want %+v", got, want)
	}
	for _, key := range []string{`"base_volume":{`, `"error_details":null`, `"creation_date":"2025-`} {
		if !contains(body["snapshot"], key) {
			t.Errorf("snapshot %s lacks %s", body["snapshot"], key)
		}
	}

	// Another zone's snapshot, and a Block Storage one, are unknown here.
	for _, id := range []string{"99999999-9999-4999-8999-999999999999", srv.Snapshots("pl-waw-1")[0].ID, srv.BlockSnapshots(zone)[0].ID} {
		e := apiError(t, send(t, srv, http.MethodGet, snapshotsPath+"/"+id, ""), http.StatusNotFound)
		if e.Type != scaleway.TypeNotFound || e.Resource != "instance_snapshot" || e.ResourceID != id {
			t.Errorf("error = %+v", e)
		}
	}
	e := apiError(t, send(t, srv, http.MethodGet, snapshotsPath+"/snap", ""), http.StatusBadRequest)
	if want := []detail{{"snapshot_id", "format"}}; !slices.Equal(detailsOf(e), want) {
		t.Errorf("details = %v, want %v", detailsOf(e), want)
	}
}

func TestListBlockSnapshots(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	all := srv.BlockSnapshots(zone)
	parent := all[0].ParentVolume.ID
	tests := []struct {
		query     string
		wantNames []string
		wantTotal int
	}{
		{"", blockNames(all), len(all)},
		{"?name=DB", []string{"snap-db-data"}, 1},
		{"?project_id=" + scalewaytest.DefaultProjectID, blockNames(all), len(all)},
		{"?project_id=" + scalewaytest.MarketplaceProjectID, []string{}, 0}, // Scaleway's own are never listed
		{"?organization_id=" + scalewaytest.DefaultOrganizationID, blockNames(all), len(all)},
		{"?volume_id=" + parent, blockNames(all)[:1], 1},
		{"?order_by=name_asc", []string{"snap-archive", "snap-ci-root", "snap-db-data"}, len(all)},
		{"?order_by=created_at_desc&page_size=2", []string{"snap-archive", "snap-ci-root"}, len(all)},
		{"?page_size=2&page=2", blockNames(all)[2:], len(all)},
		{"?page_size=2&page=99", []string{}, len(all)},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			a := send(t, srv, http.MethodGet, blockSnapshotsPath+tt.query, "").expectStatus(t, http.StatusOK)
			// The Block API's own list shape (recorded): the count in the
			// body, no X-Total-Count, no Link, items without references.
			body := decode[map[string]json.RawMessage](t, a)
			var got []scaleway.BlockSnapshot
			var total int
			if len(body) != 2 || json.Unmarshal(body["snapshots"], &got) != nil || json.Unmarshal(body["total_count"], &total) != nil || got == nil {
				t.Fatalf("body = %s, want snapshots and total_count", a.body)
			}
			if !slices.Equal(blockNames(got), tt.wantNames) || total != tt.wantTotal {
				t.Errorf("names = %v of %d, want %v of %d", blockNames(got), total, tt.wantNames, tt.wantTotal)
			}
			if a.header.Get("X-Total-Count") != "" || a.header.Get("Link") != "" || contains(body["snapshots"], `"references"`) {
				t.Errorf("headers %v, body %s: want no X-Total-Count, no Link, no references", a.header, a.body)
			}
		})
	}
	t.Run("bad query", func(t *testing.T) {
		t.Parallel()
		e := apiError(t, send(t, srv, http.MethodGet, blockSnapshotsPath+"?page_size=500&project_id=x&order_by=size", ""), http.StatusBadRequest)
		if want := []detail{{"page_size", "constraint"}, {"project_id", "format"}, {"order_by", "constraint"}}; !slices.Equal(detailsOf(e), want) {
			t.Errorf("details = %v, want %v", detailsOf(e), want)
		}
	})
}

func TestGetBlockSnapshot(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	// snap-db-data is an extra volume of the seeded postgres-16 image.
	want := srv.BlockSnapshots(zone)[0]
	postgres := seededImage(t, srv, zone, func(img scaleway.Image) bool { return img.Name == "postgres-16" })
	a := send(t, srv, http.MethodGet, blockSnapshotsPath+"/"+want.ID, "").expectStatus(t, http.StatusOK)
	var got scaleway.BlockSnapshot
	if err := json.Unmarshal(a.body, &got); err != nil {
		t.Fatalf("body = %s: %v", a.body, err)
	}
	if got.ID != want.ID || got.Name != "snap-db-data" || got.Size != want.Size || got.Class != "sbs" || got.Zone != zone ||
		got.Status != scaleway.BlockSnapshotInUse || len(got.References) != 1 || got.References[0].ProductResourceID != postgres.ID ||
		got.References[0].ProductResourceType != "instance_image" || got.References[0].Type != "link" || got.References[0].Status != "attached" {
		t.Errorf("snapshot = %s", a.body)
	}
	if !contains(a.body, `"created_at":"2025-09-15T14:32:00.000000Z"`) {
		t.Errorf("snapshot %s: want the Block API's Z timestamps", a.body)
	}

	// An Instance snapshot is unknown here, with the Block API's 404.
	for _, id := range []string{"99999999-9999-4999-8999-999999999999", srv.Snapshots(zone)[0].ID} {
		e := apiError(t, send(t, srv, http.MethodGet, blockSnapshotsPath+"/"+id, ""), http.StatusNotFound)
		if e.Type != scaleway.TypeNotFound || e.Resource != "snapshot" || e.ResourceID != id || e.Message != "resource is not found" {
			t.Errorf("error = %+v", e)
		}
	}
	// The snapshot behind a public image is Scaleway's.
	public := seededImage(t, srv, zone, isMarketplace)
	e := apiError(t, send(t, srv, http.MethodGet, blockSnapshotsPath+"/"+public.RootVolume.ID, ""), http.StatusForbidden)
	if e.Type != scaleway.TypePermissionsDenied {
		t.Errorf("error = %+v", e)
	}
}

// TestBlockReferences follows a Block snapshot through an image's life, as
// recorded: available with no reference, in_use with one once an image is
// made of it, available again once the image is gone.
func TestBlockReferences(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	spare := srv.BlockSnapshots(zone)[2]
	read := func() scaleway.BlockSnapshot {
		t.Helper()
		return decode[scaleway.BlockSnapshot](t, send(t, srv, http.MethodGet, blockSnapshotsPath+"/"+spare.ID, "").expectStatus(t, http.StatusOK))
	}
	if snap := read(); snap.Status != scaleway.BlockSnapshotAvailable || snap.References == nil || len(snap.References) != 0 {
		t.Fatalf("before: %+v", snap)
	}
	img := createImage(t, srv, map[string]any{"name": "from-block", "arch": "x86_64", "project": scalewaytest.DefaultProjectID, "root_volume": spare.ID})
	if snap := read(); snap.Status != scaleway.BlockSnapshotInUse || len(snap.References) != 1 || snap.References[0].ProductResourceID != img.ID {
		t.Errorf("after create: %+v", snap)
	}
	e := apiError(t, send(t, srv, http.MethodDelete, blockSnapshotsPath+"/"+spare.ID, ""), http.StatusPreconditionFailed)
	if e.Type != scaleway.TypePreconditionFailed || e.Precondition != "resource_still_in_use" {
		t.Errorf("deleting a snapshot in use: %+v", e)
	}
	send(t, srv, http.MethodDelete, imagePath(zone, img.ID), "").expectStatus(t, http.StatusNoContent)
	if snap := read(); snap.Status != scaleway.BlockSnapshotAvailable || len(snap.References) != 0 {
		t.Errorf("after the image is deleted: %+v", snap)
	}
	send(t, srv, http.MethodDelete, blockSnapshotsPath+"/"+spare.ID, "").expectStatus(t, http.StatusNoContent)
	e = apiError(t, send(t, srv, http.MethodDelete, blockSnapshotsPath+"/"+spare.ID, ""), http.StatusNotFound)
	if e.Resource != "snapshot" || e.ResourceID != spare.ID {
		t.Errorf("deleting it again: %+v", e)
	}
}

// TestDeleteSnapshot: an Instance snapshot an image is made of cannot be
// deleted (a guess, as the Block API's 412); once the image is gone it
// can, once.
func TestDeleteSnapshot(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	var spare scaleway.Snapshot
	for _, snap := range srv.Snapshots(zone) {
		if !slices.ContainsFunc(srv.Images(zone), func(img scaleway.Image) bool { return slices.Contains(img.SnapshotIDs(), snap.ID) }) {
			spare = snap
		}
	}
	if spare.ID == "" {
		t.Fatal("the seed has no Instance snapshot that no image uses")
	}
	img := createImage(t, srv, map[string]any{"name": "from-local", "arch": "x86_64", "project": scalewaytest.DefaultProjectID, "root_volume": spare.ID})
	e := apiError(t, send(t, srv, http.MethodDelete, snapshotsPath+"/"+spare.ID, ""), http.StatusPreconditionFailed)
	if e.Type != scaleway.TypePreconditionFailed || e.Precondition != "resource_still_in_use" {
		t.Errorf("deleting a snapshot in use: %+v", e)
	}
	send(t, srv, http.MethodDelete, imagePath(zone, img.ID), "").expectStatus(t, http.StatusNoContent)
	send(t, srv, http.MethodDelete, snapshotsPath+"/"+spare.ID, "").expectStatus(t, http.StatusNoContent)
	e = apiError(t, send(t, srv, http.MethodGet, snapshotsPath+"/"+spare.ID, ""), http.StatusNotFound)
	if e.Resource != "instance_snapshot" || e.ResourceID != spare.ID {
		t.Errorf("reading it after: %+v", e)
	}
	e = apiError(t, send(t, srv, http.MethodDelete, snapshotsPath+"/"+spare.ID, ""), http.StatusNotFound)
	if e.Resource != "instance_snapshot" || e.ResourceID != spare.ID {
		t.Errorf("deleting it again: %+v", e)
	}
}

func names(snapshots []scaleway.Snapshot) []string {
	out := []string{}
	for _, snap := range snapshots {
		out = append(out, snap.Name)
	}
	return out
}

func blockNames(snapshots []scaleway.BlockSnapshot) []string {
	out := []string{}
	for _, snap := range snapshots {
		out = append(out, snap.Name)
	}
	return out
}

func contains(body []byte, s string) bool { return strings.Contains(string(body), s) }
