package tools_test

import (
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
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

// TestEveryInputPropertyIsDescribed: a model cannot guess defaults, match
// rules, units or which id a parameter wants from its name alone, so every
// input property of every tool, as tools/list shows it, says so.
func TestEveryInputPropertyIsDescribed(t *testing.T) {
	t.Parallel()
	var answer struct {
		Result struct {
			Tools []struct {
				Name        string `json:"name"`
				InputSchema struct {
					Properties map[string]struct {
						Description string `json:"description"`
					} `json:"properties"`
				} `json:"inputSchema"`
			} `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(newStdioSession(t).roundTrip(t, toolsListRequest), &answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.Result.Tools) == 0 {
		t.Fatal("tools/list listed no tool")
	}
	for _, tool := range answer.Result.Tools {
		if len(tool.InputSchema.Properties) == 0 {
			t.Errorf("%s: no input property", tool.Name)
		}
		for name, prop := range tool.InputSchema.Properties {
			if prop.Description == "" {
				t.Errorf("%s.%s has no description", tool.Name, name)
			}
		}
	}
}

// TestZoneDescriptionNamesTheConfiguredZone: which zone a call uses when
// it names none is known only at start-up; tools/list says it.
func TestZoneDescriptionNamesTheConfiguredZone(t *testing.T) {
	t.Parallel()
	server := mcp.NewServer(&mcp.Implementation{Name: "test", Version: "v0"}, nil)
	if _, err := tools.Register(server, &tools.Deps{DefaultZone: "nl-ams-1", Logger: zerolog.Nop()}, tools.Selection{}); err != nil {
		t.Fatal(err)
	}
	listed, err := testutil.ConnectInMemory(t, server, nil).ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range listed.Tools {
		var schema struct {
			Properties map[string]struct {
				Description string `json:"description"`
			} `json:"properties"`
		}
		remarshal(t, tool.InputSchema, &schema)
		want := "Default nl-ams-1"
		if tool.Name == tools.ListImagesTool || tool.Name == tools.ListSnapshotsTool {
			want += `; "all": every zone`
		}
		if got := schema.Properties["zone"].Description; got != want {
			t.Errorf("%s: zone description %q, want %q", tool.Name, got, want)
		}
	}
}
