package tools

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// TestAppendStringMatchesEncodingJSON checks the hand-written row encoder
// against encoding/json on strings that need escaping.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", `quo"te`, `back\slash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f", "<b>&amp;</b>",
		"é ü 日本 🚀", "line\u2028para\u2029end", "bad\xffutf8\xc3", "\xe2\x80",
	} {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestImageItemRoundTrips(t *testing.T) {
	t.Parallel()
	created := scaleway.NewTimestamp(time.Date(2025, 9, 15, 15, 30, 0, 123000, time.UTC))
	img := &scaleway.Image{
		ID: "2075b8fb-6b96-8ced-ace7-889afec266b1", Name: `web "front"`, Arch: scaleway.ArchArm64, State: scaleway.ImageStateCreating,
		Public: true, Zone: "nl-ams-2", CreationDate: &created, Tags: []string{"a", "b"},
		RootVolume: &scaleway.VolumeSummary{ID: "22edaf7b-c133-8b66-ade7-dcd1ed701b23", Name: "root", Size: 10_500_000_000, VolumeType: scaleway.VolumeTypeSBSSnapshot},
	}
	compact := newImageItem(img, false)
	encoded, err := json.Marshal(compact)
	if err != nil {
		t.Fatal(err)
	}
	want := `["2075b8fb-6b96-8ced-ace7-889afec266b1","web \"front\"","arm64","creating",true,"nl-ams-2","2025-09-15T15:30:00Z","22edaf7b-c133-8b66-ade7-dcd1ed701b23",10.5,"sbs_snapshot",["a","b"]]`
	if string(encoded) != want {
		t.Errorf("compact row\n got %s\nwant %s", encoded, want)
	}
	var decoded ImageItem
	if err := json.Unmarshal(encoded, &decoded); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(decoded, compact) {
		t.Errorf("decoded row %+v, want %+v", decoded, compact)
	}

	bare := newImageItem(&scaleway.Image{ID: "x", State: scaleway.ImageStateError}, false)
	encoded, _ = json.Marshal(bare)
	if string(encoded) != `["x","","","error",false,"",null,null,null,null,[]]` {
		t.Errorf("row without root volume or date: %s", encoded)
	}

	verbose := newImageItem(img, true)
	encoded, _ = json.Marshal(verbose)
	if got, want := decodeJSON(t, encoded), decodeJSON(t, mustJSON(t, img)); !reflect.DeepEqual(got, want) {
		t.Errorf("verbose item %s, want the whole object %s", encoded, mustJSON(t, img))
	}
	// A Block Storage volume that the Instance API sizes 0 has no known
	// size: null, never 0.
	unsized := *img
	unsized.RootVolume = &scaleway.VolumeSummary{ID: img.RootVolume.ID, VolumeType: scaleway.VolumeTypeSBSSnapshot}
	encoded, _ = json.Marshal(newImageItem(&unsized, true))
	if want := `"root_volume":{"id":"22edaf7b-c133-8b66-ade7-dcd1ed701b23","name":"","size":null,"volume_type":"sbs_snapshot"}`; !strings.Contains(string(encoded), want) {
		t.Errorf("verbose item %s, want %s", encoded, want)
	}
	encoded, _ = json.Marshal(newImageItem(&unsized, false))
	if want := `"22edaf7b-c133-8b66-ade7-dcd1ed701b23",null,"sbs_snapshot"`; !strings.Contains(string(encoded), want) {
		t.Errorf("compact row %s, want size_gb null: %s", encoded, want)
	}
	encoded, _ = json.Marshal(verbose)
	if err := json.Unmarshal(encoded, &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.Image == nil || decoded.Image.RootVolume.Name != "root" || decoded.RootVolume != img.RootVolume.ID || decoded.SizeGB == nil || *decoded.SizeGB != 10.5 {
		t.Errorf("decoded object %+v", decoded)
	}

	for _, bad := range []string{`[1,2]`, `"row"`, `[1,"","","",false,"",null,null,null,null,[]]`} {
		if err := json.Unmarshal([]byte(bad), &decoded); err == nil {
			t.Errorf("decoding %s succeeded", bad)
		}
	}
}

// TestSnapshotItemRoundTrips: a listed snapshot of either API encodes as
// its row, or as {kind, used_by, snapshot} when verbose, and decodes back
// from both.
func TestSnapshotItemRoundTrips(t *testing.T) {
	t.Parallel()
	created := scaleway.NewTimestamp(time.Date(2025, 9, 15, 15, 30, 0, 123000, time.UTC))
	local := &scaleway.Snapshot{
		ID: "2075b8fb-6b96-8ced-ace7-889afec266b1", Name: `db "root"`, VolumeType: scaleway.VolumeTypeBSSD, CreationDate: &created,
		Size: 2_500_000_000, State: scaleway.SnapshotStateSnapshotting, Zone: "nl-ams-2", Tags: []string{},
		BaseVolume: &scaleway.SnapshotBaseVolume{ID: "22edaf7b-c133-8b66-ade7-dcd1ed701b23", Name: "vol-db"},
	}
	block := &scaleway.BlockSnapshot{ID: "33edaf7b-c133-8b66-ade7-dcd1ed701b23", Name: "archive", Status: scaleway.BlockSnapshotAvailable, Zone: "fr-par-1", Class: "sbs"}
	tests := []struct {
		name    string
		item    SnapshotItem
		wantRow string
	}{
		{"local", newInstanceSnapshotItem(local, []string{"img-1", "img-2"}, false),
			`["2075b8fb-6b96-8ced-ace7-889afec266b1","db \"root\"","b_ssd",2.5,"snapshotting","vol-db","2025-09-15T15:30:00Z",["img-1","img-2"],"nl-ams-2"]`},
		{"block without size, volume or date", newBlockSnapshotItem(block, []string{}, false),
			`["33edaf7b-c133-8b66-ade7-dcd1ed701b23","archive","sbs",null,"available",null,null,[],"fr-par-1"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			row := mustJSON(t, tt.item)
			if string(row) != tt.wantRow {
				t.Errorf("row\n got %s\nwant %s", row, tt.wantRow)
			}
			var decoded SnapshotItem
			if err := json.Unmarshal(row, &decoded); err != nil {
				t.Fatal(err)
			}
			if again := mustJSON(t, decoded); string(again) != string(row) {
				t.Errorf("decoded row encodes as %s", again)
			}
		})
	}

	verbose := mustJSON(t, newInstanceSnapshotItem(local, []string{"img-1"}, true))
	if want := `{"kind":"b_ssd","used_by":["img-1"],"snapshot":` + string(mustJSON(t, local)) + `}`; string(verbose) != want {
		t.Errorf("verbose item\n got %s\nwant %s", verbose, want)
	}
	// Decoded, a verbose item holds the object of its kind's API.
	for object, wantType := range map[string]string{
		string(verbose): "*scaleway.Snapshot",
		string(mustJSON(t, newBlockSnapshotItem(block, nil, true))): "*scaleway.BlockSnapshot",
	} {
		var decoded SnapshotItem
		if err := json.Unmarshal([]byte(object), &decoded); err != nil {
			t.Fatal(err)
		}
		if again := mustJSON(t, decoded); string(again) != object || reflect.TypeOf(decoded.Snapshot).String() != wantType {
			t.Errorf("verbose item %s decodes to a %T and encodes as %s", object, decoded.Snapshot, again)
		}
	}

	for _, bad := range []string{`[1,2]`, `"row"`, `["x","","sbs",null,"",null,null,"not a list","fr-par-1"]`, `{"kind":"sbs","snapshot":[]}`} {
		var decoded SnapshotItem
		if err := json.Unmarshal([]byte(bad), &decoded); err == nil {
			t.Errorf("decoding %s succeeded", bad)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
