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
