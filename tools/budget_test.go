package tools_test

import (
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// TestSizeBudgets holds the two size budgets of BENCHMARKS.md, so that a
// longer description or a richer schema fails here rather than silently
// costing every session: the tools/list answer, as it goes over stdio, is
// at most 8,192 bytes (the 6,000 of before left no room to say what a
// model needs), and a compact listed image at most 35% of its API JSON.
func TestSizeBudgets(t *testing.T) {
	t.Parallel()
	answer := newStdioSession(t).roundTrip(t, toolsListRequest)
	if len(answer) > 8192 {
		t.Errorf("the tools/list answer is %d bytes, over the budget of 8,192", len(answer))
	}
	images := fakeImages()
	raw, compact, verbose, columns, err := imageBytes(images)
	if err != nil {
		t.Fatal(err)
	}
	if compact > 0.35*raw {
		t.Errorf("a compact listed image is %.1f bytes, %.1f%% of its %.1f bytes of API JSON; the budget is 35%%", compact, 100*compact/raw, raw)
	}
	// A verbose image is the API's object, but for the Block Storage sizes
	// the Instance API writes 0 and the tools write null: 3 bytes more.
	unknown := 0
	for _, img := range images {
		if rv := img.RootVolume; rv != nil && rv.VolumeType == scaleway.VolumeTypeSBSSnapshot && rv.Size == 0 {
			unknown++
		}
		for _, v := range img.ExtraVolumes {
			if v.VolumeType == scaleway.VolumeTypeSBSSnapshot && v.Size == 0 {
				unknown++
			}
		}
	}
	if want := raw + 3*float64(unknown)/float64(len(images)); verbose != want {
		t.Errorf("a verbose listed image is %.1f bytes, want the API object's %.1f with unknown sizes null (%.1f)", verbose, raw, want)
	}
	t.Logf("tools/list %d bytes; per image: raw %.1f, compact %.1f (%.1f%%), columns header %.0f per list", len(answer), raw, compact, 100*compact/raw, columns)
}
