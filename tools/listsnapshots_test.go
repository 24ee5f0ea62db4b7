package tools_test

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/recorded"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// seededSnapshot is what the fake seeds in every zone (scalewaytest's
// projectSnapshots and projectImages), newest first, written out here
// rather than read back from the fake, so that the tool is checked
// against the seed and not against itself.
// A Block snapshot an image uses is in_use, as recorded.
type seededSnapshot struct {
	name   string
	kind   string
	sizeGB float64
	state  string
	usedBy []string // image names
}

var seededSnapshots = []seededSnapshot{
	{"snap-archive", "sbs", 15, "available", nil},
	{"snap-spare", "l_ssd", 10, "available", nil},
	{"snap-ci-root", "sbs", 10, "in_use", []string{"ci-runner"}},
	{"snap-db-data", "sbs", 20, "in_use", []string{"postgres-16"}},
	{"snap-db-root", "l_ssd", 20, "available", []string{"postgres-16"}},
	{"snap-web-root", "l_ssd", 10, "available", []string{"web-frontend"}},
}

// imageIDsByName maps the names of a zone's images to their ids.
func imageIDsByName(f *scalewaytest.Server, zone scaleway.Zone) map[string]string {
	ids := map[string]string{}
	for _, img := range f.Images(zone) {
		ids[img.Name] = img.ID
	}
	return ids
}

// creationDates maps the ids of a zone's snapshots, of both APIs, to
// their creation dates as the tool writes them.
func creationDates(f *scalewaytest.Server, zone scaleway.Zone) map[string]string {
	dates := map[string]string{}
	for _, snap := range f.Snapshots(zone) {
		dates[snap.ID] = snap.CreationDate.UTC().Format(time.RFC3339)
	}
	for _, snap := range f.BlockSnapshots(zone) {
		dates[snap.ID] = snap.CreatedAt.UTC().Format(time.RFC3339)
	}
	return dates
}

// checkSeededRows checks rows against the seeded snapshots named, in that
// order, in zone.
func checkSeededRows(t *testing.T, f *scalewaytest.Server, zone scaleway.Zone, rows []tools.SnapshotItem, names ...string) {
	t.Helper()
	images, dates := imageIDsByName(f, zone), creationDates(f, zone)
	if len(rows) != len(names) {
		t.Fatalf("%d rows, want %d (%v)", len(rows), len(names), names)
	}
	for i, name := range names {
		seeded := seededSnapshots[slices.IndexFunc(seededSnapshots, func(s seededSnapshot) bool { return s.name == name })]
		usedBy := []string{}
		for _, image := range seeded.usedBy {
			usedBy = append(usedBy, images[image])
		}
		slices.Sort(usedBy)
		row := rows[i]
		if row.Name != name || row.Kind != seeded.kind || row.SizeGB == nil || *row.SizeGB != seeded.sizeGB || row.State != seeded.state ||
			row.Volume != "vol-"+name || row.CreationDate != dates[row.ID] || row.CreationDate == "" || !slices.Equal(row.UsedBy, usedBy) ||
			row.Zone != string(zone) || row.Snapshot != nil {
			t.Errorf("row %d = %+v, want %+v, used by %v, in %s", i, row, seeded, usedBy, zone)
		}
	}
}

func seededNames() []string {
	names := make([]string, len(seededSnapshots))
	for i, s := range seededSnapshots {
		names[i] = s.name
	}
	return names
}

// TestListSnapshotsOneZone lists the configured zone's snapshots: both
// kinds in one list, newest first, as compact rows under columns, each
// with the images that use it.
func TestListSnapshotsOneZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var out tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{}`, &out)
	if out.TotalCount != 6 || out.Truncated || len(out.FailedZones) != 0 || !slices.Equal(out.Columns, tools.SnapshotColumns) {
		t.Errorf("total %d, truncated %v, failed zones %v, columns %v", out.TotalCount, out.Truncated, out.FailedZones, out.Columns)
	}
	checkSeededRows(t, e.fake, "fr-par-1", out.Snapshots, seededNames()...)

	raw := testutil.ResultText(e.callRaw(t, tools.ListSnapshotsTool, `{}`))
	wantStart := `{"columns":["id","name","kind","size_gb","state","volume","creation_date","used_by","zone"],"snapshots":[["` +
		blockSnapshotNamed(t, e.fake, "fr-par-1", "snap-archive").ID + `","snap-archive","sbs",15,"available","vol-snap-archive","2025-09-15T14:35:00Z",[],"fr-par-1"],`
	if !strings.HasPrefix(raw, wantStart) {
		t.Errorf("compact list\n got %.300s\nwant %s", raw, wantStart)
	}
	// Every page of both APIs was asked for at once, at the most a page holds.
	for _, r := range e.fake.Requests() {
		switch r.Route {
		case scalewaytest.RouteListSnapshots, scalewaytest.RouteListImages:
			if !strings.Contains(r.RawQuery, "per_page=100") {
				t.Errorf("%s?%s: want per_page=100", r.Path, r.RawQuery)
			}
		case scalewaytest.RouteListBlockSnapshots:
			if !strings.Contains(r.RawQuery, "page_size=100") || !strings.Contains(r.RawQuery, "order_by=created_at_desc") {
				t.Errorf("%s?%s: want page_size=100 and order_by=created_at_desc", r.Path, r.RawQuery)
			}
		}
	}
}

// TestListSnapshotsFilters: name and project reach both APIs under their
// own names; unused keeps the snapshots no image uses; zone picks the
// zone.
func TestListSnapshotsFilters(t *testing.T) {
	t.Parallel()
	const otherProject = "33333333-3333-4333-8333-333333333333"
	tests := []struct {
		args      string
		zone      scaleway.Zone
		want      []string
		wantQuery map[scalewaytest.Route]string
	}{
		{`{"unused":true}`, "fr-par-1", []string{"snap-archive", "snap-spare"}, nil},
		{`{"name":"db-"}`, "fr-par-1", []string{"snap-db-data", "snap-db-root"},
			map[scalewaytest.Route]string{scalewaytest.RouteListSnapshots: "name=db-", scalewaytest.RouteListBlockSnapshots: "name=db-"}},
		{`{"name":"root","unused":true}`, "fr-par-1", []string{}, nil},
		{`{"project":"` + scalewaytest.DefaultProjectID + `","zone":"nl-ams-2"}`, "nl-ams-2", seededNames(),
			map[scalewaytest.Route]string{scalewaytest.RouteListSnapshots: "project=" + scalewaytest.DefaultProjectID, scalewaytest.RouteListBlockSnapshots: "project_id=" + scalewaytest.DefaultProjectID}},
		{`{"project":"` + otherProject + `"}`, "fr-par-1", []string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			var out tools.ListSnapshotsOutput
			e.call(t, tools.ListSnapshotsTool, tt.args, &out)
			checkSeededRows(t, e.fake, tt.zone, out.Snapshots, tt.want...)
			if out.TotalCount != len(tt.want) || out.Truncated {
				t.Errorf("total %d, truncated %v; want %d, false", out.TotalCount, out.Truncated, len(tt.want))
			}
			for route, want := range tt.wantQuery {
				for _, r := range e.fake.Requests() {
					if r.Route == route && !strings.Contains(r.RawQuery, want) {
						t.Errorf("%s?%s lacks %s", r.Path, r.RawQuery, want)
					}
				}
			}
			for _, r := range e.fake.Requests() {
				if r.Route == scalewaytest.RouteListImages && (strings.Contains(r.RawQuery, "name=") || strings.Contains(r.RawQuery, "project=")) {
					t.Errorf("the images that tell used_by were filtered: %s?%s", r.Path, r.RawQuery)
				}
			}
		})
	}
}

// TestListSnapshotsVerbose: verbose items are the APIs' objects, as a list
// answer carries them (a Block one without references), with kind and
// used_by beside them.
func TestListSnapshotsVerbose(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	raw := testutil.ResultText(e.callRaw(t, tools.ListSnapshotsTool, `{"verbose":true}`))
	var out struct {
		Columns   []string `json:"columns"`
		Snapshots []struct {
			Kind     string          `json:"kind"`
			UsedBy   []string        `json:"used_by"`
			Snapshot json.RawMessage `json:"snapshot"`
		} `json:"snapshots"`
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	if out.Columns != nil || len(out.Snapshots) != 6 {
		t.Fatalf("verbose list: columns %v, %d snapshots", out.Columns, len(out.Snapshots))
	}
	objects := map[string]any{}
	for _, snap := range e.fake.Snapshots("fr-par-1") {
		objects[snap.ID] = snap
	}
	for _, snap := range e.fake.BlockSnapshots("fr-par-1") {
		snap.References = nil // a list answer carries none
		objects[snap.ID] = snap
	}
	for i, item := range out.Snapshots {
		var id struct{ ID string }
		if err := json.Unmarshal(item.Snapshot, &id); err != nil {
			t.Fatal(err)
		}
		if diffs := recorded.Compare([]byte(jsonOf(t, objects[id.ID])), item.Snapshot, nil); len(diffs) > 0 {
			t.Errorf("item %d snapshot %s differs from the API's object: %v", i, item.Snapshot, diffs)
		}
		if item.UsedBy == nil || (item.Kind != "sbs" && item.Kind != "l_ssd") {
			t.Errorf("item %d: kind %q, used_by %v", i, item.Kind, item.UsedBy)
		}
	}

	var decoded tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{"verbose":true,"unused":true}`, &decoded)
	if len(decoded.Snapshots) != 2 {
		t.Fatalf("%d unused snapshots", len(decoded.Snapshots))
	}
	if snap, ok := decoded.Snapshots[0].Snapshot.(*scaleway.BlockSnapshot); !ok || snap.Name != "snap-archive" || snap.References != nil {
		t.Errorf("first verbose item %+v, want the Block snapshot snap-archive", decoded.Snapshots[0].Snapshot)
	}
	if snap, ok := decoded.Snapshots[1].Snapshot.(*scaleway.Snapshot); !ok || snap.Name != "snap-spare" || snap.VolumeType != scaleway.VolumeTypeLSSD {
		t.Errorf("second verbose item %+v, want the Instance snapshot snap-spare", decoded.Snapshots[1].Snapshot)
	}
}

// TestListSnapshotsAllZones lists every zone at once, newest first over
// all of them.
func TestListSnapshotsAllZones(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var out tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{"zone":"all"}`, &out)
	if len(out.Snapshots) != 60 || out.TotalCount != 60 || out.Truncated || len(out.FailedZones) != 0 {
		t.Fatalf("%d rows of %d, truncated %v, failed zones %v", len(out.Snapshots), out.TotalCount, out.Truncated, out.FailedZones)
	}
	byZone := map[scaleway.Zone][]tools.SnapshotItem{}
	for i, row := range out.Snapshots {
		byZone[scaleway.Zone(row.Zone)] = append(byZone[scaleway.Zone(row.Zone)], row)
		if i > 0 && row.CreationDate > out.Snapshots[i-1].CreationDate {
			t.Errorf("row %d (%s) is newer than row %d (%s)", i, row.CreationDate, i-1, out.Snapshots[i-1].CreationDate)
		}
	}
	for _, zone := range scaleway.Zones {
		checkSeededRows(t, e.fake, zone, byZone[zone], seededNames()...)
	}
}

// TestListSnapshotsWalksEveryPage: a zone with more snapshots than a page
// holds is read page by page on both APIs, newest first whatever their
// kind; the item cap keeps the newest and says truncated.
func TestListSnapshotsWalksEveryPage(t *testing.T) {
	t.Parallel()
	const instanceExtra, blockExtra = 230, 130
	list := func(t *testing.T, maxListItems int) (tools.ListSnapshotsOutput, *env) {
		e := newEnv(t, setup{maxListItems: maxListItems})
		addSnapshots(e.fake, "fr-par-1", instanceExtra, blockExtra)
		var out tools.ListSnapshotsOutput
		e.call(t, tools.ListSnapshotsTool, `{}`, &out)
		return out, e
	}
	all, e := list(t, 0)
	if len(all.Snapshots) != 6+instanceExtra+blockExtra || all.TotalCount != len(all.Snapshots) || all.Truncated {
		t.Errorf("%d rows of %d, truncated %v; want all %d", len(all.Snapshots), all.TotalCount, all.Truncated, 6+instanceExtra+blockExtra)
	}
	if n := e.fake.RequestCount(scalewaytest.RouteListSnapshots); n != 3 {
		t.Errorf("%d Instance pages read, want 3", n)
	}
	if n := e.fake.RequestCount(scalewaytest.RouteListBlockSnapshots); n != 2 {
		t.Errorf("%d Block pages read, want 2", n)
	}
	// The newest extra snapshots alternate between the APIs, Block first.
	for i, row := range all.Snapshots[:2*blockExtra] {
		want := fmt.Sprintf("extra-block-%04d", blockExtra-1-i/2)
		if i%2 == 1 {
			want = fmt.Sprintf("extra-local-%04d", instanceExtra-1-i/2)
		}
		if row.Name != want {
			t.Fatalf("row %d is %s, want %s: not newest first", i, row.Name, want)
		}
	}

	capped, _ := list(t, 250)
	if len(capped.Snapshots) != 250 || !capped.Truncated || capped.TotalCount != all.TotalCount {
		t.Errorf("capped: %d rows of %d, truncated %v; want 250 of %d, truncated", len(capped.Snapshots), capped.TotalCount, capped.Truncated, all.TotalCount)
	}
	for i, row := range capped.Snapshots {
		if row.ID != all.Snapshots[i].ID {
			t.Fatalf("capped row %d is %s, want %s: the cap must keep the newest", i, row.Name, all.Snapshots[i].Name)
		}
	}
}

// addSnapshots adds Instance and Block snapshots to zone, made after the
// seeded ones, a minute apart, the newest Block one a minute after the
// newest Instance one and the two alternating down to the oldest Block
// one.
func addSnapshots(f *scalewaytest.Server, zone scaleway.Zone, instance, block int) {
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range instance {
		at := scaleway.NewTimestamp(epoch.Add(time.Duration(2*i) * time.Minute))
		f.AddSnapshot(scaleway.Snapshot{
			ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("extra-local-%04d", i), VolumeType: scaleway.VolumeTypeLSSD,
			CreationDate: &at, ModificationDate: &at, Organization: scalewaytest.DefaultOrganizationID, Project: scalewaytest.DefaultProjectID,
			Size: 10e9, State: scaleway.SnapshotStateAvailable, Tags: []string{}, Zone: zone,
		})
	}
	for i := range block {
		at := scaleway.NewBlockTimestamp(epoch.Add(time.Duration(2*(i+instance-block)+1) * time.Minute))
		f.AddBlockSnapshot(scaleway.BlockSnapshot{
			ID: fmt.Sprintf("00000000-0000-4000-9000-%012d", i), Name: fmt.Sprintf("extra-block-%04d", i), Size: 10e9,
			ProjectID: scalewaytest.DefaultProjectID, CreatedAt: &at, UpdatedAt: &at, References: []scaleway.BlockReference{},
			Status: scaleway.BlockSnapshotAvailable, Tags: []string{}, Class: "sbs", Zone: zone,
		})
	}
}

// TestListSnapshotsFailures: a zone whose Block or Instance list fails
// still shows the other's snapshots and is named in failed_zones; a zone
// whose images cannot be read shows none (an unused snapshot could not be
// told from a used one) and is named too; the call fails only when no
// zone can show anything.
func TestListSnapshotsFailures(t *testing.T) {
	t.Parallel()
	denied := scalewaytest.ErrorAnswer(403, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"})
	tests := []struct {
		name     string
		args     string
		route    scalewaytest.Route
		faults   int
		wantRows int
		kept     []string // names of the failed zone's rows
		wantErr  []string // in the failed zone's error, or in the call's
	}{
		{"Block list of one zone", `{"zone":"all"}`, scalewaytest.RouteListBlockSnapshots, 1, 57,
			[]string{"snap-spare", "snap-db-root", "snap-web-root"}, []string{"permissions_denied", "listing block snapshots"}},
		{"Instance list of one zone", `{"zone":"all"}`, scalewaytest.RouteListSnapshots, 1, 57,
			[]string{"snap-archive", "snap-ci-root", "snap-db-data"}, []string{"permissions_denied", "listing snapshots"}},
		{"images of one zone", `{"zone":"all"}`, scalewaytest.RouteListImages, 1, 54,
			nil, []string{"permissions_denied", "reading which images use the snapshots", "left out"}},
		{"Block list of the one zone", `{}`, scalewaytest.RouteListBlockSnapshots, 1, 3,
			[]string{"snap-spare", "snap-db-root", "snap-web-root"}, []string{"permissions_denied"}},
		{"images of the one zone", `{}`, scalewaytest.RouteListImages, 1, 0,
			nil, []string{"permissions_denied", "reading which images use the snapshots"}},
		{"images of every zone", `{"zone":"all"}`, scalewaytest.RouteListImages, 10, 0,
			nil, []string{"permissions_denied", "in every zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			for range tt.faults {
				e.fake.Script(tt.route, denied)
			}
			if tt.wantRows == 0 {
				msg := e.callError(t, tools.ListSnapshotsTool, tt.args)
				for _, want := range tt.wantErr {
					if !strings.Contains(msg, want) {
						t.Errorf("error %q lacks %q", msg, want)
					}
				}
				return
			}
			var out tools.ListSnapshotsOutput
			e.call(t, tools.ListSnapshotsTool, tt.args, &out)
			if len(out.FailedZones) != 1 || len(out.Snapshots) != tt.wantRows {
				t.Fatalf("%d rows, failed zones %+v; want %d rows and one failed zone", len(out.Snapshots), out.FailedZones, tt.wantRows)
			}
			failed := out.FailedZones[0]
			for _, want := range tt.wantErr {
				if !strings.Contains(failed.Error, want) {
					t.Errorf("failed zone %s: error %q lacks %q", failed.Zone, failed.Error, want)
				}
			}
			var kept []tools.SnapshotItem
			for _, row := range out.Snapshots {
				if row.Zone == failed.Zone {
					kept = append(kept, row)
				}
			}
			checkSeededRows(t, e.fake, scaleway.Zone(failed.Zone), kept, tt.kept...)
		})
	}
}

// TestListSnapshotsRecorded lists against answers recorded from the real
// API: kinds (l_ssd, the legacy b_ssd, sbs), sizes, the volume each was
// taken from, dates, and verbose objects as the API sent them (the
// recorded Block list item has no references).
func TestListSnapshotsRecorded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []int // an Instance list, a Block list, a private images list
		want  []string
	}{
		{"two local snapshots and a Block one", []int{104, 188, 32}, []string{
			`["6c135c48-4a9c-4685-b199-6cec9cd4a039","custom-name-for-snapshot","l_ssd",20,"available","Ubuntu 22.04 Jammy Jellyfish","2026-07-30T12:54:38Z",[],"fr-par-1"]`,
			`["75ecf8a3-1da1-4c11-b1bc-64367963556e","snp-trusting-antonelli","l_ssd",20,"available","Ubuntu 22.04 Jammy Jellyfish","2026-07-30T12:53:37Z",[],"fr-par-1"]`,
			`["eef2759a-f3da-421d-8fb2-f84546eb1e06","test-ds-block-snapshot-basic","sbs",10,"available","tf-volume-youthful-goldstine","2023-11-23T12:58:54Z",[],"fr-par-1"]`,
		}},
		{"a legacy b_ssd snapshot", []int{194, 188, 49}, []string{
			`["eef2759a-f3da-421d-8fb2-f84546eb1e06","test-ds-block-snapshot-basic","sbs",10,"available","tf-volume-youthful-goldstine","2023-11-23T12:58:54Z",[],"fr-par-1"]`,
			`["06ac14f2-42db-457f-9255-06f181a601fb","tf-snapshot-ds-basic","b_ssd",2,"available","tf-vol-nostalgic-jang","2023-10-31T14:31:01Z",[],"fr-par-1"]`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows := recordedRows(t, tt.lines...)
			e := newEnv(t, setup{upstream: recorded.NewUpstream(rows...)})
			raw := testutil.ResultText(e.callRaw(t, tools.ListSnapshotsTool, `{}`))
			if want := `"snapshots":[` + strings.Join(tt.want, ",") + `]`; !strings.Contains(raw, want) {
				t.Errorf("rows\n got %s\nwant %s", raw, want)
			}

			// Verbose: each object is the recorded one, key for key.
			var verbose struct {
				Snapshots []struct {
					Snapshot json.RawMessage `json:"snapshot"`
				} `json:"snapshots"`
			}
			remarshal(t, e.callRaw(t, tools.ListSnapshotsTool, `{"verbose":true}`).StructuredContent, &verbose)
			recordedObjects := recordedListItems(t, rows[0], rows[1])
			if len(verbose.Snapshots) != len(recordedObjects) {
				t.Fatalf("%d verbose items, %d recorded", len(verbose.Snapshots), len(recordedObjects))
			}
			for _, item := range verbose.Snapshots {
				var id struct{ ID string }
				remarshal(t, item.Snapshot, &id)
				if diffs := recorded.Compare(recordedObjects[id.ID], item.Snapshot, nil); len(diffs) > 0 {
					t.Errorf("verbose %s differs from the recorded object: %v", id.ID, diffs)
				}
			}
		})
	}
}

// recordedListItems maps the ids of the items of recorded list answers to
// their objects.
func recordedListItems(t *testing.T, lists ...recorded.Row) map[string]json.RawMessage {
	t.Helper()
	items := map[string]json.RawMessage{}
	for _, row := range lists {
		var body struct{ Snapshots []json.RawMessage }
		remarshal(t, row.ResponseBody, &body)
		for _, item := range body.Snapshots {
			var id struct{ ID string }
			remarshal(t, item, &id)
			items[id.ID] = item
		}
	}
	return items
}

// TestListSnapshotsUsedByRecorded: which images use a snapshot, from
// recorded objects. No recorded list holds the snapshots of a recorded
// image, so the lists here are built from recorded single GETs: L40's
// image is made of L34's local snapshot and L41's and L42's Block ones.
// used_by is the union of what the images say and what a Block
// snapshot's references say.
func TestListSnapshotsUsedByRecorded(t *testing.T) {
	t.Parallel()
	const image = "1bda45e4-799e-4bf2-9401-15bb9dce289d"
	const local, first, second = "6afbccc9-7728-486e-913c-df52be61faa8", "e06982b3-b5b3-40d3-979c-7a57471641e0", "babb28ec-025f-43ed-8ccd-167e290e3ac2"
	tests := []struct {
		name  string
		lines []int // the local snapshot, the Block ones, a private images list
		want  map[string][]string
	}{
		{"the image names them, the references too", []int{34, 41, 42, 40}, map[string][]string{local: {image}, first: {image}, second: {image}}},
		{"only the references name the Block ones", []int{34, 41, 42, 32}, map[string][]string{local: {}, first: {image}, second: {image}}},
		{"only the image names them (references emptied)", []int{34, 44, 45, 40}, map[string][]string{local: {image}, first: {image}, second: {image}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows := recordedRows(t, tt.lines...)
			upstream := recorded.NewUpstream(listOf(t, rows[0]), listOf(t, rows[1], rows[2]), rows[3])
			e := newEnv(t, setup{upstream: upstream})
			var out tools.ListSnapshotsOutput
			e.call(t, tools.ListSnapshotsTool, `{}`, &out)
			got := map[string][]string{}
			for _, row := range out.Snapshots {
				got[row.ID] = row.UsedBy
			}
			if jsonOf(t, got) != jsonOf(t, tt.want) {
				t.Errorf("used_by %s, want %s", jsonOf(t, got), jsonOf(t, tt.want))
			}
			var unused tools.ListSnapshotsOutput
			e.call(t, tools.ListSnapshotsTool, `{"unused":true}`, &unused)
			for _, row := range unused.Snapshots {
				if len(tt.want[row.ID]) > 0 {
					t.Errorf("unused lists %s, which %v uses", row.ID, tt.want[row.ID])
				}
			}
		})
	}
}

// listOf is a list answer holding the objects of recorded single GETs on
// one collection: the Instance API's (a GET wraps its object in
// "snapshot"; a list counts in X-Total-Count) or the Block API's (a GET's
// object is unwrapped; a list counts in its body).
func listOf(t *testing.T, gets ...recorded.Row) recorded.Row {
	t.Helper()
	instance := strings.HasPrefix(gets[0].Path, "/instance/")
	var objects []string
	for _, get := range gets {
		object := get.ResponseBody
		if instance {
			var wrapped struct{ Snapshot json.RawMessage }
			remarshal(t, get.ResponseBody, &wrapped)
			object = wrapped.Snapshot
		}
		objects = append(objects, string(object))
	}
	list := recorded.Row{Method: "GET", Path: path.Dir(gets[0].Path), Status: 200, Header: gets[0].Header.Clone()}
	items := `"snapshots":[` + strings.Join(objects, ",") + `]`
	if instance {
		list.Header.Set("X-Total-Count", fmt.Sprint(len(objects)))
		list.ResponseBody = json.RawMessage("{" + items + "}")
	} else {
		list.ResponseBody = json.RawMessage(fmt.Sprintf(`{%s,"total_count":%d}`, items, len(objects)))
	}
	return list
}

// TestListedSnapshotsMakeImages: every listed id, of either kind, is a
// root_volume create-instance-image takes; the images made then show in
// used_by, and no snapshot is unused any more.
func TestListedSnapshotsMakeImages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var before tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{}`, &before)
	made := map[string]string{}
	for _, row := range before.Snapshots {
		var created tools.CreateImageOutput
		e.call(t, tools.CreateImageTool, `{"root_volume":"`+row.ID+`","arch":"x86_64"}`, &created)
		wantType := scaleway.VolumeTypeLSSD
		if row.Kind == "sbs" {
			wantType = scaleway.VolumeTypeSBSSnapshot
		}
		if created.Image.RootVolume.ID != row.ID || created.Image.RootVolume.VolumeType != wantType {
			t.Errorf("image from %s (%s) has root volume %+v", row.Name, row.Kind, created.Image.RootVolume)
		}
		made[row.ID] = created.Image.ID
	}
	var after tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{}`, &after)
	for _, row := range after.Snapshots {
		if !slices.Contains(row.UsedBy, made[row.ID]) {
			t.Errorf("%s used by %v, not by the image %s made from it", row.Name, row.UsedBy, made[row.ID])
		}
	}
	var unused tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{"unused":true}`, &unused)
	if len(unused.Snapshots) != 0 || unused.TotalCount != 0 {
		t.Errorf("unused after every snapshot made an image: %+v", unused.Snapshots)
	}
}
