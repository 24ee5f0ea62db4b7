package tools_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/recorded"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// These tests run the tools against an upstream that answers only with
// bodies recorded from the real API (testdata/recorded): what a user
// pointing the binary at api.scaleway.com gets.

func recordedRows(t *testing.T, lines ...int) []recorded.Row {
	t.Helper()
	rows, err := recorded.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]recorded.Row, len(lines))
	for i, line := range lines {
		out[i] = rows[line-1]
	}
	return out
}

// TestUpdateImageSendsTheRecordedPUT runs update-image for the intent of
// each of the six recorded PUTs, against the image as recorded just before
// it, and checks the body that reached the API: the recorded one, but for
// the differences recorded.Divergences lists (and explains) for the row.
func TestUpdateImageSendsTheRecordedPUT(t *testing.T) {
	t.Parallel()
	tests := []struct {
		before, put int    // the image as read, the recorded PUT
		args        string // the same intent, as update-image's arguments
	}{
		{85, 86, `{"extra_volumes":["75a137a4-2f26-456c-9751-591859e909af"]}`},
		{90, 91, `{"name":"foo"}`},
		{94, 95, `{"public":true}`},
		{200, 201, `{"zone":"nl-ams-1","name":"test_image_renamed","arch":"arm","public":true,"tags":["new tag"]}`},
		{210, 213, `{"extra_volumes":["daceee14-54fd-4f62-a0b1-48dab22fa4ac"]}`},
		{231, 232, `{"tags":[]}`},
	}
	for _, tt := range tests {
		rows := recordedRows(t, tt.before, tt.put)
		put := rows[1]
		t.Run(put.Name(), func(t *testing.T) {
			t.Parallel()
			upstream := recorded.NewUpstream(rows...)
			e := newEnv(t, setup{upstream: upstream})
			args := strings.Replace(tt.args, "{", `{"id":"`+put.ID()+`",`, 1)
			var out tools.ImageOutput
			e.call(t, tools.SetImageTool, args, &out)

			// The image is read, read again just before the write (to
			// catch a change made meanwhile), then replaced.
			sent := upstream.Requests()
			if len(sent) != 3 || sent[0].Method != http.MethodGet || sent[1].Method != http.MethodGet || sent[2].Method != http.MethodPut || sent[2].Path != put.Path {
				t.Fatalf("requests %+v, want two GETs then the PUT", sent)
			}
			body := sent[2].Body
			unexplained, unseen := recorded.Explained(put.Name(), "request", recorded.Compare(put.RequestBody, body, nil))
			if len(unexplained) > 0 {
				t.Errorf("PUT body %s\nrecorded %s\n  %s", body, put.RequestBody, strings.Join(unexplained, "\n  "))
			}
			for _, d := range unseen {
				t.Errorf("the listed divergence at %q no longer happens; take it off recorded.Divergences", d.Where)
			}
			if sent[2].Header.Get("Content-Type") != put.RequestType {
				t.Errorf("Content-Type %q, recorded %q", sent[2].Header.Get("Content-Type"), put.RequestType)
			}
			if out.Image == nil || out.Image.ID != put.ID() {
				t.Errorf("result %+v", out.Image)
			}
		})
	}
}

// TestGetReadsBlockSizes: an image whose volumes are Block Storage
// snapshots (size 0 and no name in the Instance API) shows their real
// size and name, read from the Block API as Scaleway's CLI does; a public
// image's, which the Block API will not show, stays null, and the call
// still succeeds.
func TestGetReadsBlockSizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []int             // the image, then the Block snapshots as recorded while it existed
		want  map[string]string // by volume ("root", "1", ...): name and size in bytes, or null
	}{
		{"sbs root volume", []int{51, 50}, map[string]string{"root": "cli-snp-naughty-shtern 20000000000"}},
		{"local root, sbs extra volumes", []int{43, 41, 42}, map[string]string{
			"root": "cli-snp-optimistic-wozniak 20000000000", "1": "cli-snp-interesting-feistel 10000000000", "2": "cli-snp-tender-mcnulty 15000000000",
		}},
		{"public image", []int{5}, map[string]string{"root": " null"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows := recordedRows(t, tt.lines...)
			e := newEnv(t, setup{upstream: recorded.NewUpstream(rows...)})
			var out tools.ImageOutput
			e.call(t, tools.GetImageTool, `{"image_id":"`+rows[0].ID()+`"}`, &out)
			got := map[string]string{"root": describeVolume(out.Image.RootVolume)}
			for key, v := range out.Image.ExtraVolumes {
				got[key] = describeVolume(v)
			}
			if jsonOf(t, got) != jsonOf(t, tt.want) {
				t.Errorf("volumes %s, want %s", jsonOf(t, got), jsonOf(t, tt.want))
			}
		})
	}
}

func describeVolume(v *tools.Volume) string {
	if v.Size == nil {
		return v.Name + " null"
	}
	return fmt.Sprintf("%s %d", v.Name, *v.Size)
}

// TestListsNeverShowZeroSizes lists recorded pages holding Block Storage
// volumes, compact, verbose and walking all pages: an unknown size is
// null, never 0, and a local volume keeps its size.
func TestListsNeverShowZeroSizes(t *testing.T) {
	t.Parallel()
	for _, line := range []int{49, 40} {
		for _, args := range []string{`{}`, `{"verbose":true}`, `{"all_pages":true}`} {
			rows := recordedRows(t, line)
			e := newEnv(t, setup{upstream: recorded.NewUpstream(rows...)})
			var out tools.ListImagesOutput
			e.call(t, tools.ListImagesTool, args, &out)
			raw := testutil.ResultText(e.callRaw(t, tools.ListImagesTool, args))
			if len(out.Images) != 1 || strings.Contains(raw, `"size":0`) || strings.Contains(raw, `"sbs_snapshot","size":0`) {
				t.Errorf("L%d %s: %s", line, args, raw)
			}
			item := out.Images[0]
			switch {
			case item.VolumeType == "sbs_snapshot" && item.SizeGB != nil:
				t.Errorf("L%d %s: sbs root volume size_gb %v, want null", line, args, *item.SizeGB)
			case item.VolumeType == "l_ssd" && (item.SizeGB == nil || *item.SizeGB != 20):
				t.Errorf("L%d %s: local root volume size_gb %v, want 20", line, args, item.SizeGB)
			}
		}
	}
}

// TestQuotaErrorAsTheAPIWritesIt: the older quota error, capitalised as
// the API has written it (the Go and JS SDKs' tests; no recorded call hit
// a quota), reads as a quota error.
func TestQuotaErrorAsTheAPIWritesIt(t *testing.T) {
	t.Parallel()
	quota := recorded.Row{
		Method: http.MethodPost, Path: "/instance/v1/zones/fr-par-1/images", Status: http.StatusForbidden,
		Header:       http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"99999999-9999-4999-8999-999999999999"}},
		ResponseBody: []byte(`{"type":"invalid_request_error","message":"Quota exceeded for this resource."}`),
	}
	e := newEnv(t, setup{upstream: recorded.NewUpstream(quota)})
	msg := e.callError(t, tools.CreateImageTool, `{"root_volume":"767b3439-ee03-4d60-9e70-295660a6b190","arch":"x86_64"}`)
	if !strings.HasPrefix(msg, "Scaleway error quotas_exceeded:") || !strings.Contains(msg, "Scaleway quota exceeded") || !strings.Contains(msg, "raise the quota") {
		t.Errorf("error %q", msg)
	}
}

// TestDeleteNamesRemainingSnapshots deletes a recorded image made of a
// local snapshot and two Block Storage ones: the result names each with
// its kind and size, read after the delete from the right API. One that
// cannot be read is listed with the reason, and the delete still stands.
func TestDeleteNamesRemainingSnapshots(t *testing.T) {
	t.Parallel()
	// L43: the image; L20: a recorded DELETE's 204, put on its path; L34:
	// its local snapshot; L44, L45: its Block snapshots after the delete.
	rows := recordedRows(t, 43, 20, 34, 44, 45)
	rows[1].Path = rows[0].Path
	const root, first, second = "6afbccc9-7728-486e-913c-df52be61faa8", "e06982b3-b5b3-40d3-979c-7a57471641e0", "babb28ec-025f-43ed-8ccd-167e290e3ac2"
	t.Run("every snapshot read", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, setup{upstream: recorded.NewUpstream(rows...)})
		var out tools.DeleteImageOutput
		e.call(t, tools.DeleteImageTool, `{"image_id":"`+rows[0].ID()+`"}`, &out)
		want := []tools.RemainingSnapshot{
			{ID: root, Kind: "instance", Name: "cli-snp-optimistic-wozniak", SizeGB: ptr(20.0), State: "available"},
			{ID: first, Kind: "block", Name: "cli-snp-interesting-feistel", SizeGB: ptr(10.0), State: "available"},
			{ID: second, Kind: "block", Name: "cli-snp-tender-mcnulty", SizeGB: ptr(15.0), State: "available"},
		}
		if jsonOf(t, out.RemainingSnapshots) != jsonOf(t, want) {
			t.Errorf("remaining %s\nwant %s", jsonOf(t, out.RemainingSnapshots), jsonOf(t, want))
		}
		if !strings.Contains(out.Message, second+" (block, cli-snp-tender-mcnulty, 15 GB)") || !strings.Contains(out.Message, "scw block snapshot delete") {
			t.Errorf("message %q", out.Message)
		}
	})
	t.Run("one snapshot unreadable", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, setup{upstream: recorded.NewUpstream(rows[0], rows[1], rows[3], rows[4])})
		var out tools.DeleteImageOutput
		e.call(t, tools.DeleteImageTool, `{"image_id":"`+rows[0].ID()+`"}`, &out)
		if len(out.RemainingSnapshots) != 3 || out.Deleted.ID != rows[0].ID() {
			t.Fatalf("result %+v", out)
		}
		lost := out.RemainingSnapshots[0]
		if lost.ID != root || lost.SizeGB != nil || !strings.Contains(lost.Error, "not_found") || out.RemainingSnapshots[2].SizeGB == nil {
			t.Errorf("remaining %+v", out.RemainingSnapshots)
		}
		if !strings.Contains(out.Message, root+" (instance, size unknown)") {
			t.Errorf("message %q", out.Message)
		}
	})
}

// TestRecordedSession is the whole task of a model with no prior
// knowledge of the account, against answers recorded from the real API:
// find a snapshot, make an image from it (waiting), find the image, change
// it with both update tools, read it, delete it. The recorded exchanges
// come from several cassettes, so two are aligned on one image: the PATCH
// of L59 ("name": "foo") and the image of L85 served as a list carry the
// id of the image L84 created. Every other byte is as recorded.
func TestRecordedSession(t *testing.T) {
	t.Parallel()
	rows := recordedRows(t, 104, 188, 32, 84, 85, 87, 86, 59, 88, 81)
	snapshots, blockSnapshots, imagesBefore, create, get, getAfterPut, put, patch, del, extraSnapshot := rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7], rows[8], rows[9]
	var created struct{ Image struct{ ID string } }
	remarshal(t, create.ResponseBody, &created)
	image := created.Image.ID
	patch = withImageID(patch, patch.ID(), image)
	imagesAfter := recorded.Row{Method: http.MethodGet, Path: imagesBefore.Path, Status: http.StatusOK, Header: get.Header.Clone()}
	var got struct{ Image json.RawMessage }
	remarshal(t, get.ResponseBody, &got)
	imagesAfter.ResponseBody = json.RawMessage(`{"images":[` + string(got.Image) + `]}`)
	imagesAfter.Header.Set("X-Total-Count", "1")
	// The image is read twice before the PUT (update-image reads it again
	// just before writing), then as it is after.
	upstream := recorded.NewUpstream(snapshots, blockSnapshots, imagesBefore, imagesAfter, create, get, get, getAfterPut, put, patch, del, extraSnapshot)
	e := newEnv(t, setup{upstream: upstream})

	// 1. A snapshot to make the image from.
	var found tools.ListSnapshotsOutput
	e.call(t, tools.ListSnapshotsTool, `{}`, &found)
	if len(found.Snapshots) != 3 {
		t.Fatalf("%d snapshots, want the 3 recorded", len(found.Snapshots))
	}
	root := found.Snapshots[0].ID

	// 2. The image, waited for: the real API answers it available at once.
	var made tools.CreateImageOutput
	e.call(t, tools.CreateImageTool, `{"root_volume":"`+root+`","arch":"x86_64","wait":true}`, &made)
	if made.Image == nil || made.Image.ID != image || made.Image.State != "available" {
		t.Fatalf("created %+v, want image %s available", made.Image, image)
	}
	sent := upstream.Requests()
	if last := sent[len(sent)-1]; last.Method != http.MethodPost || !strings.Contains(string(last.Body), `"root_volume":"`+root+`"`) {
		t.Errorf("the create sent %s %s, want the listed snapshot as root_volume", last.Method, last.Body)
	}

	// 3. Found by name.
	var listed tools.ListImagesOutput
	e.call(t, tools.ListImagesTool, `{"name":"`+made.Image.Name+`"}`, &listed)
	if len(listed.Images) != 1 || listed.Images[0].ID != image {
		t.Errorf("list by name found %+v, want image %s", listed.Images, image)
	}

	// 4. Changed with update-image (PUT, the recorded intent: an extra
	// volume) and update-image-2 (PATCH, a new name).
	var replaced, patched, read tools.ImageOutput
	e.call(t, tools.SetImageTool, `{"id":"`+image+`","extra_volumes":["75a137a4-2f26-456c-9751-591859e909af"]}`, &replaced)
	if replaced.Image == nil || replaced.Image.ExtraVolumes["1"] == nil || replaced.Image.ExtraVolumes["1"].ID != "75a137a4-2f26-456c-9751-591859e909af" {
		t.Errorf("after update-image: %+v", replaced.Image)
	}
	e.call(t, tools.UpdateImageTool, `{"image_id":"`+image+`","name":"foo"}`, &patched)
	if patched.Image == nil || patched.Image.ID != image || patched.Image.Name != "foo" {
		t.Errorf("after update-image-2: %+v", patched.Image)
	}

	// 5. Read, then deleted: the snapshots stay, and the result says so.
	e.call(t, tools.GetImageTool, `{"image_id":"`+image+`"}`, &read)
	if read.Image == nil || read.Image.ID != image {
		t.Errorf("get: %+v", read.Image)
	}
	var deleted tools.DeleteImageOutput
	e.call(t, tools.DeleteImageTool, `{"image_id":"`+image+`"}`, &deleted)
	if deleted.Deleted.ID != image || len(deleted.RemainingSnapshots) == 0 || !strings.Contains(deleted.Message, "still billed") {
		t.Errorf("delete: %+v", deleted)
	}
	var methods []string
	for _, r := range upstream.Requests() {
		methods = append(methods, r.Method)
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if !slices.Contains(methods, m) {
			t.Errorf("no %s reached the API: %v", m, methods)
		}
	}
}

// withImageID is a recorded row about image from, made about image to.
func withImageID(row recorded.Row, from, to string) recorded.Row {
	row.Path = strings.ReplaceAll(row.Path, from, to)
	row.ResponseBody = bytes.ReplaceAll(row.ResponseBody, []byte(from), []byte(to))
	return row
}
