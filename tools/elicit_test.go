package tools_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// answer is a client's reply to every question: the action, and for an
// accept the content, computed from the question.
func answer(action string, content func(*mcp.ElicitParams) map[string]any) func(*mcp.ElicitParams) *mcp.ElicitResult {
	return func(p *mcp.ElicitParams) *mcp.ElicitResult {
		res := &mcp.ElicitResult{Action: action}
		if content != nil {
			res.Content = content(p)
		}
		return res
	}
}

// choices are the snapshot ids a create question offers, in order.
func choices(t *testing.T, p *mcp.ElicitParams) []string {
	t.Helper()
	var schema struct {
		Properties map[string]struct {
			OneOf []struct {
				Const string `json:"const"`
				Title string `json:"title"`
			} `json:"oneOf"`
		} `json:"properties"`
	}
	remarshal(t, p.RequestedSchema, &schema)
	var ids []string
	for _, c := range schema.Properties["snapshot"].OneOf {
		ids = append(ids, c.Const)
	}
	return ids
}

func snapshotID(t *testing.T, f *scalewaytest.Server, name string) string {
	t.Helper()
	for _, s := range f.Snapshots("fr-par-1") {
		if s.Name == name {
			return s.ID
		}
	}
	for _, s := range f.BlockSnapshots("fr-par-1") {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no snapshot %s", name)
	return ""
}

func posts(f *scalewaytest.Server, route scalewaytest.Route) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}

// TestCreateAsksForASnapshot: a create without root_volume asks a client
// that can ask which snapshot (and, without arch, which architecture),
// offering the zone's usable snapshots newest first; declined or
// dismissed, nothing is created. A client that cannot ask gets the
// error it always got, in one round trip.
func TestCreateAsksForASnapshot(t *testing.T) {
	t.Parallel()
	first := func(p *mcp.ElicitParams) map[string]any {
		return map[string]any{"snapshot": choices(t, p)[0], "arch": "arm64"}
	}
	tests := []struct {
		name      string
		elicit    func(*mcp.ElicitParams) *mcp.ElicitResult
		args      string
		wantError string // "" for a created image
		asked     bool
	}{
		{"accept", answer("accept", first), `{"name":"picked"}`, "", true},
		{"decline", answer("decline", nil), `{"name":"picked","arch":"x86_64"}`, "Nothing was created: the user declined. Ask the user which snapshot to use, or pass root_volume", true},
		{"cancel", answer("cancel", nil), `{"name":"picked"}`, "Nothing was created: the user dismissed the question.", true},
		{"no elicitation", nil, `{"name":"picked","arch":"x86_64"}`, "invalid root_volume: is required: the id of a snapshot, from list-snapshots", false},
		{"invalid tags, not asked", answer("accept", first), `{"name":"picked","tags":["a\u0000"]}`, "tags[0]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{elicit: tt.elicit})
			res := e.callRaw(t, tools.CreateImageTool, tt.args)
			if asked := len(e.questions) > 0; asked != tt.asked {
				t.Fatalf("asked %v, want %v; result %s", asked, tt.asked, testutil.ResultText(res))
			}
			if tt.wantError != "" {
				if !res.IsError || !strings.Contains(testutil.ResultText(res), tt.wantError) {
					t.Fatalf("result %s, want an error with %q", testutil.ResultText(res), tt.wantError)
				}
				if n := posts(e.fake, scalewaytest.RouteCreateImage); n != 0 {
					t.Errorf("%d creates sent", n)
				}
				return
			}
			if res.IsError {
				t.Fatalf("tool error: %s", testutil.ResultText(res))
			}
			q := e.questions[0]
			offered := choices(t, q)
			if !strings.Contains(q.Message, `"picked"`) || !strings.Contains(q.Message, "fr-par-1") || len(offered) == 0 {
				t.Errorf("question %q offering %v", q.Message, offered)
			}
			// Every usable snapshot of the project is offered, whether an
			// image uses it or not; Scaleway's own are not.
			for _, name := range []string{"snap-spare", "snap-archive", "snap-web-root"} {
				if !slices.Contains(offered, snapshotID(t, e.fake, name)) {
					t.Errorf("%s not offered", name)
				}
			}
			var out struct {
				Image struct {
					RootVolume struct {
						ID string `json:"id"`
					} `json:"root_volume"`
					Arch string `json:"arch"`
				} `json:"image"`
			}
			if err := json.Unmarshal([]byte(testutil.ResultText(res)), &out); err != nil {
				t.Fatal(err)
			}
			if out.Image.RootVolume.ID != offered[0] || out.Image.Arch != "arm64" {
				t.Errorf("created from %s, %s; want %s, arm64", out.Image.RootVolume.ID, out.Image.Arch, offered[0])
			}
		})
	}
}

// TestDeleteAsksAboutSnapshots: with --confirm-deletes, a client that can
// ask is shown the image and its snapshots, and chooses: the image alone,
// or with the snapshots no other image uses, each through its own API;
// declined or dismissed, nothing is deleted. Without the flag, or without
// a client that can ask, the delete is the one call it always was.
func TestDeleteAsksAboutSnapshots(t *testing.T) {
	t.Parallel()
	withSnapshots := func(yes bool) func(*mcp.ElicitParams) map[string]any {
		return func(*mcp.ElicitParams) map[string]any { return map[string]any{"delete_snapshots": yes} }
	}
	tests := []struct {
		name        string
		confirm     bool
		elicit      func(*mcp.ElicitParams) *mcp.ElicitResult
		asked       bool
		wantDeleted bool     // the image
		wantGone    []string // snapshots deleted
		wantError   string
		blockFails  bool // the Block API refuses the snapshot's delete
	}{
		{"accept with snapshots", true, answer("accept", withSnapshots(true)), true, true, []string{"snap-spare", "snap-archive"}, "", false},
		{"accept, a snapshot refused", true, answer("accept", withSnapshots(true)), true, true, []string{"snap-spare"}, "", true},
		{"accept without", true, answer("accept", withSnapshots(false)), true, true, nil, "", false},
		{"decline", true, answer("decline", nil), true, false, nil, "Nothing was deleted: the user declined", false},
		{"cancel", true, answer("cancel", nil), true, false, nil, "Nothing was deleted: the user dismissed the question", false},
		{"flag off", false, answer("accept", withSnapshots(true)), false, true, nil, "", false},
		{"no elicitation", true, nil, false, true, nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{elicit: tt.elicit, confirmDeletes: tt.confirm})
			spare, archive, shared := snapshotID(t, e.fake, "snap-spare"), snapshotID(t, e.fake, "snap-archive"), snapshotID(t, e.fake, "snap-web-root")
			var created struct {
				Image struct {
					ID string `json:"id"`
				} `json:"image"`
			}
			e.call(t, tools.CreateImageTool, `{"name":"three","arch":"x86_64","root_volume":"`+spare+`","extra_volumes":["`+archive+`","`+shared+`"]}`, &created)
			e.fake.ResetRequests()
			if tt.blockFails {
				e.fake.Script(scalewaytest.RouteDeleteBlockSnapshot, scalewaytest.ErrorAnswer(http.StatusConflict, scaleway.Error{Type: "conflict", Message: "snapshot is busy"}))
			}

			res := e.callRaw(t, tools.DeleteImageTool, `{"image_id":"`+created.Image.ID+`"}`)
			if asked := len(e.questions) > 0; asked != tt.asked {
				t.Fatalf("asked %v, want %v; result %s", asked, tt.asked, testutil.ResultText(res))
			}
			if tt.asked {
				q := e.questions[0].Message
				if !strings.Contains(q, "three") || !strings.Contains(q, "snap-spare") || !strings.Contains(q, "snap-archive") || !strings.Contains(q, "snap-web-root (l_ssd, 10 GB, 2025-09-15), which other images use") {
					t.Errorf("question: %s", q)
				}
			}
			if tt.wantError != "" {
				if !res.IsError || !strings.Contains(testutil.ResultText(res), tt.wantError) {
					t.Fatalf("result %s, want %q", testutil.ResultText(res), tt.wantError)
				}
			} else if res.IsError {
				t.Fatalf("tool error: %s", testutil.ResultText(res))
			}
			stillThere := slices.ContainsFunc(e.fake.Images("fr-par-1"), func(img scaleway.Image) bool { return img.ID == created.Image.ID })
			if stillThere == tt.wantDeleted {
				t.Errorf("image still there: %v", stillThere)
			}
			wantSent := len(tt.wantGone)
			if tt.blockFails {
				wantSent++
			}
			if n := posts(e.fake, scalewaytest.RouteDeleteSnapshot) + posts(e.fake, scalewaytest.RouteDeleteBlockSnapshot); n != wantSent {
				t.Errorf("%d snapshot deletes sent, want %d", n, wantSent)
			}
			for _, name := range []string{"snap-spare", "snap-archive", "snap-web-root"} {
				exists := slices.ContainsFunc(e.fake.Snapshots("fr-par-1"), func(s scaleway.Snapshot) bool { return s.Name == name }) ||
					slices.ContainsFunc(e.fake.BlockSnapshots("fr-par-1"), func(s scaleway.BlockSnapshot) bool { return s.Name == name })
				if exists == slices.Contains(tt.wantGone, name) {
					t.Errorf("%s exists: %v", name, exists)
				}
			}
			if tt.wantDeleted && len(tt.wantGone) > 0 {
				var out tools.DeleteImageOutput
				if err := json.Unmarshal([]byte(testutil.ResultText(res)), &out); err != nil {
					t.Fatal(err)
				}
				remaining := []string{shared}
				want := "and 2 of its snapshots, no longer billed"
				if tt.blockFails {
					remaining = []string{archive, shared}
					want = "Could not delete: " + archive + ": Scaleway error conflict"
				}
				var ids []string
				for _, r := range out.RemainingSnapshots {
					ids = append(ids, r.ID)
				}
				if !slices.Equal(ids, remaining) || !strings.Contains(out.Message, want) {
					t.Errorf("remaining %v, want %v; message %q, want %q in it", ids, remaining, out.Message, want)
				}
			}
		})
	}
}
