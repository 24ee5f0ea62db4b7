package tools_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// retryable is what update-image says when the image changed between its
// read and its write.
const retryable = "changed since update-image read it"

// TestConcurrentWritesLoseNothing runs 100 pairs of calls on one image,
// the two calls of a pair at once through one MCP session: update-image
// renaming it with update-image-2 tagging it, then with update-image
// tagging it. update-image reads, merges and writes the whole image, so
// before the per-image lock one of the two changes was lost in silence
// (54 pairs in 100 with update-image-2, 100 in 100 with update-image).
// Now every call either succeeded and its change is in the image after
// the pair, or was refused with the retryable error.
func TestConcurrentWritesLoseNothing(t *testing.T) {
	t.Parallel()
	const pairs = 100
	tests := []struct {
		name     string
		tagTool  string
		tagIDKey string
	}{
		{"update-image and update-image-2", tools.UpdateImageTool, "image_id"},
		{"update-image and update-image", tools.SetImageTool, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{})
			id := privateImage(t, e.fake.Fake).ID
			var lost, refused int
			for i := range pairs {
				name, tag := fmt.Sprintf("name-%d", i), fmt.Sprintf("tag-%d", i)
				results := e.callAtOnce(t,
					toolCall{tools.SetImageTool, `{"id":"` + id + `","name":"` + name + `"}`},
					toolCall{tt.tagTool, `{"` + tt.tagIDKey + `":"` + id + `","tags":["` + tag + `"]}`})
				if results == nil {
					t.FailNow()
				}
				final := imageByID(t, e.fake.Fake, id)
				kept := []bool{final.Name == name, slices.Equal(final.Tags, []string{tag})}
				for j, res := range results {
					switch msg := testutil.ResultText(res); {
					case res.IsError && strings.Contains(msg, retryable):
						refused++
					case res.IsError:
						t.Fatalf("pair %d call %d: unexpected error %s", i, j, msg)
					case !kept[j]:
						lost++
					}
				}
			}
			t.Logf("%d pairs: %d changes lost, %d calls refused with the retryable error", pairs, lost, refused)
			if lost != 0 {
				t.Errorf("%d changes lost in %d pairs; want none", lost, pairs)
			}
		})
	}
}

// TestWritesOfOneImageNeverOverlap starts update-image, update-image-2
// and delete-instance-image on each of 30 images at once, and watches
// what reaches the API: two writes of one image are never in flight
// together, and a delete's read is never overtaken by another write (so
// the snapshots it reports are those of the image it deleted).
func TestWritesOfOneImageNeverOverlap(t *testing.T) {
	t.Parallel()
	fake := scalewaytest.New(scalewaytest.Options{ExtraImages: 300})
	var mu sync.Mutex
	busy := map[string]bool{} // image path -> a write sequence is in flight
	overlaps := 0
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || strings.Contains(r.URL.Path, "/images/") {
			mu.Lock()
			if busy[r.URL.Path] {
				overlaps++
			}
			busy[r.URL.Path] = true
			mu.Unlock()
			defer func() {
				mu.Lock()
				busy[r.URL.Path] = false
				mu.Unlock()
			}()
			// Give another call every chance to come in meanwhile.
			for range 100 {
				runtime.Gosched()
			}
		}
		fake.ServeHTTP(w, r)
	})
	e := newEnv(t, setup{upstream: upstream})
	var ids []string
	for _, img := range fake.Images("fr-par-1") {
		if !img.Public {
			ids = append(ids, img.ID)
		}
	}
	var wg sync.WaitGroup
	for _, id := range ids[:30] {
		wg.Go(func() {
			results := e.callAtOnce(t,
				toolCall{tools.SetImageTool, `{"id":"` + id + `","name":"renamed"}`},
				toolCall{tools.UpdateImageTool, `{"image_id":"` + id + `","tags":["tagged"]}`},
				toolCall{tools.DeleteImageTool, `{"image_id":"` + id + `"}`})
			if results != nil && results[2].IsError {
				t.Errorf("delete of %s: %s", id, testutil.ResultText(results[2]))
			}
		})
	}
	wg.Wait()
	if overlaps != 0 {
		t.Errorf("%d requests on an image came in while another call's request on it was in flight", overlaps)
	}
}

type toolCall struct{ tool, args string }

// callAtOnce starts every call together and returns their results, in
// order, or nil after reporting a protocol error (it may run outside the
// test's goroutine, so it does not stop the test).
func (e *env) callAtOnce(t *testing.T, calls ...toolCall) []*mcp.CallToolResult {
	t.Helper()
	results := make([]*mcp.CallToolResult, len(calls))
	errs := make([]error, len(calls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() {
			<-start
			results[i], errs[i] = e.session.CallTool(t.Context(), &mcp.CallToolParams{Name: call.tool, Arguments: json.RawMessage(call.args)})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s: protocol error: %v", calls[i].tool, err)
			return nil
		}
	}
	return results
}

// TestUpdateImageRefusesAnImageChangedMeanwhile: another writer, outside
// this process and its lock, changes the image between update-image's
// read and its write. update-image must see it (it reads the image again
// before writing, and compares all of it: an extra_volumes change does
// not move modification_date), write nothing, and say to retry.
func TestUpdateImageRefusesAnImageChangedMeanwhile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, change string // the other writer's PATCH
		kept         func(img scaleway.Image, snapshot string) bool
	}{
		{"tags", `{"tags":["theirs"]}`, func(img scaleway.Image, _ string) bool { return slices.Equal(img.Tags, []string{"theirs"}) }},
		{"name", `{"name":"theirs"}`, func(img scaleway.Image, _ string) bool { return img.Name == "theirs" }},
		{"extra volumes only", `{"extra_volumes":{"1":{"id":"%s"}}}`, func(img scaleway.Image, snapshot string) bool {
			return len(img.ExtraVolumes) == 1 && img.ExtraVolumes["1"].ID == snapshot
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := scalewaytest.New(scalewaytest.Options{})
			img := privateImage(t, fake)
			snapshot := fake.Snapshots("fr-par-1")[1].ID
			path := "/instance/v1/zones/fr-par-1/images/" + img.ID
			var once sync.Once
			upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fake.ServeHTTP(w, r)
				// Once update-image has its first read, the other
				// writer changes the image.
				if r.Method == http.MethodGet && r.URL.Path == path {
					once.Do(func() { otherWriter(t, fake, path, strings.ReplaceAll(tt.change, "%s", snapshot)) })
				}
			})
			e := newEnv(t, setup{upstream: upstream})
			msg := e.callError(t, tools.SetImageTool, `{"id":"`+img.ID+`","name":"ours","tags":["ours"]}`)
			want := "image " + img.ID + " changed since update-image read it (by whom is unknown), so nothing was written; " +
				"call update-image again, or use update-image-2, which changes only the fields it names"
			if msg != want {
				t.Errorf("error %q\nwant %q", msg, want)
			}
			if got := fake.RequestCount(scalewaytest.RouteSetImage); got != 0 {
				t.Errorf("%d PUT requests reached the API; want none", got)
			}
			if final := imageByID(t, fake, img.ID); !tt.kept(final, snapshot) || final.Name == "ours" {
				t.Errorf("image after the refusal: %+v; want the other writer's change and not ours", final)
			}
		})
	}
}

// otherWriter PATCHes the image straight on the fake, as another process
// would.
func otherWriter(t *testing.T, fake *scalewaytest.Fake, path, body string) {
	req := httptest.NewRequest(http.MethodPatch, path, strings.NewReader(body))
	req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
	rec := httptest.NewRecorder()
	fake.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Errorf("the other writer's PATCH: %d %s", rec.Code, rec.Body)
	}
}

// privateImage is the first image of the default project in fr-par-1.
func privateImage(t *testing.T, fake *scalewaytest.Fake) scaleway.Image {
	t.Helper()
	for _, img := range fake.Images("fr-par-1") {
		if !img.Public {
			return img
		}
	}
	t.Fatal("the fake has no private image in fr-par-1")
	return scaleway.Image{}
}

func imageByID(t *testing.T, fake *scalewaytest.Fake, id string) scaleway.Image {
	t.Helper()
	for _, img := range fake.Images("fr-par-1") {
		if img.ID == id {
			return img
		}
	}
	t.Fatalf("no image %s in fr-par-1", id)
	return scaleway.Image{}
}
