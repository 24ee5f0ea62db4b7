package scalewaytest_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func TestGetImageReturnsEveryField(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	for _, z := range scaleway.Zones {
		want := seededImage(t, srv, z, isPrivate)
		got := imageFrom(t, send(t, srv, http.MethodGet, imagePath(z, want.ID), "").expectStatus(t, http.StatusOK))
		if got.ID != want.ID || got.Zone != z || got.Name != want.Name || got.RootVolume == nil || got.RootVolume.ID != want.RootVolume.ID {
			t.Errorf("GET in %s = %+v, want %+v", z, got, want)
		}
	}
}

func TestCreateImage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	snapshots := srv.Snapshots(zone)
	block := srv.BlockSnapshots(zone)[2] // one that no image uses
	answer := send(t, srv, http.MethodPost, imagesPath(zone), jsonBody(t, map[string]any{
		"name": "my-image", "arch": "arm64", "project": scalewaytest.DefaultProjectID,
		"root_volume":   snapshots[0].ID,
		"extra_volumes": map[string]any{"1": map[string]string{"id": block.ID}, "2": map[string]string{"id": snapshots[1].ID}},
		"tags":          []string{"a", "b"}, "public": false,
		"default_bootscript": "ignored-by-the-api",
	})).expectStatus(t, http.StatusCreated)
	img := imageFrom(t, answer)

	if want := srv.URL + imagePath(zone, img.ID); answer.header.Get("Location") != want {
		t.Errorf("Location = %q, want %q", answer.header.Get("Location"), want)
	}
	if !scaleway.IsUUID(img.ID) || img.Name != "my-image" || img.Arch != scaleway.ArchArm64 || img.Zone != zone ||
		img.State != scaleway.ImageStateAvailable || img.Public || img.FromServer == nil || *img.FromServer != "" || !slices.Equal(img.Tags, []string{"a", "b"}) ||
		img.Project != scalewaytest.DefaultProjectID || img.Organization != scalewaytest.DefaultOrganizationID {
		t.Errorf("created image = %+v", img)
	}
	root := scaleway.VolumeSummary{ID: snapshots[0].ID, Name: snapshots[0].Name, Size: snapshots[0].Size, VolumeType: snapshots[0].VolumeType}
	if img.RootVolume == nil || *img.RootVolume != root {
		t.Errorf("root_volume = %+v, want %+v", img.RootVolume, root)
	}
	// A Block Storage snapshot reads as sbs_snapshot, size 0, no name, as
	// the real API writes it.
	for key, want := range map[string]scaleway.ImageVolume{
		"1": {ID: block.ID, VolumeType: scaleway.VolumeTypeSBSSnapshot},
		"2": {ID: snapshots[1].ID, Name: snapshots[1].Name, Size: snapshots[1].Size, VolumeType: snapshots[1].VolumeType},
	} {
		if got := img.ExtraVolumes[key]; got == nil || *got != want {
			t.Errorf("extra_volumes[%s] = %+v, want %+v", key, got, want)
		}
	}
	if !img.CreationDate.Equal(img.ModificationDate.Time) {
		t.Errorf("a new image's modification_date %v differs from creation_date %v", img.ModificationDate, img.CreationDate)
	}

	again := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, img.ID), "").expectStatus(t, http.StatusOK))
	if again.ID != img.ID || again.Name != img.Name || len(again.ExtraVolumes) != 2 {
		t.Errorf("GET after create = %+v, want %+v", again, img)
	}
}

func TestLocationUsesTheRequestScheme(t *testing.T) {
	t.Parallel()
	fake := scalewaytest.New(scalewaytest.Options{})
	srv := httptest.NewTLSServer(fake)
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+imagesPath(zone), strings.NewReader(jsonBody(t, map[string]any{
		"arch": "x86_64", "project": scalewaytest.DefaultProjectID, "root_volume": fake.Snapshots(zone)[0].ID,
	})))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if location := resp.Header.Get("Location"); resp.StatusCode != http.StatusCreated || !strings.HasPrefix(location, srv.URL+imagesPath(zone)+"/") {
		t.Errorf("status %d, Location %q, want 201 and an https URL under %s", resp.StatusCode, location, srv.URL)
	}
}

func TestCreateImageOwner(t *testing.T) {
	t.Parallel()
	const otherOrganization = "33333333-3333-4333-8333-333333333333"
	tests := []struct {
		name                  string
		owner                 map[string]any
		organization, project string
	}{
		{"project", map[string]any{"project": scalewaytest.DefaultProjectID}, scalewaytest.DefaultOrganizationID, scalewaytest.DefaultProjectID},
		{"default organization", map[string]any{"organization": scalewaytest.DefaultOrganizationID}, scalewaytest.DefaultOrganizationID, scalewaytest.DefaultProjectID},
		{"other organization", map[string]any{"organization": otherOrganization}, otherOrganization, otherOrganization},
	}
	srv := newServer(t, scalewaytest.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := createBody(srv, zone, 0)
			delete(body, "project")
			maps.Copy(body, tt.owner)
			img := createImage(t, srv, body)
			if img.Organization != tt.organization || img.Project != tt.project {
				t.Errorf("organization, project = %s, %s; want %s, %s", img.Organization, img.Project, tt.organization, tt.project)
			}
		})
	}
}

func TestCreateImageRejectsBadArguments(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	snapshot := srv.Snapshots(zone)[0].ID
	tests := []struct {
		name string
		body string
		want []detail
	}{
		{"empty body", "", []detail{{"root_volume", "required"}, {"arch", "required"}, {"project", "required"}}},
		{"missing root_volume and arch", `{"name":"x","project":"` + scalewaytest.DefaultProjectID + `"}`,
			[]detail{{"root_volume", "required"}, {"arch", "required"}}},
		{"missing arch", `{"root_volume":"` + snapshot + `","project":"` + scalewaytest.DefaultProjectID + `"}`,
			[]detail{{"arch", "required"}}},
		{"malformed root_volume", `{"root_volume":"snap-1","arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `"}`,
			[]detail{{"root_volume", "format"}}},
		{"unknown arch", `{"root_volume":"` + snapshot + `","arch":"riscv64","project":"` + scalewaytest.DefaultProjectID + `"}`,
			[]detail{{"arch", "constraint"}}},
		{"neither project nor organization", `{"root_volume":"` + snapshot + `","arch":"x86_64"}`,
			[]detail{{"project", "required"}}},
		{"both project and organization", `{"root_volume":"` + snapshot + `","arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `","organization":"` + scalewaytest.DefaultOrganizationID + `"}`,
			[]detail{{"organization", "constraint"}}},
		{"malformed project", `{"root_volume":"` + snapshot + `","arch":"x86_64","project":"my-project"}`,
			[]detail{{"project", "format"}}},
		{"malformed organization", `{"root_volume":"` + snapshot + `","arch":"x86_64","organization":"acme"}`,
			[]detail{{"organization", "format"}}},
		{"malformed extra volume id", `{"root_volume":"` + snapshot + `","arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `","extra_volumes":{"1":{"id":"nope"},"2":null}}`,
			[]detail{{"extra_volumes.1.id", "format"}, {"extra_volumes.2.id", "required"}}},
		{"extra volume key not a position", `{"root_volume":"` + snapshot + `","arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `","extra_volumes":{"0":{"id":"` + snapshot + `"},"a":{"id":"` + snapshot + `"}}}`,
			[]detail{{"extra_volumes.0", "format"}, {"extra_volumes.a", "format"}}},
		{"invalid JSON", `{"root_volume":`, []detail{{"body", "format"}}},
		{"wrong JSON type", `{"root_volume":42,"arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `"}`,
			[]detail{{"root_volume", "format"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, send(t, srv, http.MethodPost, imagesPath(zone), tt.body), http.StatusBadRequest)
			if e.Type != scaleway.TypeInvalidArguments || e.Message != "invalid argument(s)" || !slices.Equal(detailsOf(e), tt.want) {
				t.Errorf("error = %+v, want invalid_arguments with %v", e, tt.want)
			}
			for _, d := range e.Details {
				if d.Reason == "required" && d.HelpMessage != "required key not provided" {
					t.Errorf("help_message = %q, want the API's", d.HelpMessage)
				}
			}
		})
	}
	if n := len(srv.Images(zone)); n != len(scalewaytest.New(scalewaytest.Options{}).Images(zone)) {
		t.Errorf("rejected creates changed the image count to %d", n)
	}
}

func TestCreateImageWithUnknownSnapshot(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	const unknown = "99999999-9999-4999-8999-999999999999"
	otherZone := srv.Snapshots("nl-ams-1")[0].ID
	tests := []struct {
		name   string
		change map[string]any
		wantID string
	}{
		{"unknown root", map[string]any{"root_volume": unknown}, unknown},
		{"root in another zone", map[string]any{"root_volume": otherZone}, otherZone},
		{"unknown extra volume", map[string]any{"extra_volumes": map[string]any{"1": map[string]string{"id": unknown}}}, unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := createBody(srv, zone, 0)
			maps.Copy(body, tt.change)
			e := apiError(t, send(t, srv, http.MethodPost, imagesPath(zone), jsonBody(t, body)), http.StatusNotFound)
			want := scaleway.Error{Type: scaleway.TypeNotFound, Message: "resource is not found", Resource: "instance_snapshot", ResourceID: tt.wantID}
			if e.Type != want.Type || e.Message != want.Message || e.Resource != want.Resource || e.ResourceID != want.ResourceID {
				t.Errorf("error = %+v, want %+v", e, want)
			}
		})
	}
}

func TestUpdateImage(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newServer(t, scalewaytest.Options{Clock: clk.Now})
	snapshots := srv.Snapshots(zone)
	block := srv.BlockSnapshots(zone)[2]
	extra := map[string]any{"extra_volumes": map[string]any{"1": map[string]string{"id": snapshots[2].ID}, "2": map[string]string{"id": block.ID}}}
	tests := []struct {
		name  string
		patch string
		check func(t *testing.T, before, after scaleway.Image)
	}{
		{"name", `{"name":"renamed"}`, func(t *testing.T, before, after scaleway.Image) {
			if after.Name != "renamed" || after.Arch != before.Arch || !slices.Equal(after.Tags, before.Tags) {
				t.Errorf("after = %+v", after)
			}
		}},
		{"arch", `{"arch":"arm64"}`, func(t *testing.T, _, after scaleway.Image) {
			if after.Arch != scaleway.ArchArm64 {
				t.Errorf("arch = %s", after.Arch)
			}
		}},
		{"tags cleared", `{"tags":[]}`, func(t *testing.T, _, after scaleway.Image) {
			if after.Tags == nil || len(after.Tags) != 0 {
				t.Errorf("tags = %#v, want []", after.Tags)
			}
		}},
		{"tags null leaves them", `{"tags":null}`, func(t *testing.T, before, after scaleway.Image) {
			if !slices.Equal(after.Tags, before.Tags) {
				t.Errorf("tags = %v, want %v", after.Tags, before.Tags)
			}
		}},
		{"public", `{"public":true}`, func(t *testing.T, _, after scaleway.Image) {
			if !after.Public {
				t.Error("public = false")
			}
		}},
		{"extra volumes replaced", jsonBody(t, extra), func(t *testing.T, _, after scaleway.Image) {
			if got := slices.Sorted(maps.Keys(after.ExtraVolumes)); !slices.Equal(got, []string{"1", "2"}) ||
				after.ExtraVolumes["1"].ID != snapshots[2].ID || after.ExtraVolumes["1"].Name != snapshots[2].Name ||
				after.ExtraVolumes["1"].Size != snapshots[2].Size || *after.ExtraVolumes["2"] != (scaleway.ImageVolume{ID: block.ID, VolumeType: scaleway.VolumeTypeSBSSnapshot}) {
				t.Errorf("extra_volumes = %v", after.ExtraVolumes)
			}
		}},
		{"extra volumes cleared", `{"extra_volumes":{}}`, func(t *testing.T, _, after scaleway.Image) {
			if len(after.ExtraVolumes) != 0 {
				t.Errorf("extra_volumes = %v, want {}", after.ExtraVolumes)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := createImage(t, srv, map[string]any{
				"name": "before", "arch": "x86_64", "project": scalewaytest.DefaultProjectID, "root_volume": snapshots[0].ID,
				"tags": []string{"keep"}, "extra_volumes": map[string]any{"1": map[string]string{"id": snapshots[1].ID}},
			})
			after := imageFrom(t, send(t, srv, http.MethodPatch, imagePath(zone, before.ID), tt.patch).expectStatus(t, http.StatusOK))
			tt.check(t, before, after)
			if after.ID != before.ID || !after.CreationDate.Equal(before.CreationDate.Time) || *after.RootVolume != *before.RootVolume {
				t.Errorf("PATCH changed what it was not asked to: %+v -> %+v", before, after)
			}
			stored := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, before.ID), "").expectStatus(t, http.StatusOK))
			if stored.Name != after.Name || stored.Public != after.Public || !slices.Equal(stored.Tags, after.Tags) {
				t.Errorf("GET after PATCH = %+v, want %+v", stored, after)
			}
		})
	}
}

// TestModificationDate holds the recorded rule: the modification date
// moves on a rename, a public change or a tag change, not on an
// extra_volumes change nor on a PATCH that changes nothing (an arch change
// moving it is a guess).
func TestModificationDate(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newServer(t, scalewaytest.Options{Clock: clk.Now})
	spare := srv.Snapshots(zone)[2].ID
	tests := []struct {
		method, body string
		moves        bool
	}{
		{http.MethodPatch, `{"name":"later"}`, true},
		{http.MethodPatch, `{"public":true}`, true},
		{http.MethodPatch, `{"tags":["new"]}`, true},
		{http.MethodPatch, `{"arch":"arm64"}`, true},
		{http.MethodPatch, `{"extra_volumes":{"1":{"id":"` + spare + `"}}}`, false},
		{http.MethodPatch, `{"name":"created","arch":"x86_64","tags":[]}`, false},
		{http.MethodPatch, `{}`, false},
		{http.MethodPut, `{"name":"created","arch":"x86_64","extra_volumes":{"1":{"id":"` + spare + `"}}}`, false},
		{http.MethodPut, `{"name":"renamed","arch":"x86_64"}`, true},
	}
	for _, tt := range tests {
		created := createImage(t, srv, createBody(srv, zone, 0))
		if !created.CreationDate.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("creation_date = %v, want the clock's %v", created.CreationDate, clk.Now())
		}
		clk.Advance(90 * time.Second)
		updated := imageFrom(t, send(t, srv, tt.method, imagePath(zone, created.ID), tt.body).expectStatus(t, http.StatusOK))
		want := created.ModificationDate.Time
		if tt.moves {
			want = clk.Now().Truncate(time.Microsecond)
		}
		if !updated.ModificationDate.Equal(want) || !updated.CreationDate.Equal(created.CreationDate.Time) {
			t.Errorf("%s %s: dates %v / %v, want creation %v and modification %v", tt.method, tt.body, updated.CreationDate, updated.ModificationDate, created.CreationDate, want)
		}
	}
}

func TestUpdateImageRejectsBadArguments(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	img := seededImage(t, srv, zone, isPrivate)
	tests := []struct {
		name, body string
		status     int
		want       []detail
	}{
		{"unknown arch", `{"arch":"sparc"}`, http.StatusBadRequest, []detail{{"arch", "constraint"}}},
		{"malformed extra volume", `{"extra_volumes":{"1":{"id":"x"}}}`, http.StatusBadRequest, []detail{{"extra_volumes.1.id", "format"}}},
		{"invalid JSON", `{"name":`, http.StatusBadRequest, []detail{{"body", "format"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, send(t, srv, http.MethodPatch, imagePath(zone, img.ID), tt.body), tt.status)
			if !slices.Equal(detailsOf(e), tt.want) {
				t.Errorf("details = %v, want %v", detailsOf(e), tt.want)
			}
		})
	}
	t.Run("unknown extra snapshot", func(t *testing.T) {
		t.Parallel()
		const unknown = "99999999-9999-4999-8999-999999999999"
		e := apiError(t, send(t, srv, http.MethodPatch, imagePath(zone, img.ID), `{"name":"x","extra_volumes":{"1":{"id":"`+unknown+`"}}}`), http.StatusNotFound)
		if e.Resource != "instance_snapshot" || e.ResourceID != unknown {
			t.Errorf("error = %+v", e)
		}
	})
	stored := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, img.ID), ""))
	if stored.Name != img.Name || !stored.ModificationDate.Equal(img.ModificationDate.Time) {
		t.Errorf("a rejected PATCH changed the image: %+v", stored)
	}
}

func TestSetImageReplacesTheWholeImage(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newServer(t, scalewaytest.Options{Clock: clk.Now})
	snapshots := srv.Snapshots(zone)
	before := createImage(t, srv, map[string]any{
		"name": "full", "arch": "x86_64", "project": scalewaytest.DefaultProjectID, "root_volume": snapshots[0].ID,
		"tags": []string{"a"}, "public": true, "extra_volumes": map[string]any{"1": map[string]string{"id": snapshots[1].ID}},
	})
	clk.Advance(time.Minute)

	t.Run("unsent fields are reset", func(t *testing.T) {
		after := imageFrom(t, send(t, srv, http.MethodPut, imagePath(zone, before.ID), `{"name":"replaced","arch":"arm64"}`).expectStatus(t, http.StatusOK))
		if after.Name != "replaced" || after.Arch != scaleway.ArchArm64 || after.Public || len(after.Tags) != 0 || len(after.ExtraVolumes) != 0 {
			t.Errorf("after PUT = %+v, want name/arch set and public, tags, extra_volumes reset", after)
		}
		if after.ID != before.ID || after.Zone != zone || !after.CreationDate.Equal(before.CreationDate.Time) ||
			*after.RootVolume != *before.RootVolume || after.State != before.State || after.Project != before.Project {
			t.Errorf("PUT lost server-owned fields: %+v -> %+v", before, after)
		}
		if !after.ModificationDate.Equal(clk.Now().Truncate(time.Microsecond)) {
			t.Errorf("modification_date = %v, want %v", after.ModificationDate, clk.Now())
		}
	})

	t.Run("old clients send the full object", func(t *testing.T) {
		current := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, before.ID), ""))
		block := srv.BlockSnapshots(zone)[2]
		full := map[string]any{
			"id": current.ID, "zone": current.Zone, "name": "full-again", "arch": "x86_64",
			"creation_date": "2001-01-01T00:00:00+00:00", "state": "error", "from_server": "",
			"organization": current.Organization, "project": current.Project, "public": true,
			"root_volume":   map[string]any{"id": snapshots[2].ID, "name": "client-side name", "size": 1, "volume_type": "l_ssd"},
			"extra_volumes": map[string]any{"1": map[string]any{"id": block.ID, "name": "ignored", "size": 5, "volume_type": "l_ssd"}},
			"tags":          []string{"x", "y"}, "default_bootscript": nil,
		}
		after := imageFrom(t, send(t, srv, http.MethodPut, imagePath(zone, before.ID), jsonBody(t, full)).expectStatus(t, http.StatusOK))
		// A volume is the snapshot's own, whatever the body says (recorded).
		wantRoot := scaleway.VolumeSummary{ID: snapshots[2].ID, Name: snapshots[2].Name, Size: snapshots[2].Size, VolumeType: snapshots[2].VolumeType}
		wantExtra := scaleway.ImageVolume{ID: block.ID, VolumeType: scaleway.VolumeTypeSBSSnapshot}
		if after.Name != "full-again" || !after.Public || !slices.Equal(after.Tags, []string{"x", "y"}) || *after.RootVolume != wantRoot ||
			after.ExtraVolumes["1"] == nil || *after.ExtraVolumes["1"] != wantExtra {
			t.Errorf("after full PUT = %+v", after)
		}
		if after.State != scaleway.ImageStateAvailable || !after.CreationDate.Equal(before.CreationDate.Time) {
			t.Errorf("PUT took server-owned state or creation_date from the body: %+v", after)
		}
	})

	t.Run("unknown snapshots", func(t *testing.T) {
		const unknown = "99999999-9999-4999-8999-999999999999"
		for _, body := range []string{
			`{"name":"x","arch":"x86_64","root_volume":{"id":"` + unknown + `"}}`,
			`{"name":"x","arch":"x86_64","extra_volumes":{"1":{"id":"` + unknown + `"}}}`,
		} {
			e := apiError(t, send(t, srv, http.MethodPut, imagePath(zone, before.ID), body), http.StatusNotFound)
			if e.Resource != "instance_snapshot" || e.ResourceID != unknown {
				t.Errorf("error = %+v", e)
			}
		}
	})

	t.Run("a body for another image", func(t *testing.T) {
		const other = "99999999-9999-4999-8999-999999999999"
		e := apiError(t, send(t, srv, http.MethodPut, imagePath(zone, before.ID), `{"zone":"nl-ams-1","id":"`+other+`","name":"x","arch":"x86_64"}`), http.StatusBadRequest)
		if want := []detail{{"zone", "constraint"}, {"id", "constraint"}}; !slices.Equal(detailsOf(e), want) {
			t.Errorf("details = %v, want %v", detailsOf(e), want)
		}
		upper := strings.ToUpper(before.ID)
		send(t, srv, http.MethodPut, imagePath(zone, before.ID), `{"zone":"`+string(zone)+`","id":"`+upper+`","name":"same","arch":"x86_64"}`).expectStatus(t, http.StatusOK)
	})

	t.Run("name and arch are required", func(t *testing.T) {
		e := apiError(t, send(t, srv, http.MethodPut, imagePath(zone, before.ID), `{}`), http.StatusBadRequest)
		if want := []detail{{"name", "required"}, {"arch", "required"}}; !slices.Equal(detailsOf(e), want) {
			t.Errorf("details = %v, want %v", detailsOf(e), want)
		}
	})
}

func TestDeleteImage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	img := seededImage(t, srv, zone, isPrivate)

	deleted := send(t, srv, http.MethodDelete, imagePath(zone, img.ID), "").expectStatus(t, http.StatusNoContent)
	if len(deleted.body) != 0 {
		t.Errorf("DELETE body = %q, want empty", deleted.body)
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		e := apiError(t, send(t, srv, method, imagePath(zone, img.ID), ""), http.StatusNotFound)
		if e.Resource != "instance_image" || e.ResourceID != img.ID {
			t.Errorf("%s after DELETE: %+v", method, e)
		}
	}
	if got, want := len(srv.Snapshots(zone)), len(scalewaytest.New(scalewaytest.Options{}).Snapshots(zone)); got != want {
		t.Errorf("deleting an image changed the snapshots: %d, want %d", got, want)
	}
}

func TestUnknownImageIsNotFound(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	const unknown = "0c0c0c0c-0000-4000-8000-000000000000"
	other := seededImage(t, srv, "fr-par-2", isPrivate) // images are zonal
	for _, id := range []string{unknown, other.ID} {
		for _, call := range []struct{ method, body string }{
			{http.MethodGet, ""},
			{http.MethodPut, `{"name":"x","arch":"x86_64"}`},
			{http.MethodPatch, `{"name":"x"}`},
			{http.MethodDelete, ""},
		} {
			t.Run(call.method+" "+id, func(t *testing.T) {
				t.Parallel()
				e := apiError(t, send(t, srv, call.method, imagePath(zone, id), call.body), http.StatusNotFound)
				want := scaleway.Error{Type: "not_found", Message: "resource is not found", Resource: "instance_image", ResourceID: id}
				if e.Type != want.Type || e.Message != want.Message || e.Resource != want.Resource || e.ResourceID != want.ResourceID {
					t.Errorf("error = %+v, want %+v", e, want)
				}
			})
		}
	}
}

func TestMalformedImageIDInPath(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	tests := []struct{ method, argument string }{
		{http.MethodGet, "image_id"},
		{http.MethodPut, "id"},
		{http.MethodPatch, "image_id"},
		{http.MethodDelete, "image_id"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, send(t, srv, tt.method, imagePath(zone, "not-a-uuid"), `{"name":"x","arch":"x86_64"}`), http.StatusBadRequest)
			if want := []detail{{tt.argument, "format"}}; e.Type != scaleway.TypeInvalidArguments || !slices.Equal(detailsOf(e), want) {
				t.Errorf("error = %+v, want details %v", e, want)
			}
		})
	}
}

func TestMarketplaceImagesCannotBeChanged(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	img := seededImage(t, srv, zone, isMarketplace)
	for _, call := range []struct{ method, body string }{
		{http.MethodPut, `{"name":"mine","arch":"x86_64"}`},
		{http.MethodPatch, `{"name":"mine"}`},
		{http.MethodDelete, ""},
	} {
		t.Run(call.method, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, send(t, srv, call.method, imagePath(zone, img.ID), call.body), http.StatusForbidden)
			if e.Type != scaleway.TypePermissionsDenied || len(e.Details) != 1 || e.Details[0].Resource != "instance_image" || e.Details[0].Action != "write" {
				t.Errorf("error = %+v", e)
			}
		})
	}
	t.Run("still readable", func(t *testing.T) {
		t.Parallel()
		got := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, img.ID), "").expectStatus(t, http.StatusOK))
		if !got.Public || got.Name != img.Name {
			t.Errorf("marketplace image = %+v", got)
		}
	})
}

func TestCreatingImageBecomesAvailable(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newServer(t, scalewaytest.Options{Clock: clk.Now, CreatingDuration: 30 * time.Second})
	img := createImage(t, srv, createBody(srv, zone, 0))
	if img.State != scaleway.ImageStateCreating {
		t.Fatalf("state after create = %s, want creating", img.State)
	}
	for _, call := range []struct{ method, body string }{
		{http.MethodPut, `{"name":"x","arch":"x86_64"}`},
		{http.MethodPatch, `{"name":"x"}`},
		{http.MethodDelete, ""},
	} {
		e := apiError(t, send(t, srv, call.method, imagePath(zone, img.ID), call.body), http.StatusConflict)
		if e.Type != scaleway.TypeTransientState || e.Resource != "instance_image" || e.ResourceID != img.ID || e.CurrentState != "creating" {
			t.Errorf("%s while creating: %+v", call.method, e)
		}
	}
	clk.Advance(29 * time.Second)
	if got := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, img.ID), "")); got.State != scaleway.ImageStateCreating {
		t.Errorf("state before the duration = %s, want creating", got.State)
	}
	clk.Advance(time.Second)
	if got := imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, img.ID), "")); got.State != scaleway.ImageStateAvailable {
		t.Errorf("state after the duration = %s, want available", got.State)
	}
	listed := imagesFrom(t, send(t, srv, http.MethodGet, imagesPath(zone)+"?name=created", ""))
	if len(listed) != 1 || listed[0].State != scaleway.ImageStateAvailable {
		t.Errorf("listed = %+v", listed)
	}
	send(t, srv, http.MethodPatch, imagePath(zone, img.ID), `{"name":"ready"}`).expectStatus(t, http.StatusOK)
}

func TestPrivateImageQuota(t *testing.T) {
	t.Parallel()
	seeded := 0
	for _, img := range scalewaytest.New(scalewaytest.Options{}).Images(zone) {
		if isPrivate(img) && !img.Public {
			seeded++
		}
	}
	srv := newServer(t, scalewaytest.Options{PrivateImageQuota: seeded + 1})
	createImage(t, srv, createBody(srv, zone, 0))
	e := apiError(t, send(t, srv, http.MethodPost, imagesPath(zone), jsonBody(t, createBody(srv, zone, 0))), http.StatusForbidden)
	if e.Type != scaleway.TypeQuotasExceeded || len(e.Details) != 1 || e.Details[0].Resource != "images" ||
		e.Details[0].Quota == nil || *e.Details[0].Quota != int64(seeded+1) || e.Details[0].Current == nil || *e.Details[0].Current != int64(seeded+1) {
		t.Errorf("error = %+v", e)
	}
	public := createBody(srv, zone, 0)
	public["public"] = true
	createImage(t, srv, public) // public images do not count
	// the quota is per zone
	send(t, srv, http.MethodPost, imagesPath("fr-par-2"), jsonBody(t, createBody(srv, "fr-par-2", 0))).expectStatus(t, http.StatusCreated)
}

func TestBodiesOnGetAndDeleteAreIgnored(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	img := seededImage(t, srv, zone, isPrivate)
	imagesFrom(t, send(t, srv, http.MethodGet, imagesPath(zone), "{}").expectStatus(t, http.StatusOK))
	imageFrom(t, send(t, srv, http.MethodGet, imagePath(zone, img.ID), `{"name":"ignored"}`).expectStatus(t, http.StatusOK))
	send(t, srv, http.MethodDelete, imagePath(zone, img.ID), "{}").expectStatus(t, http.StatusNoContent)
}
