package scaleway_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// volumeOf is how an image shows snapshot as an extra volume: a Block
// Storage snapshot with size 0 and no name, as the real API does.
func volumeOf(snap snapshot) *scaleway.ImageVolume {
	if snap.VolumeType == scaleway.VolumeTypeSBSSnapshot {
		return &scaleway.ImageVolume{ID: snap.ID, VolumeType: snap.VolumeType}
	}
	return &scaleway.ImageVolume{ID: snap.ID, Name: snap.Name, Size: snap.Size, VolumeType: snap.VolumeType}
}

// summaryOf is how an image shows snapshot as its root volume.
func summaryOf(snap snapshot) *scaleway.VolumeSummary {
	v := volumeOf(snap)
	return &scaleway.VolumeSummary{ID: v.ID, Name: v.Name, Size: v.Size, VolumeType: v.VolumeType}
}

// bodyKeys returns the top-level keys of a JSON object body, sorted.
func bodyKeys(t testing.TB, body []byte) []string {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		t.Fatalf("request body %s is not a JSON object: %v", body, err)
	}
	return slices.Sorted(maps.Keys(fields))
}

func TestFakeListImages(t *testing.T) {
	t.Parallel()
	isPublic := func(img scaleway.Image) bool { return img.Public }
	tests := []struct {
		name      string
		opts      scalewaytest.Options
		req       *scaleway.ListImagesRequest
		keep      func(scaleway.Image) bool // nil keeps every image
		from, to  int                       // the expected page, as indexes of the kept images
		wantNames []string                  // when set, the names of the expected page
		wantTotal uint32
		wantQuery string
	}{
		{name: "no filter", req: nil, from: 0, to: 17, wantTotal: 17, wantQuery: ""},
		{
			name: "organization", req: &scaleway.ListImagesRequest{Organization: ptr(scalewaytest.MarketplaceOrganizationID)},
			keep: isPublic, from: 0, to: 14, wantTotal: 14, wantQuery: "organization=" + scalewaytest.MarketplaceOrganizationID,
		},
		{
			name: "project", req: &scaleway.ListImagesRequest{Project: ptr(scalewaytest.DefaultProjectID)},
			keep: func(img scaleway.Image) bool { return !img.Public }, from: 0, to: 3,
			wantNames: []string{"web-frontend", "postgres-16", "ci-runner"}, wantTotal: 3, wantQuery: "project=" + scalewaytest.DefaultProjectID,
		},
		{
			name: "name is a substring in any case", req: &scaleway.ListImagesRequest{Name: ptr("UBUNTU 24")},
			from: 0, to: 2, wantNames: []string{"Ubuntu 24.04 Noble Numbat", "Ubuntu 24.04 Noble Numbat"}, wantTotal: 2, wantQuery: "name=UBUNTU+24",
			keep: func(img scaleway.Image) bool { return strings.HasPrefix(img.Name, "Ubuntu 24") },
		},
		{
			name: "name matches nothing", req: &scaleway.ListImagesRequest{Name: ptr("windows")},
			keep: func(scaleway.Image) bool { return false }, wantTotal: 0, wantQuery: "name=windows",
		},
		{
			name: "public true", req: &scaleway.ListImagesRequest{Public: ptr(true)},
			keep: isPublic, from: 0, to: 14, wantTotal: 14, wantQuery: "public=true",
		},
		{
			name: "public false", req: &scaleway.ListImagesRequest{Public: ptr(false)},
			keep: func(img scaleway.Image) bool { return !img.Public }, from: 0, to: 3, wantTotal: 3, wantQuery: "public=false",
		},
		{
			name: "arch", req: &scaleway.ListImagesRequest{Arch: ptr("arm64")},
			keep: func(img scaleway.Image) bool { return img.Arch == scaleway.ArchArm64 }, from: 0, to: 8, wantTotal: 8, wantQuery: "arch=arm64",
		},
		{
			name: "one tag", req: &scaleway.ListImagesRequest{Tags: ptr("prod")},
			keep: func(img scaleway.Image) bool { return slices.Contains(img.Tags, "prod") }, from: 0, to: 2,
			wantNames: []string{"web-frontend", "postgres-16"}, wantTotal: 2, wantQuery: "tags=prod",
		},
		{
			name: "every tag must match", req: &scaleway.ListImagesRequest{Tags: ptr("db,prod")},
			keep: func(img scaleway.Image) bool { return slices.Contains(img.Tags, "db") }, from: 0, to: 1,
			wantNames: []string{"postgres-16"}, wantTotal: 1, wantQuery: "tags=db%2Cprod",
		},
		{
			name: "filters combine", req: &scaleway.ListImagesRequest{Project: ptr(scalewaytest.DefaultProjectID), Arch: ptr("x86_64"), Public: ptr(false)},
			keep: func(img scaleway.Image) bool { return !img.Public && img.Arch == scaleway.ArchX86_64 }, from: 0, to: 2,
			wantNames: []string{"web-frontend", "postgres-16"}, wantTotal: 2,
			wantQuery: "arch=x86_64&project=" + scalewaytest.DefaultProjectID + "&public=false",
		},
		{
			name: "second page", req: &scaleway.ListImagesRequest{Page: ptr[int32](2), PerPage: ptr[uint32](5)},
			from: 5, to: 10, wantTotal: 17, wantQuery: "page=2&per_page=5",
		},
		{
			name: "last, short page", req: &scaleway.ListImagesRequest{Page: ptr[int32](4), PerPage: ptr[uint32](5)},
			from: 15, to: 17, wantTotal: 17, wantQuery: "page=4&per_page=5",
		},
		{
			name: "page past the end is empty", req: &scaleway.ListImagesRequest{Page: ptr[int32](5), PerPage: ptr[uint32](5)},
			from: 0, to: 0, wantTotal: 17, wantQuery: "page=5&per_page=5",
		},
		{
			name: "far past the end", req: &scaleway.ListImagesRequest{Page: ptr[int32](1 << 30), PerPage: ptr[uint32](100)},
			from: 0, to: 0, wantTotal: 17, wantQuery: "page=1073741824&per_page=100",
		},
		{
			name: "default page size is 50", opts: scalewaytest.Options{ExtraImages: 1000}, req: &scaleway.ListImagesRequest{},
			from: 0, to: 50, wantTotal: 117, wantQuery: "",
		},
		{
			name: "per_page 100", opts: scalewaytest.Options{ExtraImages: 1000}, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](100)},
			from: 0, to: 100, wantTotal: 117, wantQuery: "per_page=100",
		},
		{
			name: "page 2 of 100", opts: scalewaytest.Options{ExtraImages: 1000}, req: &scaleway.ListImagesRequest{Page: ptr[int32](2), PerPage: ptr[uint32](100)},
			from: 100, to: 117, wantTotal: 117, wantQuery: "page=2&per_page=100",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, tt.opts)
			c := newClient(t, srv)

			page, resp, err := c.ListImages(t.Context(), zone, tt.req)
			if err != nil {
				t.Fatalf("ListImages: %v", err)
			}
			checkResponse(t, resp, http.StatusOK, 1)

			var kept []scaleway.Image
			for _, img := range srv.Images(zone) {
				if tt.keep == nil || tt.keep(img) {
					kept = append(kept, img)
				}
			}
			if len(kept) != int(tt.wantTotal) {
				t.Fatalf("test table: %d images kept, want total %d", len(kept), tt.wantTotal)
			}
			want := fakeIDs(kept[tt.from:tt.to])
			if got := imageIDs(page.Images); !slices.Equal(got, want) {
				t.Errorf("ids = %v\nwant %v", got, want)
			}
			if page.Images == nil {
				t.Error("Images is nil, want an empty list for an empty page")
			}
			if tt.wantNames != nil {
				var names []string
				for _, img := range page.Images {
					names = append(names, img.Name)
				}
				if !slices.Equal(names, tt.wantNames) {
					t.Errorf("names = %q, want %q", names, tt.wantNames)
				}
			}
			for _, img := range page.Images {
				if img.Zone != zone {
					t.Errorf("image %s is in zone %q, want %s", img.ID, img.Zone, zone)
				}
			}
			if page.TotalCount != tt.wantTotal {
				t.Errorf("TotalCount = %d, want %d (X-Total-Count %q)", page.TotalCount, tt.wantTotal, resp.Header.Get("X-Total-Count"))
			}
			if got := resp.Header.Get("X-Total-Count"); got != strconv.Itoa(int(tt.wantTotal)) {
				t.Errorf("X-Total-Count = %q, want %d", got, tt.wantTotal)
			}
			req := onlyRequest(t, srv)
			if req.Route != scalewaytest.RouteListImages || req.Method != http.MethodGet || req.Path != "/instance/v1/zones/fr-par-1/images" {
				t.Errorf("fake saw %s %s %s", req.Route, req.Method, req.Path)
			}
			if req.RawQuery != tt.wantQuery {
				t.Errorf("query = %q, want %q", req.RawQuery, tt.wantQuery)
			}
		})
	}
}

func TestFakeGetImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		zone scaleway.Zone
		pick func(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone) scaleway.Image
	}{
		{"private image with extra volume", zone, func(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone) scaleway.Image {
			return imageNamed(t, srv, z, "postgres-16")
		}},
		{"marketplace image", "nl-ams-2", marketplaceImage},
		{"extra image in the last zone", "it-mil-1", func(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone) scaleway.Image {
			return imageNamed(t, srv, z, "extra-image-00009")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{ExtraImages: 10})
			c := newClient(t, srv)
			want := tt.pick(t, srv, tt.zone)

			got, resp, err := c.GetImage(t.Context(), tt.zone, want.ID)
			if err != nil {
				t.Fatalf("GetImage: %v", err)
			}
			checkResponse(t, resp, http.StatusOK, 1)
			checkSameImage(t, "image", got, &want)
			if got.Zone != tt.zone || got.ID != want.ID {
				t.Errorf("got image %s in %s", got.ID, got.Zone)
			}
			req := onlyRequest(t, srv)
			if req.Route != scalewaytest.RouteGetImage || req.Path != "/instance/v1/zones/"+string(tt.zone)+"/images/"+want.ID || len(req.Body) != 0 {
				t.Errorf("fake saw %s %s %s with body %q", req.Route, req.Method, req.Path, req.Body)
			}
		})
	}

	t.Run("postgres-16 fields", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{})
		c := newClient(t, srv)
		id := imageNamed(t, srv, zone, "postgres-16").ID
		img, _, err := c.GetImage(t.Context(), zone, id)
		if err != nil {
			t.Fatalf("GetImage: %v", err)
		}
		root, data := snapshotNamed(t, srv, zone, "snap-db-root"), snapshotNamed(t, srv, zone, "snap-db-data")
		if jsonOf(t, img.RootVolume) != jsonOf(t, summaryOf(root)) {
			t.Errorf("root volume = %+v, want %+v", img.RootVolume, root)
		}
		if len(img.ExtraVolumes) != 1 || jsonOf(t, img.ExtraVolumes["1"]) != jsonOf(t, volumeOf(data)) {
			t.Errorf("extra volumes = %s, want {1: snap-db-data}", jsonOf(t, img.ExtraVolumes))
		}
		if img.FromServer == nil || !scaleway.IsUUID(*img.FromServer) || img.State != scaleway.ImageStateAvailable || img.Arch != scaleway.ArchX86_64 ||
			img.Organization != scalewaytest.DefaultOrganizationID || img.Project != scalewaytest.DefaultProjectID || img.Public ||
			!slices.Equal(img.Tags, []string{"db", "prod"}) || img.CreationDate == nil || img.DefaultBootscript != nil {
			t.Errorf("image = %s", jsonOf(t, img))
		}
		if got := img.SnapshotIDs(); !slices.Equal(got, []string{root.ID, data.ID}) {
			t.Errorf("SnapshotIDs = %v", got)
		}
	})
}

func TestFakeCreateImage(t *testing.T) {
	t.Parallel()
	const otherOrg = "33333333-3333-4333-8333-333333333333"
	const otherProject = "44444444-4444-4444-8444-444444444444"
	tests := []struct {
		name        string
		zone        scaleway.Zone
		req         func(snap func(name string) snapshot) *scaleway.CreateImageRequest
		wantOrg     string
		wantProject string
		wantExtras  []string // snapshot names at positions 1, 2, ...
	}{
		{
			name: "root volume only", zone: zone,
			req: func(snap func(string) snapshot) *scaleway.CreateImageRequest {
				return &scaleway.CreateImageRequest{Name: "web-v2", RootVolume: snap("snap-web-root").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID)}
			},
			wantOrg: scalewaytest.DefaultOrganizationID, wantProject: scalewaytest.DefaultProjectID,
		},
		{
			name: "extra volumes, tags, public, arm64, another zone", zone: "pl-waw-3",
			req: func(snap func(string) snapshot) *scaleway.CreateImageRequest {
				return &scaleway.CreateImageRequest{
					Name: "db-v2", RootVolume: snap("snap-db-root").ID, Arch: scaleway.ArchArm64,
					ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": {ID: snap("snap-db-data").ID}, "2": {ID: snap("snap-spare").ID}},
					Project:      ptr(scalewaytest.DefaultProjectID), Tags: []string{"db", "v2"}, Public: ptr(true),
				}
			},
			wantOrg: scalewaytest.DefaultOrganizationID, wantProject: scalewaytest.DefaultProjectID,
			wantExtras: []string{"snap-db-data", "snap-spare"},
		},
		{
			name: "default organization means the default project", zone: zone,
			req: func(snap func(string) snapshot) *scaleway.CreateImageRequest {
				return &scaleway.CreateImageRequest{Name: "by-org", RootVolume: snap("snap-ci-root").ID, Arch: scaleway.ArchArm, Organization: ptr(scalewaytest.DefaultOrganizationID)}
			},
			wantOrg: scalewaytest.DefaultOrganizationID, wantProject: scalewaytest.DefaultProjectID,
		},
		{
			name: "another organization is its own default project", zone: zone,
			req: func(snap func(string) snapshot) *scaleway.CreateImageRequest {
				return &scaleway.CreateImageRequest{Name: "other-org", RootVolume: snap("snap-spare").ID, Arch: scaleway.ArchX86_64, Organization: ptr(otherOrg)}
			},
			wantOrg: otherOrg, wantProject: otherOrg,
		},
		{
			name: "another project of the caller's organization", zone: zone,
			req: func(snap func(string) snapshot) *scaleway.CreateImageRequest {
				return &scaleway.CreateImageRequest{Name: "other-project", RootVolume: snap("snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(otherProject)}
			},
			// Not a project the fake knows: an organization's default
			// project, whose id is the organization's (as recorded).
			wantOrg: otherProject, wantProject: otherProject,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			srv := startFake(t, scalewaytest.Options{Clock: clock.Now})
			c := newClient(t, srv)
			snap := func(name string) snapshot { return snapshotNamed(t, srv, tt.zone, name) }
			req := tt.req(snap)
			before := len(srv.Images(tt.zone))

			img, resp, err := c.CreateImage(t.Context(), tt.zone, req)
			if err != nil {
				t.Fatalf("CreateImage: %v", err)
			}
			checkResponse(t, resp, http.StatusCreated, 1)
			if !scaleway.IsUUID(img.ID) {
				t.Fatalf("new image id %q is not a UUID", img.ID)
			}
			if got, want := resp.Header.Get("Location"), srv.URL+"/instance/v1/zones/"+string(tt.zone)+"/images/"+img.ID; got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
			created := scaleway.NewTimestamp(clock.Now())
			extras := map[string]*scaleway.ImageVolume{}
			for i, name := range tt.wantExtras {
				extras[strconv.Itoa(i+1)] = volumeOf(snap(name))
			}
			want := &scaleway.Image{
				ID: img.ID, Name: req.Name, Organization: tt.wantOrg, Project: tt.wantProject,
				RootVolume: summaryOf(snapshotByID(t, srv, tt.zone, req.RootVolume)), ExtraVolumes: extras,
				Public: req.Public != nil && *req.Public, Arch: req.Arch, CreationDate: &created, ModificationDate: &created,
				FromServer: ptr(""), State: scaleway.ImageStateAvailable, Tags: append([]string{}, req.Tags...), Zone: tt.zone,
			}
			checkSameImage(t, "created image", img, want)

			got, _, err := c.GetImage(t.Context(), tt.zone, img.ID)
			if err != nil {
				t.Fatalf("GetImage of the new image: %v", err)
			}
			checkSameImage(t, "image read back", got, want)
			if after := len(srv.Images(tt.zone)); after != before+1 {
				t.Errorf("zone holds %d images after create, want %d", after, before+1)
			}

			post := srv.Requests()[0]
			if post.Route != scalewaytest.RouteCreateImage || post.Method != http.MethodPost || post.Header.Get("Content-Type") != "application/json" {
				t.Errorf("fake saw %s %s with Content-Type %q", post.Route, post.Method, post.Header.Get("Content-Type"))
			}
			var sent scaleway.CreateImageRequest
			if err := json.Unmarshal(post.Body, &sent); err != nil {
				t.Fatalf("decoding the body the fake received: %v", err)
			}
			if jsonOf(t, sent) != jsonOf(t, req) {
				t.Errorf("body received = %s, want %s", post.Body, jsonOf(t, req))
			}
		})
	}
}

func snapshotByID(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone, id string) snapshot {
	t.Helper()
	return findSnapshot(t, srv, z, id, func(s snapshot) bool { return s.ID == id })
}

func TestFakeSetImage(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		update func(snap func(string) snapshot) *scaleway.UpdateImageRequest
		change func(img *scaleway.Image, snap func(string) snapshot)
		// moves says whether the modification date moves: as recorded,
		// only when the name, public, tags (or, a guess, arch) change.
		moves bool
	}{
		{
			name: "rename and retag keeps the rest", moves: true,
			update: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Name: ptr("postgres-17"), Tags: &[]string{"db", "prod", "v17"}}
			},
			change: func(img *scaleway.Image, _ func(string) snapshot) {
				img.Name, img.Tags = "postgres-17", []string{"db", "prod", "v17"}
			},
		},
		{
			name: "arch, public and extra volumes", moves: true,
			update: func(snap func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Arch: scaleway.ArchArm64, Public: ptr(true), ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{
					"1": {ID: snap("snap-spare").ID}, "2": {ID: snap("snap-db-data").ID},
				}}
			},
			change: func(img *scaleway.Image, snap func(string) snapshot) {
				img.Arch, img.Public = scaleway.ArchArm64, true
				img.ExtraVolumes = map[string]*scaleway.ImageVolume{"1": volumeOf(snap("snap-spare")), "2": volumeOf(snap("snap-db-data"))}
			},
		},
		{
			name: "no change at all",
			update: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{}
			},
			change: func(*scaleway.Image, func(string) snapshot) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			srv := startFake(t, scalewaytest.Options{Clock: clock.Now})
			c := newClient(t, srv)
			snap := func(name string) snapshot { return snapshotNamed(t, srv, zone, name) }
			id := imageNamed(t, srv, zone, "postgres-16").ID

			current, _, err := c.GetImage(t.Context(), zone, id)
			if err != nil {
				t.Fatalf("GetImage: %v", err)
			}
			want := *current
			tt.change(&want, snap)
			clock.Advance(time.Hour)
			if tt.moves {
				modified := scaleway.NewTimestamp(clock.Now())
				want.ModificationDate = &modified
			}

			req := scaleway.SetImageRequestFrom(current)
			req.Apply(tt.update(snap))
			got, resp, err := c.SetImage(t.Context(), zone, id, req)
			if err != nil {
				t.Fatalf("SetImage: %v", err)
			}
			checkResponse(t, resp, http.StatusOK, 1)
			checkSameImage(t, "replaced image", got, &want)
			if got.ModificationDate.After(current.ModificationDate.Time) != tt.moves || !got.CreationDate.Equal(current.CreationDate.Time) {
				t.Errorf("dates: created %v -> %v, modified %v -> %v (should move: %v)", current.CreationDate, got.CreationDate, current.ModificationDate, got.ModificationDate, tt.moves)
			}
			again, _, err := c.GetImage(t.Context(), zone, id)
			if err != nil {
				t.Fatalf("GetImage after PUT: %v", err)
			}
			checkSameImage(t, "image read back", again, &want)

			put := srv.Requests()[1]
			if put.Route != scalewaytest.RouteSetImage || put.Method != http.MethodPut || put.Path != "/instance/v1/zones/fr-par-1/images/"+id {
				t.Errorf("fake saw %s %s %s", put.Route, put.Method, put.Path)
			}
			// The keys every recorded PUT sent: the image as read, with
			// zone and id, without from_server and default_bootscript.
			wantKeys := []string{"arch", "creation_date", "extra_volumes", "id", "modification_date", "name", "organization", "project", "public", "root_volume", "state", "tags", "zone"}
			if keys := bodyKeys(t, put.Body); !slices.Equal(keys, wantKeys) {
				t.Errorf("PUT body keys = %q, want the whole image as recorded %q", keys, wantKeys)
			}
		})
	}

	t.Run("a body without tags resets them", func(t *testing.T) {
		t.Parallel()
		clock := newTestClock()
		srv := startFake(t, scalewaytest.Options{Clock: clock.Now})
		c := newClient(t, srv)
		id := imageNamed(t, srv, zone, "postgres-16").ID
		// Make it public first, so that the PUT visibly resets that too.
		current, _, err := c.UpdateImage(t.Context(), zone, id, &scaleway.UpdateImageRequest{Public: ptr(true)})
		if err != nil {
			t.Fatalf("UpdateImage: %v", err)
		}
		if !current.Public || len(current.Tags) != 2 || len(current.ExtraVolumes) != 1 {
			t.Fatalf("before PUT: %s", jsonOf(t, current))
		}
		clock.Advance(time.Minute)

		got, _, err := c.SetImage(t.Context(), zone, id, &scaleway.SetImageRequest{Name: current.Name, Arch: current.Arch})
		if err != nil {
			t.Fatalf("SetImage: %v", err)
		}
		want := *current
		want.Tags, want.ExtraVolumes, want.Public = []string{}, map[string]*scaleway.ImageVolume{}, false
		modified := scaleway.NewTimestamp(clock.Now())
		want.ModificationDate = &modified
		checkSameImage(t, "image after a bare PUT", got, &want)
		if got.Tags == nil || len(got.Tags) != 0 {
			t.Errorf("tags = %#v, want []", got.Tags)
		}

		put := srv.Requests()[1]
		if keys := bodyKeys(t, put.Body); slices.Contains(keys, "tags") || !slices.Contains(keys, "extra_volumes") {
			t.Errorf("PUT body %s: want no tags key and extra_volumes null", put.Body)
		}
		if keys := bodyKeys(t, put.Body); !slices.Contains(keys, "zone") || !slices.Contains(keys, "id") {
			t.Errorf("PUT body %s: want the path's zone and id filled in", put.Body)
		}
	})
}

func TestFakeUpdateImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		req      func(snap func(string) snapshot) *scaleway.UpdateImageRequest
		change   func(img *scaleway.Image, snap func(string) snapshot)
		wantKeys []string // keys of the PATCH body: only what is set is sent
		// still says that the modification date does not move: recorded
		// for an extra_volumes change and a no-op PATCH.
		still bool
	}{
		{
			name: "name",
			req: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Name: ptr("postgres-17")}
			},
			change:   func(img *scaleway.Image, _ func(string) snapshot) { img.Name = "postgres-17" },
			wantKeys: []string{"name"},
		},
		{
			name: "arch",
			req: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Arch: scaleway.ArchArm64}
			},
			change:   func(img *scaleway.Image, _ func(string) snapshot) { img.Arch = scaleway.ArchArm64 },
			wantKeys: []string{"arch"},
		},
		{
			name: "tags",
			req: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Tags: &[]string{"legacy"}}
			},
			change:   func(img *scaleway.Image, _ func(string) snapshot) { img.Tags = []string{"legacy"} },
			wantKeys: []string{"tags"},
		},
		{
			name: "empty tags clear them",
			req: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Tags: &[]string{}}
			},
			change:   func(img *scaleway.Image, _ func(string) snapshot) { img.Tags = []string{} },
			wantKeys: []string{"tags"},
		},
		{
			name: "public",
			req: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{Public: ptr(true)}
			},
			change:   func(img *scaleway.Image, _ func(string) snapshot) { img.Public = true },
			wantKeys: []string{"public"},
		},
		{
			name: "extra volumes replace the whole map",
			req: func(snap func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{"1": {ID: snap("snap-spare").ID}, "2": {ID: snap("snap-web-root").ID}}}
			},
			change: func(img *scaleway.Image, snap func(string) snapshot) {
				img.ExtraVolumes = map[string]*scaleway.ImageVolume{"1": volumeOf(snap("snap-spare")), "2": volumeOf(snap("snap-web-root"))}
			},
			wantKeys: []string{"extra_volumes"},
			still:    true,
		},
		{
			name: "everything at once",
			req: func(snap func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{
					Name: ptr("pg"), Arch: scaleway.ArchArm, Tags: &[]string{"a", "b"}, Public: ptr(true),
					ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{"1": {ID: snap("snap-db-data").ID}},
				}
			},
			change: func(img *scaleway.Image, _ func(string) snapshot) {
				img.Name, img.Arch, img.Tags, img.Public = "pg", scaleway.ArchArm, []string{"a", "b"}, true
			},
			wantKeys: []string{"arch", "extra_volumes", "name", "public", "tags"},
		},
		{
			name: "empty body changes nothing",
			req: func(func(string) snapshot) *scaleway.UpdateImageRequest {
				return &scaleway.UpdateImageRequest{}
			},
			change:   func(*scaleway.Image, func(string) snapshot) {},
			wantKeys: []string{},
			still:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			srv := startFake(t, scalewaytest.Options{Clock: clock.Now})
			c := newClient(t, srv)
			snap := func(name string) snapshot { return snapshotNamed(t, srv, zone, name) }
			before := imageNamed(t, srv, zone, "postgres-16")
			clock.Advance(90 * time.Minute)

			got, resp, err := c.UpdateImage(t.Context(), zone, before.ID, tt.req(snap))
			if err != nil {
				t.Fatalf("UpdateImage: %v", err)
			}
			checkResponse(t, resp, http.StatusOK, 1)
			want := before
			tt.change(&want, snap)
			if !tt.still {
				modified := scaleway.NewTimestamp(clock.Now())
				want.ModificationDate = &modified
			}
			checkSameImage(t, "updated image", got, &want)
			if got.ModificationDate.After(before.ModificationDate.Time) == tt.still || !got.CreationDate.Equal(before.CreationDate.Time) {
				t.Errorf("modification date %v -> %v (should stay: %v), or creation date changed", before.ModificationDate, got.ModificationDate, tt.still)
			}
			read, _, err := c.GetImage(t.Context(), zone, before.ID)
			if err != nil {
				t.Fatalf("GetImage: %v", err)
			}
			checkSameImage(t, "image read back", read, &want)

			patch := srv.Requests()[0]
			if patch.Route != scalewaytest.RouteUpdateImage || patch.Method != http.MethodPatch {
				t.Errorf("fake saw %s %s", patch.Route, patch.Method)
			}
			if keys := bodyKeys(t, patch.Body); !slices.Equal(keys, tt.wantKeys) {
				t.Errorf("PATCH body %s has keys %q, want %q", patch.Body, keys, tt.wantKeys)
			}
		})
	}
}

func TestFakeDeleteImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pick func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) string
	}{
		{"seeded image", func(t *testing.T, _ *scaleway.Client, srv *scalewaytest.Server) string {
			return imageNamed(t, srv, zone, "postgres-16").ID
		}},
		{"image just created", func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) string {
			img, _, err := c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
				Name: "tmp", RootVolume: snapshotNamed(t, srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID),
			})
			if err != nil {
				t.Fatalf("CreateImage: %v", err)
			}
			srv.ResetRequests()
			return img.ID
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			c := newClient(t, srv)
			id := tt.pick(t, c, srv)
			images, snapshots := len(srv.Images(zone)), srv.Snapshots(zone)

			resp, err := c.DeleteImage(t.Context(), zone, id)
			if err != nil {
				t.Fatalf("DeleteImage: %v", err)
			}
			checkResponse(t, resp, http.StatusNoContent, 1)
			if got := len(srv.Images(zone)); got != images-1 {
				t.Errorf("zone holds %d images, want %d", got, images-1)
			}
			if got := srv.Snapshots(zone); jsonOf(t, got) != jsonOf(t, snapshots) {
				t.Error("deleting an image changed the snapshots; they must be kept")
			}

			_, _, err = c.GetImage(t.Context(), zone, id)
			if !scaleway.IsNotFound(err) {
				t.Fatalf("GetImage after delete: %v, want not found", err)
			}
			apiErr := apiError(t, err, http.StatusNotFound, scaleway.TypeNotFound)
			if apiErr.Resource != "instance_image" || apiErr.ResourceID != id {
				t.Errorf("not found names %s %s, want instance_image %s", apiErr.Resource, apiErr.ResourceID, id)
			}
			_, err = c.DeleteImage(t.Context(), zone, id)
			apiError(t, err, http.StatusNotFound, scaleway.TypeNotFound)

			reqs := srv.Requests()
			if len(reqs) != 3 || reqs[0].Method != http.MethodDelete || reqs[0].Route != scalewaytest.RouteDeleteImage || len(reqs[0].Body) != 0 {
				t.Errorf("fake saw %d requests, first %s %s", len(reqs), reqs[0].Method, reqs[0].Route)
			}
		})
	}
}

// TestFakeDeleteSnapshots: each kind of snapshot is deleted through the
// API that serves it, once nothing uses it; the image that used it is
// deleted first, as the fake refuses a snapshot still in use.
func TestFakeDeleteSnapshots(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	c := newClient(t, srv)
	local := snapshotNamed(t, srv, zone, "snap-spare").ID
	block := srv.BlockSnapshots(zone)[2].ID
	img, _, err := c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
		Name: "both", RootVolume: local, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": {ID: block}}, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID),
	})
	if err != nil {
		t.Fatalf("CreateImage: %v", err)
	}
	_, err = c.DeleteSnapshot(t.Context(), zone, local)
	apiError(t, err, http.StatusPreconditionFailed, scaleway.TypePreconditionFailed)
	if _, err := c.DeleteImage(t.Context(), zone, img.ID); err != nil {
		t.Fatalf("DeleteImage: %v", err)
	}
	srv.ResetRequests()

	resp, err := c.DeleteSnapshot(t.Context(), zone, local)
	if err != nil {
		t.Fatalf("DeleteSnapshot: %v", err)
	}
	checkResponse(t, resp, http.StatusNoContent, 1)
	resp, err = c.DeleteBlockSnapshot(t.Context(), zone, block)
	if err != nil {
		t.Fatalf("DeleteBlockSnapshot: %v", err)
	}
	checkResponse(t, resp, http.StatusNoContent, 1)
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].Route != scalewaytest.RouteDeleteSnapshot || reqs[1].Route != scalewaytest.RouteDeleteBlockSnapshot {
		t.Errorf("fake saw %+v", reqs)
	}
	// The Block snapshot through the Instance route is unknown there.
	_, err = c.DeleteSnapshot(t.Context(), zone, block)
	apiError(t, err, http.StatusNotFound, scaleway.TypeNotFound)
}

// TestCreateImageOwner: an image created without a project or an
// organization goes to the client's default project, else its default
// organization; an owner the request names is kept, an empty one names
// none, and the caller's request is left as it was.
func TestCreateImageOwner(t *testing.T) {
	t.Parallel()
	const otherProject = "44444444-4444-4444-8444-444444444444"
	tests := []struct {
		name        string
		opts        []scaleway.Option
		project     *string
		org         *string
		wantProject string // sent; "" for none
		wantOrg     string
	}{
		{"default project", []scaleway.Option{scaleway.WithDefaultProject(scalewaytest.DefaultProjectID), scaleway.WithDefaultOrganization(scalewaytest.DefaultOrganizationID)}, nil, nil, scalewaytest.DefaultProjectID, ""},
		{"default organization without a default project", []scaleway.Option{scaleway.WithDefaultOrganization(scalewaytest.DefaultOrganizationID)}, nil, nil, "", scalewaytest.DefaultOrganizationID},
		{"the request's project", []scaleway.Option{scaleway.WithDefaultProject(otherProject)}, ptr(scalewaytest.DefaultProjectID), nil, scalewaytest.DefaultProjectID, ""},
		{"the request's organization, its empty project naming none", []scaleway.Option{scaleway.WithDefaultProject(otherProject)}, ptr(""), ptr(scalewaytest.DefaultOrganizationID), "", scalewaytest.DefaultOrganizationID},
		{"an empty project and no default", nil, ptr(""), nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			c := newClient(t, srv, tt.opts...)
			r := &scaleway.CreateImageRequest{Name: "owned", RootVolume: snapshotNamed(t, srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: tt.project, Organization: tt.org}
			before := jsonOf(t, r)
			_, _, _ = c.CreateImage(t.Context(), zone, r) // the fake may refuse an image without an owner
			var sent struct{ Project, Organization *string }
			if err := json.Unmarshal(onlyRequest(t, srv).Body, &sent); err != nil {
				t.Fatal(err)
			}
			if got := deref(sent.Project); got != tt.wantProject {
				t.Errorf("project sent = %q; want %q", got, tt.wantProject)
			}
			if got := deref(sent.Organization); got != tt.wantOrg {
				t.Errorf("organization sent = %q; want %q", got, tt.wantOrg)
			}
			if after := jsonOf(t, r); after != before {
				t.Errorf("the request changed: %s, was %s", after, before)
			}
		})
	}
	c, err := scaleway.NewClient(scaleway.WithDefaultProject(scalewaytest.DefaultProjectID), scaleway.WithDefaultOrganization(scalewaytest.DefaultOrganizationID))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultProject() != scalewaytest.DefaultProjectID || c.DefaultOrganization() != scalewaytest.DefaultOrganizationID {
		t.Errorf("defaults = %q, %q", c.DefaultProject(), c.DefaultOrganization())
	}
}

// deref is *s, "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
