package rest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// seededImage returns the fake's image of zone called name.
func seededImage(t *testing.T, f *fixture, name string) scaleway.Image {
	t.Helper()
	for _, img := range f.fake.Images(zone) {
		if img.Name == name && img.Project == scalewaytest.DefaultProjectID {
			return img
		}
	}
	t.Fatalf("no seeded image %q", name)
	return scaleway.Image{}
}

func TestListImages(t *testing.T) {
	t.Parallel()
	base := imagesPath(zone)
	tests := []struct {
		name          string
		query         string
		wantTotal     int
		wantNames     []string // nil: only the count is checked
		wantCount     int
		wantLink      string
		wantUpstreamQ url.Values
	}{
		{
			name: "first page, defaults", wantTotal: 17, wantCount: 17,
			wantLink:      "<" + base + "?page=1&per_page=50&>; rel=\"last\"",
			wantUpstreamQ: url.Values{},
		},
		{
			name: "middle page", query: "page=2&per_page=5", wantTotal: 17, wantCount: 5,
			wantLink: "<" + base + "?page=1&per_page=5&>; rel=\"first\"," +
				"<" + base + "?page=1&per_page=5&>; rel=\"previous\"," +
				"<" + base + "?page=3&per_page=5&>; rel=\"next\"," +
				"<" + base + "?page=4&per_page=5&>; rel=\"last\"",
			wantUpstreamQ: url.Values{"page": {"2"}, "per_page": {"5"}},
		},
		{
			name: "python's public=False", query: "public=False", wantTotal: 3,
			wantNames:     []string{"web-frontend", "postgres-16", "ci-runner"},
			wantUpstreamQ: url.Values{"public": {"false"}},
		},
		{
			name: "project and arch", query: "project=" + scalewaytest.DefaultProjectID + "&arch=arm64", wantTotal: 1,
			wantNames:     []string{"ci-runner"},
			wantUpstreamQ: url.Values{"project": {scalewaytest.DefaultProjectID}, "arch": {"arm64"}},
		},
		{
			name: "tags and name", query: "tags=prod&name=postgres", wantTotal: 1,
			wantNames:     []string{"postgres-16"},
			wantUpstreamQ: url.Values{"tags": {"prod"}, "name": {"postgres"}},
		},
		{
			name: "page past the end", query: "page=9&per_page=50", wantTotal: 17, wantNames: []string{},
			wantUpstreamQ: url.Values{"page": {"9"}, "per_page": {"50"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{})
			path := base
			if tt.query != "" {
				path += "?" + tt.query
			}
			a := f.do(t, http.MethodGet, path, "")
			if a.status != http.StatusOK {
				t.Fatalf("status = %d; want 200 (%s)", a.status, a.body)
			}
			if got := a.header.Get("X-Total-Count"); got != strconv.Itoa(tt.wantTotal) {
				t.Errorf("X-Total-Count = %q; want %d", got, tt.wantTotal)
			}
			if tt.wantLink != "" && a.header.Get("Link") != tt.wantLink {
				t.Errorf("Link =\n%s\nwant\n%s", a.header.Get("Link"), tt.wantLink)
			}
			if got := a.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := a.header.Get("X-Request-Id"); got == "" || got != f.lastUpstreamID() {
				t.Errorf("X-Request-Id = %q; want upstream's %q", got, f.lastUpstreamID())
			}
			var body map[string][]scaleway.Image
			a.decode(t, &body)
			if len(body) != 1 || body["images"] == nil {
				t.Fatalf("body keys = %v; want only \"images\" (%s)", body, a.body)
			}
			var names []string
			for _, img := range body["images"] {
				names = append(names, img.Name)
				if img.Zone != zone || !scaleway.IsUUID(img.ID) {
					t.Errorf("image %+v: want zone %s and a UUID", img, zone)
				}
			}
			if tt.wantNames != nil && !slices.Equal(names, tt.wantNames) {
				t.Errorf("names = %q; want %q", names, tt.wantNames)
			}
			if tt.wantNames == nil && len(names) != tt.wantCount {
				t.Errorf("got %d images; want %d", len(names), tt.wantCount)
			}
			requests := f.fake.Requests()
			if len(requests) != 1 || requests[0].Route != scalewaytest.RouteListImages {
				t.Fatalf("upstream requests = %+v; want one list", requests)
			}
			gotQ, _ := url.ParseQuery(requests[0].RawQuery)
			if gotQ.Encode() != tt.wantUpstreamQ.Encode() {
				t.Errorf("upstream query = %q; want %q", gotQ.Encode(), tt.wantUpstreamQ.Encode())
			}
		})
	}
}

func TestGetImage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	want := seededImage(t, f, "postgres-16")
	// The Python SDK sends {} on GET: the body is ignored.
	a := f.do(t, http.MethodGet, imagesPath(zone)+"/"+want.ID, "{}")
	if a.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", a.status, a.body)
	}
	var body struct{ Image scaleway.Image }
	a.decode(t, &body)
	got := body.Image
	if got.ID != want.ID || got.Name != "postgres-16" || got.Arch != scaleway.ArchX86_64 || got.RootVolume == nil ||
		got.RootVolume.ID != want.RootVolume.ID || len(got.ExtraVolumes) != 1 || got.FromServer == nil || *got.FromServer == "" || !slices.Equal(got.Tags, []string{"db", "prod"}) {
		t.Errorf("image = %+v; want %+v", got, want)
	}
	// Every field of the API's image is present, as the real API sends it.
	for _, field := range []string{`"default_bootscript":null`, `"from_server":`, `"extra_volumes":{"1":`, `"creation_date":"2025-`} {
		if !strings.Contains(string(a.body), field) {
			t.Errorf("body lacks %s: %s", field, a.body)
		}
	}
	if got := a.header.Get("X-Request-Id"); got != f.lastUpstreamID() {
		t.Errorf("X-Request-Id = %q; want %q", got, f.lastUpstreamID())
	}
}

func TestCreateImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        []scaleway.Option // the client's default owner
		owner       string            // JSON fragment added to the body
		wantProject string
		wantOrg     string
	}{
		{"default project filled", []scaleway.Option{scaleway.WithDefaultProject(scalewaytest.DefaultProjectID), scaleway.WithDefaultOrganization("33333333-3333-4333-8333-333333333333")}, "", scalewaytest.DefaultProjectID, scalewaytest.DefaultOrganizationID},
		{"default organization filled", []scaleway.Option{scaleway.WithDefaultOrganization(scalewaytest.DefaultOrganizationID)}, "", scalewaytest.DefaultProjectID, scalewaytest.DefaultOrganizationID},
		{"caller's project kept", []scaleway.Option{scaleway.WithDefaultProject("44444444-4444-4444-8444-444444444444")}, `,"project":"` + scalewaytest.DefaultProjectID + `"`, scalewaytest.DefaultProjectID, scalewaytest.DefaultOrganizationID},
		{"caller's organization kept", []scaleway.Option{scaleway.WithDefaultProject("44444444-4444-4444-8444-444444444444")}, `,"organization":"` + scalewaytest.DefaultOrganizationID + `","project":""`, scalewaytest.DefaultProjectID, scalewaytest.DefaultOrganizationID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{client: tt.opts})
			snapshots := f.fake.Snapshots(zone)
			body := `{"name":"from-rest","root_volume":"` + snapshots[0].ID + `","arch":"arm64","tags":["a","b"],` +
				`"extra_volumes":{"1":{"id":"` + snapshots[2].ID + `"}},"default_bootscript":"legacy"` + tt.owner + `}`
			a := f.do(t, http.MethodPost, imagesPath(zone), body, "Content-Type", "application/json")
			if a.status != http.StatusCreated {
				t.Fatalf("status = %d; want 201 (%s)", a.status, a.body)
			}
			var got struct{ Image scaleway.Image }
			a.decode(t, &got)
			img := got.Image
			if img.Name != "from-rest" || img.Arch != scaleway.ArchArm64 || img.RootVolume.ID != snapshots[0].ID ||
				img.ExtraVolumes["1"] == nil || img.ExtraVolumes["1"].ID != snapshots[2].ID || img.Project != tt.wantProject || img.Organization != tt.wantOrg {
				t.Errorf("created image = %+v", img)
			}
			wantLocation := f.adapter.URL + imagesPath(zone) + "/" + img.ID
			if loc := a.header.Get("Location"); loc != wantLocation {
				t.Errorf("Location = %q; want %q", loc, wantLocation)
			}
			if a.header.Get("X-Request-Id") != f.lastUpstreamID() {
				t.Errorf("X-Request-Id = %q; want upstream's", a.header.Get("X-Request-Id"))
			}
			// The new image is served at Location.
			if again := f.do(t, http.MethodGet, strings.TrimPrefix(a.header.Get("Location"), f.adapter.URL), ""); again.status != http.StatusOK {
				t.Errorf("GET Location = %d", again.status)
			}
		})
	}
}

func TestSetImage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	img := seededImage(t, f, "web-frontend")
	// An old Go SDK sends the whole image, id, zone and bootscript included.
	body := `{"id":"` + img.ID + `","zone":"fr-par-1","name":"web-v2","arch":"x86_64","public":true,"tags":["v2"],` +
		`"extra_volumes":{},"from_server":"","organization":"` + img.Organization + `","project":"` + img.Project + `",` +
		`"state":"available","default_bootscript":null,"creation_date":"2025-09-15T14:30:00.000000+00:00"}`
	a := f.do(t, http.MethodPut, imagesPath(zone)+"/"+img.ID, body)
	if a.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", a.status, a.body)
	}
	var got struct{ Image scaleway.Image }
	a.decode(t, &got)
	if got.Image.ID != img.ID || got.Image.Name != "web-v2" || !got.Image.Public || !slices.Equal(got.Image.Tags, []string{"v2"}) {
		t.Errorf("image = %+v", got.Image)
	}
	if n := f.fake.RequestCount(scalewaytest.RouteSetImage); n != 1 {
		t.Errorf("upstream PUTs = %d; want 1", n)
	}
	// Upstream gets the body in the shape real clients sent: zone and id,
	// no from_server, no default_bootscript.
	put := f.fake.Requests()[0]
	var sent map[string]any
	if err := json.Unmarshal(put.Body, &sent); err != nil {
		t.Fatal(err)
	}
	if _, ok := sent["from_server"]; ok || sent["id"] != img.ID || sent["zone"] != "fr-par-1" || sent["default_bootscript"] != nil {
		t.Errorf("upstream PUT body %s", put.Body)
	}
	// A body without zone and id gets the path's.
	a = f.do(t, http.MethodPut, imagesPath(zone)+"/"+img.ID, `{"name":"web-v3","arch":"x86_64"}`)
	if a.status != http.StatusOK || !strings.Contains(string(f.fake.Requests()[1].Body), `"zone":"fr-par-1","id":"`+img.ID+`"`) {
		t.Errorf("PUT without zone and id: %d %s; upstream got %s", a.status, a.body, f.fake.Requests()[1].Body)
	}
}

// TestBlockStorageVolumesPassThrough: an image's Block Storage volume
// reaches the REST caller as Scaleway writes it, size 0 and no name.
func TestBlockStorageVolumesPassThrough(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	img := seededImage(t, f, "ci-runner")
	a := f.do(t, http.MethodGet, imagesPath(zone)+"/"+img.ID, "")
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"root_volume":{"id":"`+img.RootVolume.ID+`","name":"","size":0,"volume_type":"sbs_snapshot"}`) {
		t.Errorf("GET = %d %s", a.status, a.body)
	}
}

func TestUpdateImage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	img := seededImage(t, f, "ci-runner")
	a := f.do(t, http.MethodPatch, imagesPath(zone)+"/"+img.ID, `{"name":"ci-runner-2","tags":[]}`)
	if a.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", a.status, a.body)
	}
	var got struct{ Image scaleway.Image }
	a.decode(t, &got)
	if got.Image.Name != "ci-runner-2" || len(got.Image.Tags) != 0 || got.Image.Arch != scaleway.ArchArm64 {
		t.Errorf("image = %+v; want renamed, tags cleared, arch kept", got.Image)
	}
	requests := f.fake.Requests()
	if len(requests) != 1 || string(requests[0].Body) != `{"name":"ci-runner-2","tags":[]}` {
		t.Errorf("upstream got %+v; want one PATCH with name and empty tags", requests)
	}
}

func TestDeleteImage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	img := seededImage(t, f, "web-frontend")
	a := f.do(t, http.MethodDelete, imagesPath(zone)+"/"+img.ID, "{}")
	if a.status != http.StatusNoContent || len(a.body) != 0 {
		t.Fatalf("answer = %d %q; want 204 and no body", a.status, a.body)
	}
	if a.header.Get("Content-Type") != "application/json" || a.header.Get("X-Request-Id") != f.lastUpstreamID() {
		t.Errorf("headers = %v", a.header)
	}
	if again := f.do(t, http.MethodGet, imagesPath(zone)+"/"+img.ID, ""); again.status != http.StatusNotFound {
		t.Errorf("GET after DELETE = %d; want 404", again.status)
	}
}
