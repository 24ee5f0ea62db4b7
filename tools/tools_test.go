package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

func TestHintsAreTheSeeds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	listed, err := e.session.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// name: readOnly, destructive, idempotent (seed/instance-images.yaml),
	// and list-snapshots, which is not the seed's: it only reads.
	want := map[string][3]bool{
		"list-instance-images":  {true, false, true},
		"create-instance-image": {false, false, false},
		"update-image":          {false, false, true},
		"get-instance-image":    {true, false, true},
		"update-image-2":        {false, false, true},
		"delete-instance-image": {false, true, true},
		"list-snapshots":        {true, false, true},
	}
	if len(listed.Tools) != len(want) {
		t.Fatalf("%d tools listed, want %d", len(listed.Tools), len(want))
	}
	for _, tool := range listed.Tools {
		w, ok := want[tool.Name]
		if !ok {
			t.Errorf("unexpected tool %s", tool.Name)
			continue
		}
		a := tool.Annotations
		if a == nil || a.DestructiveHint == nil || a.OpenWorldHint == nil {
			t.Fatalf("%s: hints not all set explicitly: %+v", tool.Name, a)
		}
		got := [3]bool{a.ReadOnlyHint, *a.DestructiveHint, a.IdempotentHint}
		if got != w || !*a.OpenWorldHint {
			t.Errorf("%s: hints %v openWorld %v, want %v and true", tool.Name, got, *a.OpenWorldHint, w)
		}
		if tool.Title == "" || len(tool.Description) < 40 {
			t.Errorf("%s: title or description missing", tool.Name)
		}
	}
}

func TestListCompactByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var out tools.ListImagesOutput
	e.call(t, tools.ListImagesTool, `{}`, &out)
	if out.TotalCount != 3 || len(out.Images) != 3 || out.Page != 1 || out.PerPage != 20 || out.NextPage != 0 {
		t.Fatalf("private images of fr-par-1: %+v", out)
	}
	want := e.fake.Images("fr-par-1")
	for i, img := range out.Images {
		if img.Image != nil {
			t.Errorf("compact item %d decoded as a whole object", i)
		}
		var private *scaleway.Image
		for j := range want {
			if want[j].ID == img.ID {
				private = &want[j]
			}
		}
		if private == nil {
			t.Fatalf("listed %s, not an image of fr-par-1", img.ID)
		}
		if img.Public || img.Zone != "fr-par-1" || img.Name != private.Name || img.Arch != string(private.Arch) ||
			img.State != "available" || img.RootVolume != private.RootVolume.ID || img.VolumeType != string(private.RootVolume.VolumeType) ||
			!sameSize(img.SizeGB, private.RootVolume) || !slices.Equal(img.Tags, private.Tags) ||
			img.CreationDate != private.CreationDate.UTC().Format(time.RFC3339) {
			t.Errorf("compact item %d = %+v, want the values of %+v", i, img, private)
		}
	}
	raw := testutil.ResultText(e.callRaw(t, tools.ListImagesTool, `{}`))
	if !strings.HasPrefix(raw, `{"columns":["id","name","arch","state","public","zone","creation_date","root_volume","size_gb","volume_type","tags"],"images":[["`) {
		t.Errorf("compact list does not start with its columns and a row: %.200s", raw)
	}
	for _, verboseKey := range []string{"modification_date", "organization", `"project"`, "extra_volumes", "default_bootscript"} {
		if strings.Contains(raw, verboseKey) {
			t.Errorf("compact list has the verbose key %s: %s", verboseKey, raw)
		}
	}
}

func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	tests := []struct {
		args      string
		wantTotal int
		wantNext  int
		check     func(t *testing.T, out tools.ListImagesOutput)
	}{
		{`{"public":true}`, 14, 0, func(t *testing.T, out tools.ListImagesOutput) {
			if !out.Images[0].Public {
				t.Errorf("public=true listed a private image")
			}
		}},
		{`{"public":true,"per_page":5}`, 14, 2, nil},
		{`{"public":true,"per_page":5,"page":3}`, 14, 0, func(t *testing.T, out tools.ListImagesOutput) {
			if len(out.Images) != 4 {
				t.Errorf("last page has %d images, want 4", len(out.Images))
			}
		}},
		{`{"public":true,"arch":"arm64"}`, 7, 0, nil},
		{`{"tags":["prod"]}`, 2, 0, nil},
		{`{"tags":["prod","db"]}`, 1, 0, nil},
		{`{"name":"postgres"}`, 1, 0, nil},
		{`{"project":"` + scalewaytest.DefaultProjectID + `","zone":"nl-ams-2"}`, 3, 0, func(t *testing.T, out tools.ListImagesOutput) {
			if out.Images[0].Zone != "nl-ams-2" {
				t.Errorf("zone not honoured: %s", out.Images[0].Zone)
			}
		}},
		{`{"public":true,"page":9}`, 14, 0, func(t *testing.T, out tools.ListImagesOutput) {
			if len(out.Images) != 0 {
				t.Errorf("page past the end has %d images", len(out.Images))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			t.Parallel()
			var out tools.ListImagesOutput
			e.call(t, tools.ListImagesTool, tt.args, &out)
			if out.TotalCount != tt.wantTotal || out.NextPage != tt.wantNext {
				t.Errorf("total %d next %d, want %d and %d", out.TotalCount, out.NextPage, tt.wantTotal, tt.wantNext)
			}
			if tt.check != nil {
				tt.check(t, out)
			}
		})
	}
}

func TestListVerboseAllPagesAndAllZones(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{fake: scalewaytest.Options{ExtraImages: 300}})

	var verbose tools.ListImagesOutput
	e.call(t, tools.ListImagesTool, `{"verbose":true,"name":"postgres"}`, &verbose)
	img := verbose.Images[0].Image
	if img == nil || img.Project != scalewaytest.DefaultProjectID || len(img.ExtraVolumes) != 1 || img.FromServer == nil || *img.FromServer == "" ||
		img.ModificationDate == nil || img.RootVolume == nil || img.RootVolume.Name == "" || verbose.Columns != nil {
		t.Errorf("verbose item is not the whole object: %+v (columns %v)", img, verbose.Columns)
	}
	if raw := testutil.ResultText(e.callRaw(t, tools.ListImagesTool, `{"verbose":true,"name":"postgres"}`)); !strings.Contains(raw, `"images":[{"id":`) || !strings.Contains(raw, `"default_bootscript":null`) {
		t.Errorf("verbose list does not carry API objects: %s", raw)
	}

	var all tools.ListImagesOutput
	e.call(t, tools.ListImagesTool, `{"all_pages":true}`, &all)
	if len(all.Images) != all.TotalCount || all.TotalCount != 3+30 || all.Truncated {
		t.Errorf("all_pages in fr-par-1: %d of %d, truncated %v", len(all.Images), all.TotalCount, all.Truncated)
	}
	ids := map[string]bool{}
	for _, img := range all.Images {
		if ids[img.ID] {
			t.Fatalf("image %s listed twice", img.ID)
		}
		ids[img.ID] = true
	}

	var zones tools.ListImagesOutput
	e.call(t, tools.ListImagesTool, `{"zone":"all","all_pages":true}`, &zones)
	if zones.TotalCount != 10*3+300 || len(zones.Images) != zones.TotalCount {
		t.Errorf("zone all: %d of %d images", len(zones.Images), zones.TotalCount)
	}
	seen := map[string]bool{}
	for _, img := range zones.Images {
		seen[img.Zone] = true
	}
	if len(seen) != 10 {
		t.Errorf("zone all covered %d zones", len(seen))
	}
}

func TestListAllZonesReportsAFailedZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	e.fake.Script(scalewaytest.RouteListImages, scalewaytest.ErrorAnswer(403, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"}))
	var out tools.ListImagesOutput
	e.call(t, tools.ListImagesTool, `{"zone":"all"}`, &out)
	if len(out.FailedZones) != 1 || !strings.Contains(out.FailedZones[0].Error, "permissions_denied") || out.TotalCount != 27 {
		t.Errorf("failed zones %+v, total %d", out.FailedZones, out.TotalCount)
	}
}

func TestCreateGetUpdateSetDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	// A local snapshot to boot from, and a Block Storage one as an extra
	// volume: the Instance API sizes the latter 0.
	root, extra := e.fake.Snapshots("fr-par-1")[0].ID, blockSnapshotNamed(t, e.fake, "fr-par-1", "snap-archive").ID

	var created tools.CreateImageOutput
	e.call(t, tools.CreateImageTool, fmt.Sprintf(`{"root_volume":%q,"arch":"x86_64","extra_volumes":[%q],"tags":["a","b"]}`, root, extra), &created)
	img := created.Image
	if !strings.HasPrefix(img.Name, "img-") || img.Project != scalewaytest.DefaultProjectID || img.RootVolume.ID != root || img.ExtraVolumes["1"].ID != extra || img.State != "available" {
		t.Fatalf("created image: %+v", img)
	}
	if created.Waited {
		t.Errorf("waited without wait")
	}

	var got tools.ImageOutput
	e.call(t, tools.GetImageTool, fmt.Sprintf(`{"image_id":%q}`, img.ID), &got)
	if got.Image.ID != img.ID || got.Image.Name != img.Name {
		t.Errorf("get: %+v", got.Image)
	}
	if v := got.Image.ExtraVolumes["1"]; v == nil || v.Size == nil || *v.Size != 15e9 || v.Name != "snap-archive" || v.VolumeType != scaleway.VolumeTypeSBSSnapshot {
		t.Errorf("get did not read the Block Storage volume's size and name: %+v", v)
	}
	if v := created.Image.ExtraVolumes["1"]; v.Size != nil || v.Name != "" {
		t.Errorf("create shows the Block Storage volume as %+v; want size null (unknown), as the API sends no size", v)
	}

	var patched tools.ImageOutput
	e.call(t, tools.UpdateImageTool, fmt.Sprintf(`{"image_id":%q,"name":"renamed","public":true}`, img.ID), &patched)
	if patched.Image.Name != "renamed" || !patched.Image.Public || !slices.Equal(patched.Image.Tags, []string{"a", "b"}) {
		t.Errorf("patch: %+v", patched.Image)
	}

	// PUT with only a name keeps tags, volumes and public: read, merge, write.
	var put tools.ImageOutput
	e.call(t, tools.SetImageTool, fmt.Sprintf(`{"id":%q,"name":"put-name"}`, img.ID), &put)
	if put.Image.Name != "put-name" || !slices.Equal(put.Image.Tags, []string{"a", "b"}) || put.Image.ExtraVolumes["1"] == nil || !put.Image.Public || put.Image.Arch != "x86_64" {
		t.Errorf("put wiped what it was not given: %+v", put.Image)
	}
	// The exact PUT that reached the API: the image as read, in the shape
	// the recorded clients sent (zone and id, no from_server, volumes
	// whole, the Block one with the size 0 and empty name it was read
	// with), with the new name.
	date := func(ts *scaleway.Timestamp) string { return ts.UTC().Format(time.RFC3339Nano) }
	wantPut := fmt.Sprintf(`{"zone":"fr-par-1","id":%q,"name":"put-name","arch":"x86_64","creation_date":%q,"modification_date":%q,`+
		`"extra_volumes":{"1":{"id":%q,"name":"","size":0,"volume_type":"sbs_snapshot"}},"organization":%q,"public":true,`+
		`"root_volume":{"id":%q,"name":"snap-web-root","size":10000000000,"volume_type":"l_ssd"},"state":"available","project":%q,"tags":["a","b"]}`,
		img.ID, date(patched.Image.CreationDate), date(patched.Image.ModificationDate), extra, scalewaytest.DefaultOrganizationID, root, scalewaytest.DefaultProjectID)
	if got := lastBody(t, e.fake, scalewaytest.RouteSetImage); got != wantPut {
		t.Errorf("PUT body\n got %s\nwant %s", got, wantPut)
	}
	var cleared tools.ImageOutput
	e.call(t, tools.SetImageTool, fmt.Sprintf(`{"id":%q,"tags":[],"extra_volumes":[]}`, img.ID), &cleared)
	if len(cleared.Image.Tags) != 0 || len(cleared.Image.ExtraVolumes) != 0 || cleared.Image.Name != "put-name" {
		t.Errorf("put with [] did not clear: %+v", cleared.Image)
	}
	put = tools.ImageOutput{}
	e.call(t, tools.SetImageTool, fmt.Sprintf(`{"id":%q,"extra_volumes":[%q],"arch":"arm64"}`, img.ID, extra), &put)
	if put.Image.ExtraVolumes["1"] == nil || put.Image.ExtraVolumes["1"].ID != extra || put.Image.Arch != "arm64" {
		t.Errorf("put extra volumes: %+v", put.Image)
	}
	// A volume the image did not have is known only by its id: {"id"}.
	if got := lastBody(t, e.fake, scalewaytest.RouteSetImage); !strings.Contains(got, `"extra_volumes":{"1":{"id":"`+extra+`"}}`) {
		t.Errorf("PUT body %s: want the new extra volume as {\"id\"}", got)
	}

	var deleted tools.DeleteImageOutput
	e.call(t, tools.DeleteImageTool, fmt.Sprintf(`{"image_id":%q}`, img.ID), &deleted)
	wantRemaining := []tools.RemainingSnapshot{
		{ID: root, Kind: "instance", Name: "snap-web-root", SizeGB: ptr(10.0), State: "available"},
		{ID: extra, Kind: "block", Name: "snap-archive", SizeGB: ptr(15.0), State: "available"},
	}
	if deleted.Deleted.ID != img.ID || jsonOf(t, deleted.RemainingSnapshots) != jsonOf(t, wantRemaining) ||
		!strings.Contains(deleted.Message, "still billed") || !strings.Contains(deleted.Message, extra+" (block, snap-archive, 15 GB)") {
		t.Errorf("delete: %+v", deleted)
	}
	msg := e.callError(t, tools.GetImageTool, fmt.Sprintf(`{"image_id":%q}`, img.ID))
	if !strings.Contains(msg, "not_found") || !strings.Contains(msg, img.ID) {
		t.Errorf("get after delete: %s", msg)
	}
}

func TestErrorsFromScaleway(t *testing.T) {
	t.Parallel()
	const unknown = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	tests := []struct {
		name   string
		setup  setup
		script func(f *scalewaytest.Server)
		tool   string
		args   func(e *env) string
		want   []string
	}{
		{"not found", setup{}, nil, tools.GetImageTool, func(*env) string { return `{"image_id":"` + unknown + `"}` },
			[]string{"not_found", "instance_image " + unknown, "check the id and the zone"}},
		{"unknown snapshot", setup{}, nil, tools.CreateImageTool, func(*env) string { return `{"root_volume":"` + unknown + `","arch":"x86_64"}` },
			[]string{"not_found", "instance_snapshot " + unknown}},
		{"denied authentication", setup{key: "99999999-9999-4999-8999-999999999999", fake: scalewaytest.Options{AcceptedTokens: []string{scalewaytest.SandboxToken}}}, nil,
			tools.ListImagesTool, func(*env) string { return `{}` }, []string{"denied_authentication", "SCW_SECRET_KEY"}},
		{"read-only key", setup{fake: scalewaytest.Options{ReadOnlyTokens: []string{scalewaytest.SandboxToken}}}, nil,
			tools.CreateImageTool, func(e *env) string {
				return `{"root_volume":"` + e.fake.Snapshots("fr-par-1")[0].ID + `","arch":"x86_64"}`
			},
			[]string{"permissions_denied", "InstancesFullAccess"}},
		{"marketplace image", setup{}, nil, tools.DeleteImageTool, func(e *env) string {
			for _, img := range e.fake.Images("fr-par-1") {
				if img.Public {
					return `{"image_id":"` + img.ID + `"}`
				}
			}
			return `{}`
		}, []string{"permissions_denied"}},
		{"quota", setup{fake: scalewaytest.Options{PrivateImageQuota: 3}}, nil, tools.CreateImageTool,
			func(e *env) string {
				return `{"root_volume":"` + e.fake.Snapshots("fr-par-1")[0].ID + `","arch":"x86_64"}`
			},
			[]string{"quotas_exceeded", "3 of 3 used"}},
		{"transient state", setup{}, func(f *scalewaytest.Server) {
			f.Script(scalewaytest.RouteUpdateImage, scalewaytest.ErrorAnswer(409, scaleway.Error{Type: scaleway.TypeTransientState, Message: "resource is in a transient state", Resource: "instance_image", ResourceID: unknown, CurrentState: "creating"}))
		}, tools.UpdateImageTool, func(*env) string { return `{"image_id":"` + unknown + `","name":"x"}` },
			[]string{"transient_state", "(creating)", "wait until it settles"}},
		{"5xx after retries", setup{}, func(f *scalewaytest.Server) {
			f.Script(scalewaytest.RouteGetImage, scalewaytest.ServerError(503), scalewaytest.ServerError(503), scalewaytest.ServerError(502))
		}, tools.GetImageTool, func(*env) string { return `{"image_id":"` + unknown + `"}` }, []string{"HTTP 502", "try again shortly"}},
		{"malformed JSON", setup{}, func(f *scalewaytest.Server) { f.Script(scalewaytest.RouteListImages, scalewaytest.MalformedJSON()) },
			tools.ListImagesTool, func(*env) string { return `{}` }, []string{"not valid JSON"}},
		{"dropped connections", setup{}, func(f *scalewaytest.Server) {
			f.Script(scalewaytest.RouteGetImage, scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection())
		}, tools.GetImageTool, func(*env) string { return `{"image_id":"` + unknown + `"}` }, []string{"connection to the Scaleway API failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.setup)
			if tt.script != nil {
				tt.script(e.fake)
			}
			msg := e.callError(t, tt.tool, tt.args(e))
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
		})
	}
}

func TestInvalidArgumentsNeverReachScaleway(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	const id = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	tests := []struct {
		tool, args, field string
	}{
		{tools.GetImageTool, `{"image_id":"../../servers"}`, "image_id"},
		{tools.GetImageTool, `{"image_id":"%2e%2e%2f"}`, "image_id"},
		{tools.GetImageTool, `{"image_id":"` + id + `","zone":"fr-par-9"}`, "zone"},
		{tools.GetImageTool, `{"image_id":42}`, "image_id"},
		{tools.GetImageTool, `{"image_id":"` + id + `","extra":1}`, "extra"},
		{tools.GetImageTool, `[1,2]`, "JSON object"},
		{tools.ListImagesTool, `{"per_page":101}`, "per_page"},
		{tools.ListImagesTool, `{"per_page":-1}`, "per_page"},
		{tools.ListImagesTool, `{"page":-3}`, "page"},
		{tools.ListImagesTool, `{"arch":"sparc"}`, "arch"},
		{tools.ListImagesTool, `{"project":"nope"}`, "project"},
		{tools.ListImagesTool, `{"zone":"all","per_page":500}`, "per_page"},
		{tools.CreateImageTool, `{"arch":"x86_64"}`, "root_volume"},
		{tools.CreateImageTool, `{"root_volume":"` + id + `"}`, "arch"},
		{tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","extra_volumes":["nope"]}`, "extra_volumes.1.id"},
		{tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","name":"` + strings.Repeat("n", 1<<20) + `"}`, "name"},
		{tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","tags":["ok","bad\u0007"]}`, "tags[1]"},
		{tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","wait_timeout":-5}`, "wait_timeout"},
		{tools.SetImageTool, `{"id":"` + id + `","name":""}`, "name"},
		{tools.SetImageTool, `{"id":"nope","name":"x"}`, "id"},
		{tools.SetImageTool, `{"id":"` + id + `","arch":"mips"}`, "arch"},
		{tools.UpdateImageTool, `{"image_id":"` + id + `","tags":[""]}`, "tags[0]"},
		{tools.UpdateImageTool, `{"image_id":"` + id + `","name":"report\u202efdp.exe"}`, "invalid name: contains the invisible character U+202E"},
		{tools.UpdateImageTool, `{"image_id":"` + id + `","extra_volumes":[]}`, "use update-image"},
		{tools.DeleteImageTool, `{}`, "image_id"},
		{tools.DeleteImageTool, `{"image_id":null,"zone":null}`, "image_id"},
		{tools.ListSnapshotsTool, `{"project":"nope"}`, "project"},
		{tools.ListSnapshotsTool, `{"zone":"mars-1"}`, "zone"},
		{tools.ListSnapshotsTool, `{"name":"` + strings.Repeat("n", 1<<20) + `"}`, "name"},
		{tools.ListSnapshotsTool, `{"unused":"yes"}`, "unused"},
		{tools.ListSnapshotsTool, `{"page":2}`, "page"},
	}
	for _, tt := range tests {
		msg := e.callError(t, tt.tool, tt.args)
		if !strings.Contains(msg, tt.field) {
			t.Errorf("%s %.80s: error %q does not name %q", tt.tool, tt.args, msg, tt.field)
		}
		if len(msg) > 1000 {
			t.Errorf("%s: error is %d bytes long", tt.tool, len(msg))
		}
	}
	for _, r := range e.fake.Requests() {
		t.Errorf("invalid input reached the API: %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
}

func TestReadOnlyAndAllowList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sel  tools.Selection
		want []string
	}{
		{tools.Selection{ReadOnly: true}, []string{tools.ListImagesTool, tools.GetImageTool, tools.ListSnapshotsTool}},
		{tools.Selection{Allow: []string{tools.DeleteImageTool, tools.GetImageTool}}, []string{tools.GetImageTool, tools.DeleteImageTool}},
		{tools.Selection{ReadOnly: true, Allow: []string{tools.DeleteImageTool, tools.GetImageTool}}, []string{tools.GetImageTool}},
		{tools.Selection{Allow: []string{tools.ListSnapshotsTool}}, []string{tools.ListSnapshotsTool}},
		{tools.Selection{ReadOnly: true, Allow: []string{tools.ListSnapshotsTool, tools.CreateImageTool}}, []string{tools.ListSnapshotsTool}},
		{tools.Selection{}, tools.Names()},
	}
	for _, tt := range tests {
		e := newEnv(t, setup{selection: tt.sel})
		listed, err := e.session.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tool := range listed.Tools {
			got = append(got, tool.Name)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tt.want))
		if !slices.Equal(got, want) {
			t.Errorf("%+v: tools %v, want %v", tt.sel, got, want)
		}
		res, err := e.session.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.CreateImageTool, Arguments: map[string]any{}})
		if !slices.Contains(want, tools.CreateImageTool) && err == nil && !res.IsError {
			t.Errorf("%+v: a filtered-out tool could still be called", tt.sel)
		}
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "v"}, nil)
	if _, err := tools.Register(server, &tools.Deps{}, tools.Selection{Allow: []string{"delete-everything"}}); err == nil || !strings.Contains(err.Error(), "list-instance-images") {
		t.Errorf("unknown allow-list name: err = %v", err)
	}
}

func TestPanicBecomesToolError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{noClient: true})
	msg := e.callError(t, tools.GetImageTool, `{"image_id":"6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"}`)
	if !strings.Contains(msg, "internal error in get-instance-image") {
		t.Errorf("panic result: %s", msg)
	}
	// The session survives.
	msg = e.callError(t, tools.GetImageTool, `{"image_id":"6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"}`)
	if !strings.Contains(msg, "internal error") {
		t.Errorf("second call: %s", msg)
	}
	if !strings.Contains(e.logs.String(), "tool handler panicked") {
		t.Errorf("panic not logged")
	}
}

func TestOneLogLinePerCall(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	e.call(t, tools.ListImagesTool, `{"zone":"nl-ams-1"}`, nil)
	var line struct {
		Tool, Zone, Outcome string
		RequestID           string  `json:"request_id"`
		Duration            float64 `json:"duration_ms"`
	}
	lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines: %v", len(lines), lines)
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	if line.Tool != tools.ListImagesTool || line.Zone != "nl-ams-1" || line.Outcome != "ok" || !scaleway.IsUUID(line.RequestID) || line.Duration <= 0 {
		t.Errorf("log line: %s", lines[0])
	}
}

// TestWritesLogTheirImage: the line of a call that created, changed or
// deleted an image names it, so that a write can be traced even when its
// answer was lost; reads name none.
func TestWritesLogTheirImage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var created tools.CreateImageOutput
	e.call(t, tools.CreateImageTool, `{"root_volume":"`+e.fake.Snapshots("fr-par-1")[0].ID+`","arch":"x86_64"}`, &created)
	id := created.Image.ID
	calls := []struct{ tool, args, imageID string }{
		{tools.GetImageTool, `{"image_id":"` + id + `"}`, ""},
		{tools.UpdateImageTool, `{"image_id":"` + id + `","tags":["logged"]}`, id},
		{tools.SetImageTool, `{"id":"` + id + `","name":"logged"}`, id},
		{tools.DeleteImageTool, `{"image_id":"` + id + `"}`, id},
	}
	for _, c := range calls {
		e.call(t, c.tool, c.args, nil)
	}
	lines := logLines(t, e.logs.String())
	if len(lines) != 1+len(calls) {
		t.Fatalf("%d log lines for %d calls", len(lines), 1+len(calls))
	}
	if l := lines[0]; l.Tool != tools.CreateImageTool || l.ImageID != id || l.Level != "info" {
		t.Errorf("create logged %+v; want image_id %s", l, id)
	}
	for i, c := range calls {
		if l := lines[i+1]; l.Tool != c.tool || l.ImageID != c.imageID || l.Level != "info" || l.Message != "tool call" {
			t.Errorf("%s logged %+v; want image_id %q", c.tool, l, c.imageID)
		}
	}
}

// TestWriteDoneAfterTheCallerLeftIsAWarning: the caller goes away while
// delete-instance-image reads the snapshots that outlive the image, after
// the delete was done. The line is a warning naming the deleted image:
// the answer may never reach the caller.
func TestWriteDoneAfterTheCallerLeftIsAWarning(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t, scalewaytest.Options{})
	id := privateImage(t, e.fake.Fake).ID
	slow := []scalewaytest.Fault{scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute)}
	e.fake.Script(scalewaytest.RouteGetSnapshot, slow...)
	e.fake.Script(scalewaytest.RouteGetBlockSnapshot, slow...)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for e.fake.RequestCount(scalewaytest.RouteGetSnapshot)+e.fake.RequestCount(scalewaytest.RouteGetBlockSnapshot) == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if _, err := e.call(ctx, tools.DeleteImageTool, `{"image_id":"`+id+`"}`); !isCanceled(err) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !e.handlerFinished(tools.DeleteImageTool) {
		t.Fatal("the handler did not return after the caller left")
	}
	lines := logLines(t, e.logs.String())
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1", len(lines))
	}
	if l := lines[0]; l.Level != "warn" || l.ImageID != id || !strings.Contains(l.Message, "the write was done upstream, but the caller went away") {
		t.Errorf("log line %+v; want a warning naming image %s", l, id)
	}
	if e.fake.RequestCount(scalewaytest.RouteDeleteImage) != 1 {
		t.Errorf("the delete did not reach the API")
	}
}

// logLine is the part of a tool call's log line the tests read.
type logLine struct {
	Level   string `json:"level"`
	Tool    string `json:"tool"`
	Message string `json:"message"`
	ImageID string `json:"image_id"`
}

func logLines(t *testing.T, logs string) []logLine {
	t.Helper()
	var out []logLine
	for raw := range strings.Lines(logs) {
		var l logLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("log line %q: %v", raw, err)
		}
		out = append(out, l)
	}
	return out
}

func TestCreateWaitsWithProgress(t *testing.T) {
	t.Parallel()
	clock := testutil.NewClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, setup{fake: scalewaytest.Options{CreatingDuration: time.Minute, Clock: clock.Now}})
	root := e.fake.Snapshots("fr-par-1")[0].ID
	go func() {
		// Let the image become available once a few polls have happened.
		for e.fake.RequestCount(scalewaytest.RouteGetImage) < 3 {
			time.Sleep(time.Millisecond)
		}
		clock.Advance(2 * time.Minute)
	}()
	params := &mcp.CallToolParams{Name: tools.CreateImageTool, Arguments: json.RawMessage(`{"root_volume":"` + root + `","arch":"x86_64","wait":true}`)}
	params.SetProgressToken("create-1")
	res, err := e.session.CallTool(t.Context(), params)
	if err != nil || res.IsError {
		t.Fatalf("create with wait: %v %s", err, testutil.ResultText(res))
	}
	var out tools.CreateImageOutput
	remarshal(t, res.StructuredContent, &out)
	if !out.Waited || out.WaitTimedOut || out.Image.State != "available" {
		t.Errorf("wait result: %+v", out)
	}
	// Notifications travel apart from the result: wait (boundedly) for the
	// one that reports the final state.
	var last *mcp.ProgressNotificationParams
	for range 200 {
		e.mu.Lock()
		count := len(e.progress)
		if count > 0 {
			last = e.progress[count-1]
		}
		e.mu.Unlock()
		if count >= 2 && strings.Contains(last.Message, "available") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if last == nil || last.ProgressToken != "create-1" || !strings.Contains(last.Message, "available") || last.Total != 300 {
		t.Errorf("last progress: %+v", last)
	}
}

func TestCreateWaitTimesOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{fake: scalewaytest.Options{CreatingDuration: time.Hour}})
	root := e.fake.Snapshots("fr-par-1")[0].ID
	var out tools.CreateImageOutput
	e.call(t, tools.CreateImageTool, `{"root_volume":"`+root+`","arch":"arm64","wait":true,"wait_timeout":1}`, &out)
	if !out.Waited || !out.WaitTimedOut || out.WaitInterrupted || out.Image.State != "creating" {
		t.Errorf("timed-out wait: %+v", out)
	}
	want := "Image " + out.Image.ID + " exists and is still creating, but the wait timed out; check it later with get-instance-image and image_id " + out.Image.ID + "."
	if out.NextStep != want {
		t.Errorf("next_step %q\nwant %q", out.NextStep, want)
	}
}

// TestCreateWaitEndsWhenTheServerStops: when the process begins to shut
// down (Deps.Stopping closes), a create that waits for its image returns
// at once with a result, not an error: the image as last read, and how
// to follow it. The fake's clock never moves, so the image stays
// "creating" and the wait could only end by the shutdown.
func TestCreateWaitEndsWhenTheServerStops(t *testing.T) {
	t.Parallel()
	clock := testutil.NewClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	stopping := make(chan struct{})
	e := newEnv(t, setup{fake: scalewaytest.Options{CreatingDuration: time.Hour, Clock: clock.Now}, stopping: stopping})
	root := e.fake.Snapshots("fr-par-1")[0].ID
	go func() {
		// Shut down once the wait has polled.
		for e.fake.RequestCount(scalewaytest.RouteGetImage) == 0 {
			time.Sleep(time.Millisecond)
		}
		close(stopping)
	}()
	var out tools.CreateImageOutput
	e.call(t, tools.CreateImageTool, `{"root_volume":"`+root+`","arch":"x86_64","wait":true,"wait_timeout":3600}`, &out)
	if !out.Waited || !out.WaitInterrupted || out.WaitTimedOut || out.Image == nil || out.Image.State != "creating" {
		t.Errorf("interrupted wait: %+v", out)
	}
	want := "Image " + out.Image.ID + " exists and is still creating, but the server is shutting down; check it later with get-instance-image and image_id " + out.Image.ID + "."
	if out.NextStep != want {
		t.Errorf("next_step %q\nwant %q", out.NextStep, want)
	}
}

func TestCreateWaitStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{fake: scalewaytest.Options{CreatingDuration: time.Hour}})
	root := e.fake.Snapshots("fr-par-1")[0].ID
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for e.fake.RequestCount(scalewaytest.RouteGetImage) < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := e.session.CallTool(ctx, &mcp.CallToolParams{Name: tools.CreateImageTool, Arguments: json.RawMessage(`{"root_volume":"` + root + `","arch":"arm64","wait":true}`)})
	if !isCanceled(err) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// The server stops polling: the count settles.
	var before int
	for range 50 {
		before = e.fake.RequestCount(scalewaytest.RouteGetImage)
		time.Sleep(20 * time.Millisecond)
		if e.fake.RequestCount(scalewaytest.RouteGetImage) == before {
			return
		}
	}
	t.Errorf("the server kept polling after the call was cancelled")
}

// sameSize reports whether a listed size_gb says what the API's volume
// says: null for a Block Storage snapshot (size 0 on the Instance API),
// the size in GB otherwise.
func sameSize(sizeGB *float64, v *scaleway.VolumeSummary) bool {
	if v.VolumeType == scaleway.VolumeTypeSBSSnapshot {
		return sizeGB == nil
	}
	return sizeGB != nil && *sizeGB == float64(v.Size)/1e9
}

func blockSnapshotNamed(t *testing.T, f *scalewaytest.Server, zone scaleway.Zone, name string) scaleway.BlockSnapshot {
	t.Helper()
	for _, snap := range f.BlockSnapshots(zone) {
		if snap.Name == name {
			return snap
		}
	}
	t.Fatalf("no block snapshot %s in %s", name, zone)
	return scaleway.BlockSnapshot{}
}

func ptr[T any](v T) *T { return &v }

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lastBody is the body of the last request the fake received on route.
func lastBody(t *testing.T, f *scalewaytest.Server, route scalewaytest.Route) string {
	t.Helper()
	requests := f.Requests()
	for i := len(requests) - 1; i >= 0; i-- {
		if requests[i].Route == route {
			return string(requests[i].Body)
		}
	}
	t.Fatalf("no %s request reached the fake", route)
	return ""
}

// TestListAllZonesLeavesNoRowOut: zone "all" lists every page of every
// zone, so no image is left out without saying so: under the list cap,
// every private image of every zone is listed, once; over it, the list
// says truncated. A page number does not apply across zones.
func TestListAllZonesLeavesNoRowOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		extra     int
		args      string
		wantRows  int
		truncated bool
	}{
		// 3 seeded private images a zone, plus the extra ones, spread.
		{"the default call", 300, `{"zone":"all"}`, 330, false},
		{"small pages", 300, `{"zone":"all","per_page":7}`, 330, false},
		{"verbose", 40, `{"zone":"all","verbose":true}`, 70, false},
		{"over the cap of 500", 600, `{"zone":"all"}`, 500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, setup{fake: scalewaytest.Options{ExtraImages: tt.extra}})
			var out tools.ListImagesOutput
			e.call(t, tools.ListImagesTool, tt.args, &out)
			want := map[string]bool{}
			for _, zone := range scaleway.Zones {
				for _, img := range e.fake.Images(zone) {
					if !img.Public {
						want[img.ID] = true
					}
				}
			}
			listed := map[string]bool{}
			for _, img := range out.Images {
				if listed[img.ID] || !want[img.ID] {
					t.Fatalf("image %s listed twice, or not a private image", img.ID)
				}
				listed[img.ID] = true
			}
			if len(out.Images) != tt.wantRows || out.TotalCount != len(want) || out.Truncated != tt.truncated || out.NextPage != 0 {
				t.Errorf("%d rows of %d, truncated %v, next_page %d; want %d rows, truncated %v", len(out.Images), out.TotalCount, out.Truncated, out.NextPage, tt.wantRows, tt.truncated)
			}
			if !out.Truncated && len(listed) != len(want) {
				t.Errorf("%d of %d images listed without truncated", len(listed), len(want))
			}
		})
	}
	t.Run("page", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, setup{})
		if msg := e.callError(t, tools.ListImagesTool, `{"zone":"all","page":2}`); !strings.Contains(msg, "page") || !strings.Contains(msg, "every page of every zone") {
			t.Errorf("page with zone all: %s", msg)
		}
	})
}
