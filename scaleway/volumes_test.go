package scaleway_test

import (
	"maps"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// TestVolumeMap: a list of snapshot ids becomes the extra_volumes map
// keyed by position from "1"; nil stays nil, and empty stays empty (a PUT
// that removes every extra volume sends {}).
func TestVolumeMap(t *testing.T) {
	t.Parallel()
	id := func(id string) string { return id }
	tests := []struct {
		name string
		ids  []string
		want map[string]string
	}{
		{"nil", nil, nil},
		{"empty", []string{}, map[string]string{}},
		{"in order from 1", []string{"a", "b", "c"}, map[string]string{"1": "a", "2": "b", "3": "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := scaleway.VolumeMap(tt.ids, id)
			if !maps.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("VolumeMap(%q) = %v; want %v", tt.ids, got, tt.want)
			}
		})
	}
	volumes := scaleway.VolumeMap([]string{"a"}, func(id string) *scaleway.VolumeTemplate { return &scaleway.VolumeTemplate{ID: id} })
	if volumes["1"].ID != "a" {
		t.Errorf("volumes = %v", volumes)
	}
}
