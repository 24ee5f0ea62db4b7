package scalewaytest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const snapshotsPath = "/instance/v1/zones/fr-par-1/snapshots"

func TestListSnapshots(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	all := srv.Snapshots(zone)
	tests := []struct {
		query     string
		wantNames []string
		wantTotal int
	}{
		{"", names(all), len(all)},
		{"?name=DB", []string{"snap-db-root", "snap-db-data"}, 2},
		{"?project=" + scalewaytest.DefaultProjectID, names(all), len(all)},
		{"?project=" + scalewaytest.MarketplaceProjectID, []string{}, 0},
		{"?per_page=2&page=2", names(all)[2:4], len(all)},
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
		got.State != "available" || got.Zone != zone || got.Project != scalewaytest.DefaultProjectID {
		t.Errorf("snapshot = %+v, want %+v", got, want)
	}

	for _, id := range []string{"99999999-9999-4999-8999-999999999999", srv.Snapshots("pl-waw-1")[0].ID} {
		e := apiError(t, send(t, srv, http.MethodGet, snapshotsPath+"/"+id, ""), http.StatusNotFound)
		if e.Type != scaleway.ErrNotFound || e.Resource != "instance_snapshot" || e.ResourceID != id {
			t.Errorf("error = %+v", e)
		}
	}
	e := apiError(t, send(t, srv, http.MethodGet, snapshotsPath+"/snap", ""), http.StatusBadRequest)
	if want := []detail{{"snapshot_id", "format"}}; !slices.Equal(detailsOf(e), want) {
		t.Errorf("details = %v, want %v", detailsOf(e), want)
	}
}

func names(snapshots []scaleway.Snapshot) []string {
	out := []string{}
	for _, snap := range snapshots {
		out = append(out, snap.Name)
	}
	return out
}
