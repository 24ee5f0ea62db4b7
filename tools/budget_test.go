package tools_test

import (
	"testing"
)

// TestSizeBudgets holds the two size budgets of BENCHMARKS.md, so that a
// longer description or a richer schema fails here rather than silently
// costing every session: the tools/list answer, as it goes over stdio, is
// at most 6,000 bytes, and a compact listed image at most 35% of its API
// JSON.
func TestSizeBudgets(t *testing.T) {
	t.Parallel()
	answer := newStdioSession(t).roundTrip(t, toolsListRequest)
	if len(answer) > 6000 {
		t.Errorf("the tools/list answer is %d bytes, over the budget of 6,000", len(answer))
	}
	raw, compact, verbose, columns, err := imageBytes(fakeImages())
	if err != nil {
		t.Fatal(err)
	}
	if compact > 0.35*raw {
		t.Errorf("a compact listed image is %.1f bytes, %.1f%% of its %.1f bytes of API JSON; the budget is 35%%", compact, 100*compact/raw, raw)
	}
	if verbose != raw {
		t.Errorf("a verbose listed image is %.1f bytes, want the API object's %.1f", verbose, raw)
	}
	t.Logf("tools/list %d bytes; per image: raw %.1f, compact %.1f (%.1f%%), columns header %.0f per list", len(answer), raw, compact, 100*compact/raw, columns)
}
