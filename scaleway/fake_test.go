package scaleway_test

// End-to-end tests of the client against the in-memory fake, over real
// HTTP: every route, every error the fake can produce, the retry policy
// against scripted faults, the all-pages and multi-zone lists, the headers
// the fake receives, and input that must never leave the client.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// fastPolicy retries like the default policy but without making the tests
// wait: a Retry-After (whole seconds on the wire) over 50 ms is not
// retried at all.
var fastPolicy = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond}

// retryAfterPolicy is fastPolicy waiting for a Retry-After of one second,
// the shortest the wire carries, for the tests of a 429 that is retried.
var retryAfterPolicy = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: time.Second}

// zone is where most tests work; other zones hold the same seeded world.
const zone = scaleway.DefaultZone

// Secret keys for the authentication tests; any UUID is well-formed.
const (
	keyA = "aaaaaaaa-0000-4000-8000-00000000000a"
	keyB = "bbbbbbbb-0000-4000-8000-00000000000b"
	// unknownID names no image and no snapshot in the fake.
	unknownID = "deadbeef-0000-4000-8000-000000000000"
)

// allRoutes are the fake's routes, plus "" for unknown paths and methods.
var allRoutes = []scalewaytest.Route{
	scalewaytest.RouteListImages, scalewaytest.RouteCreateImage, scalewaytest.RouteSetImage,
	scalewaytest.RouteGetImage, scalewaytest.RouteUpdateImage, scalewaytest.RouteDeleteImage,
	scalewaytest.RouteListSnapshots, scalewaytest.RouteGetSnapshot, "",
}

// testClock is a settable clock for Options.Clock, safe for the fake's
// handler goroutines.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 2, 3, 4, 5, 6, 789_123_456, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startFake starts a fake for one test and stops it at the end.
func startFake(t testing.TB, opts scalewaytest.Options) *scalewaytest.Server {
	t.Helper()
	srv := scalewaytest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns a client of srv with the sandbox key and fastPolicy;
// opts come last and so override those.
func newClient(t testing.TB, srv *scalewaytest.Server, opts ...scaleway.Option) *scaleway.Client {
	t.Helper()
	all := append([]scaleway.Option{
		scaleway.WithBaseURL(srv.URL),
		scaleway.WithSecretKey(scalewaytest.SandboxToken),
		scaleway.WithRetryPolicy(fastPolicy),
	}, opts...)
	c, err := scaleway.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// imageNamed returns the only image of zone called name.
func imageNamed(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone, name string) scaleway.Image {
	t.Helper()
	var found []scaleway.Image
	for _, img := range srv.Images(z) {
		if img.Name == name {
			found = append(found, img)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d images named %q in %s, want 1", len(found), name, z)
	}
	return found[0]
}

// marketplaceImage returns a public image of zone that the caller may read
// but not change.
func marketplaceImage(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone) scaleway.Image {
	t.Helper()
	for _, img := range srv.Images(z) {
		if img.Organization == scalewaytest.MarketplaceOrganizationID {
			return img
		}
	}
	t.Fatalf("no marketplace image in %s", z)
	return scaleway.Image{}
}

// snapshot is a snapshot of either API, as the tests pick them: the fake
// serves local ones on the Instance API and Block Storage ones on the
// Block API, and images show the latter as sbs_snapshot, size 0, no name.
type snapshot struct {
	ID, Name   string
	Size       uint64
	VolumeType scaleway.VolumeType // as an image shows it
}

// snapshotNamed returns the snapshot of zone called name, of either kind.
func snapshotNamed(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone, name string) snapshot {
	t.Helper()
	return findSnapshot(t, srv, z, "named "+name, func(s snapshot) bool { return s.Name == name })
}

// findSnapshot returns the first snapshot of zone that matches, Instance
// snapshots first.
func findSnapshot(t testing.TB, srv *scalewaytest.Server, z scaleway.Zone, what string, match func(snapshot) bool) snapshot {
	t.Helper()
	var all []snapshot
	for _, snap := range srv.Snapshots(z) {
		all = append(all, snapshot{snap.ID, snap.Name, snap.Size, snap.VolumeType})
	}
	for _, snap := range srv.BlockSnapshots(z) {
		all = append(all, snapshot{snap.ID, snap.Name, snap.Size, scaleway.VolumeTypeSBSSnapshot})
	}
	for _, snap := range all {
		if match(snap) {
			return snap
		}
	}
	t.Fatalf("no snapshot %s in %s", what, z)
	return snapshot{}
}

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

// jsonOf encodes v; comparing encodings compares images field by field
// without tripping over the time.Location of parsed timestamps.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	return string(b)
}

func checkSameImage(t testing.TB, what string, got, want *scaleway.Image) {
	t.Helper()
	if g, w := jsonOf(t, got), jsonOf(t, want); g != w {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func imageIDs(images []*scaleway.Image) []string {
	out := make([]string, len(images))
	for i, img := range images {
		out[i] = img.ID
	}
	return out
}

func fakeIDs(images []scaleway.Image) []string {
	out := make([]string, len(images))
	for i, img := range images {
		out[i] = img.ID
	}
	return out
}

// apiError returns the *scaleway.Error inside err and checks what every
// answer of the fake carries: its status and a UUID request id.
func apiError(t testing.TB, err error, status int, typ scaleway.ErrorType) *scaleway.Error {
	t.Helper()
	var apiErr *scaleway.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not a *scaleway.Error", err, err)
	}
	if apiErr.StatusCode != status || apiErr.Type != typ {
		t.Errorf("error = HTTP %d %q, want HTTP %d %q (%v)", apiErr.StatusCode, apiErr.Type, status, typ, err)
	}
	if !scaleway.IsUUID(apiErr.RequestID) {
		t.Errorf("RequestID = %q, want the fake's X-Request-Id (a UUID)", apiErr.RequestID)
	}
	if !strings.Contains(err.Error(), apiErr.RequestID) {
		t.Errorf("message %q does not name request id %s", err.Error(), apiErr.RequestID)
	}
	return apiErr
}

func checkResponse(t testing.TB, resp *scaleway.Response, status, attempts int) {
	t.Helper()
	if resp == nil {
		t.Fatal("no *Response")
	}
	if resp.StatusCode != status || resp.Attempts != attempts {
		t.Errorf("response = HTTP %d after %d attempt(s), want HTTP %d after %d", resp.StatusCode, resp.Attempts, status, attempts)
	}
	if !scaleway.IsUUID(resp.RequestID) {
		t.Errorf("RequestID = %q, want a UUID", resp.RequestID)
	}
}

// onlyRequest returns the single request the fake received.
func onlyRequest(t testing.TB, srv *scalewaytest.Server) scalewaytest.LoggedRequest {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("fake received %d requests, want 1", len(reqs))
	}
	return reqs[0]
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

// ---------------------------------------------------------------------------
// Routes

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

// ---------------------------------------------------------------------------
// Errors

func TestFakeErrors(t *testing.T) {
	t.Parallel()
	type env struct {
		srv   *scalewaytest.Server
		c     *scaleway.Client
		clock *testClock
	}
	create := func(t *testing.T, e env, z scaleway.Zone, root string) error {
		_, _, err := e.c.CreateImage(t.Context(), z, &scaleway.CreateImageRequest{Name: "x", RootVolume: root, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID)})
		return err
	}
	tests := []struct {
		name       string
		opts       scalewaytest.Options
		key        string // the client's secret key; "" means the sandbox token
		call       func(t *testing.T, e env) (route scalewaytest.Route, err error)
		status     int
		typ        scaleway.ErrorType
		resource   string
		resourceID func(t *testing.T, e env) string
		details    []scaleway.ErrorDetail
		check      func(t *testing.T, e env, apiErr *scaleway.Error)
	}{
		{
			name: "401 unknown key", opts: scalewaytest.Options{AcceptedTokens: []string{keyA}}, key: keyB,
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.GetImage(t.Context(), zone, imageNamed(t, e.srv, zone, "ci-runner").ID)
				return scalewaytest.RouteGetImage, err
			},
			status: 401, typ: scaleway.TypeDeniedAuthentication,
			check: func(t *testing.T, _ env, apiErr *scaleway.Error) {
				if apiErr.Method != "api_key" || apiErr.Reason != "not_found" {
					t.Errorf("method/reason = %q/%q, want api_key/not_found", apiErr.Method, apiErr.Reason)
				}
			},
		},
		{
			name: "401 malformed key", key: "not-a-uuid",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.ListImages(t.Context(), zone, nil)
				return scalewaytest.RouteListImages, err
			},
			status: 401, typ: scaleway.TypeDeniedAuthentication,
			check: func(t *testing.T, _ env, apiErr *scaleway.Error) {
				if apiErr.Reason != "invalid_argument" {
					t.Errorf("reason = %q, want invalid_argument", apiErr.Reason)
				}
			},
		},
		{
			name: "403 read-only key may not write", opts: scalewaytest.Options{ReadOnlyTokens: []string{keyA}}, key: keyA,
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				id := imageNamed(t, e.srv, zone, "ci-runner").ID
				if _, _, err := e.c.GetImage(t.Context(), zone, id); err != nil {
					t.Fatalf("a read-only key may read: %v", err)
				}
				_, _, err := e.c.UpdateImage(t.Context(), zone, id, &scaleway.UpdateImageRequest{Name: ptr("nope")})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 403, typ: scaleway.TypePermissionsDenied,
			details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
			check: func(t *testing.T, e env, _ *scaleway.Error) {
				if got := imageNamed(t, e.srv, zone, "ci-runner").Name; got != "ci-runner" {
					t.Errorf("image renamed to %q despite the 403", got)
				}
			},
		},
		{
			name: "403 read-only key may not create",
			opts: scalewaytest.Options{ReadOnlyTokens: []string{keyA}}, key: keyA,
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, zone, "snap-spare").ID)
			},
			status: 403, typ: scaleway.TypePermissionsDenied,
			details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
		},
		{
			name: "403 marketplace image delete",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, err := e.c.DeleteImage(t.Context(), zone, marketplaceImage(t, e.srv, zone).ID)
				return scalewaytest.RouteDeleteImage, err
			},
			status: 403, typ: scaleway.TypePermissionsDenied,
			details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
			check: func(t *testing.T, e env, _ *scaleway.Error) {
				if got := len(e.srv.Images(zone)); got != 17 {
					t.Errorf("zone holds %d images, want 17", got)
				}
			},
		},
		{
			name: "403 quotas exceeded", opts: scalewaytest.Options{PrivateImageQuota: 3},
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, zone, "snap-spare").ID)
			},
			status: 403, typ: scaleway.TypeQuotasExceeded,
			details: []scaleway.ErrorDetail{{Resource: "images", Quota: ptr[int64](3), Current: ptr[int64](3)}},
			check: func(t *testing.T, e env, apiErr *scaleway.Error) {
				if !strings.Contains(apiErr.Error(), "(3 of 3 used)") {
					t.Errorf("message %q does not give the quota", apiErr.Error())
				}
				// The quota is per project and zone, and public images do not count.
				if err := create(t, e, "nl-ams-1", snapshotNamed(t, e.srv, "nl-ams-1", "snap-spare").ID); err == nil {
					t.Error("the quota of fr-par-1 also blocked nl-ams-1")
				}
				_, _, err := e.c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
					Name: "pub", RootVolume: snapshotNamed(t, e.srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64,
					Project: ptr(scalewaytest.DefaultProjectID), Public: ptr(true),
				})
				if err != nil {
					t.Errorf("a public image is not under the private image quota: %v", err)
				}
			},
		},
		{
			name: "404 image",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.GetImage(t.Context(), zone, unknownID)
				return scalewaytest.RouteGetImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_image", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "404 image of another zone",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.UpdateImage(t.Context(), zone, imageNamed(t, e.srv, "nl-ams-1", "ci-runner").ID, &scaleway.UpdateImageRequest{Public: ptr(true)})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_image",
			resourceID: func(t *testing.T, e env) string { return imageNamed(t, e.srv, "nl-ams-1", "ci-runner").ID },
		},
		{
			name: "404 image on PUT",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.SetImage(t.Context(), zone, unknownID, &scaleway.SetImageRequest{Name: "x", Arch: scaleway.ArchX86_64})
				return scalewaytest.RouteSetImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_image", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "404 unknown root snapshot on create",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, unknownID)
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_snapshot", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "404 snapshot of another zone on create",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, "pl-waw-1", "snap-web-root").ID)
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_snapshot",
			resourceID: func(t *testing.T, e env) string { return snapshotNamed(t, e.srv, "pl-waw-1", "snap-web-root").ID },
		},
		{
			name: "404 unknown extra volume snapshot on PATCH",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.UpdateImage(t.Context(), zone, imageNamed(t, e.srv, zone, "postgres-16").ID, &scaleway.UpdateImageRequest{
					Name:         ptr("renamed"),
					ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{"1": {ID: unknownID}},
				})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_snapshot", resourceID: func(*testing.T, env) string { return unknownID },
			check: func(t *testing.T, e env, _ *scaleway.Error) {
				if imageNamed(t, e.srv, zone, "postgres-16").Name != "postgres-16" {
					t.Error("a failed PATCH changed the image")
				}
			},
		},
		{
			name: "409 transient state while creating", opts: scalewaytest.Options{CreatingDuration: 10 * time.Minute},
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				img, _, err := e.c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
					Name: "slow", RootVolume: snapshotNamed(t, e.srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID),
				})
				if err != nil {
					t.Fatalf("CreateImage: %v", err)
				}
				if img.State != scaleway.ImageStateCreating {
					t.Fatalf("new image state = %q, want creating", img.State)
				}
				e.clock.Advance(9 * time.Minute)
				_, _, err = e.c.UpdateImage(t.Context(), zone, img.ID, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 409, typ: scaleway.TypeTransientState, resource: "instance_image",
			resourceID: func(t *testing.T, e env) string { return imageNamed(t, e.srv, zone, "slow").ID },
			check: func(t *testing.T, e env, apiErr *scaleway.Error) {
				if apiErr.CurrentState != "creating" {
					t.Errorf("current_state = %q, want creating", apiErr.CurrentState)
				}
				id := apiErr.ResourceID
				if _, err := e.c.DeleteImage(t.Context(), zone, id); err == nil {
					t.Error("DeleteImage of a creating image succeeded")
				} else {
					apiError(t, err, http.StatusConflict, scaleway.TypeTransientState)
				}
				e.clock.Advance(time.Minute)
				img, _, err := e.c.UpdateImage(t.Context(), zone, id, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
				if err != nil {
					t.Fatalf("UpdateImage once available: %v", err)
				}
				if img.State != scaleway.ImageStateAvailable || img.Name != "renamed" {
					t.Errorf("after the creating period: state %q name %q", img.State, img.Name)
				}
			},
		},
		{
			// The client sends a create without project or organization
			// (it has no default project to fill in); the fake refuses it.
			name: "400 invalid arguments from the fake",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{Name: "x", RootVolume: snapshotNamed(t, e.srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64})
				return scalewaytest.RouteCreateImage, err
			},
			status: 400, typ: scaleway.TypeInvalidArguments,
			details: []scaleway.ErrorDetail{{ArgumentName: "project", Reason: "required", HelpMessage: "required key not provided"}},
			check: func(t *testing.T, _ env, apiErr *scaleway.Error) {
				if len(scaleway.ValidationErrors(apiErr)) != 0 {
					t.Error("an API 400 must not read as a client-side ValidationError")
				}
				if !strings.Contains(apiErr.Error(), "project is required") {
					t.Errorf("message %q does not name the argument", apiErr.Error())
				}
			},
		},
		{
			name: "400 scripted",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteListImages, scalewaytest.ErrorAnswer(http.StatusBadRequest, scaleway.Error{
					Type: scaleway.TypeInvalidArguments, Message: "invalid argument(s)",
					Details: []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint", HelpMessage: "must be between 1 and 100"}},
				}))
				_, _, err := e.c.ListImages(t.Context(), zone, nil)
				return scalewaytest.RouteListImages, err
			},
			status: 400, typ: scaleway.TypeInvalidArguments,
			details: []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint", HelpMessage: "must be between 1 and 100"}},
		},
		{
			name: "legacy quota error reads as quotas_exceeded",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteCreateImage, scalewaytest.ErrorAnswer(http.StatusForbidden, scaleway.Error{
					Type: scaleway.TypeInvalidRequest, Message: "quota exceeded for this resource", Resource: "images",
				}))
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, zone, "snap-spare").ID)
			},
			status: 403, typ: scaleway.TypeQuotasExceeded, resource: "images",
		},
		{
			name: "legacy unknown_resource is not found",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteGetImage, scalewaytest.ErrorAnswer(http.StatusNotFound, scaleway.Error{
					Type: scaleway.TypeUnknownResource, Message: `Image "` + unknownID + `" not found`,
				}))
				_, _, err := e.c.GetImage(t.Context(), zone, unknownID)
				if !scaleway.IsNotFound(err) {
					t.Errorf("IsNotFound(%v) = false", err)
				}
				return scalewaytest.RouteGetImage, err
			},
			status: 404, typ: scaleway.TypeUnknownResource, resource: "image", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "500 is not retried",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteGetImage, scalewaytest.ServerError(http.StatusInternalServerError))
				_, _, err := e.c.GetImage(t.Context(), zone, imageNamed(t, e.srv, zone, "ci-runner").ID)
				return scalewaytest.RouteGetImage, err
			},
			status: 500, typ: "server_error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			opts := tt.opts
			opts.Clock = clock.Now
			srv := startFake(t, opts)
			key := tt.key
			if key == "" {
				key = scalewaytest.SandboxToken
			}
			e := env{srv: srv, c: newClient(t, srv, scaleway.WithSecretKey(key)), clock: clock}

			route, err := tt.call(t, e)
			if err == nil {
				t.Fatal("call succeeded, want an error")
			}
			apiErr := apiError(t, err, tt.status, tt.typ)
			if !errors.Is(err, &scaleway.Error{Type: tt.typ}) {
				t.Errorf("errors.Is(err, &Error{Type: %q}) = false", tt.typ)
			}
			if apiErr.Resource != tt.resource {
				t.Errorf("resource = %q, want %q", apiErr.Resource, tt.resource)
			}
			wantID := ""
			if tt.resourceID != nil {
				wantID = tt.resourceID(t, e)
			}
			if apiErr.ResourceID != wantID {
				t.Errorf("resource_id = %q, want %q", apiErr.ResourceID, wantID)
			}
			if jsonOf(t, apiErr.Details) != jsonOf(t, tt.details) && !(len(apiErr.Details) == 0 && len(tt.details) == 0) {
				t.Errorf("details = %s, want %s", jsonOf(t, apiErr.Details), jsonOf(t, tt.details))
			}
			// None of these errors is retryable: the failing call was
			// sent once, with the client's key.
			if got := srv.RequestCount(route); got != 1 {
				t.Errorf("fake received %d %s requests, want 1 (not retried)", got, route)
			}
			for _, req := range srv.Requests() {
				if got := req.Header.Get("X-Auth-Token"); got != key {
					t.Errorf("fake received X-Auth-Token %q, want %q", got, key)
				}
			}
			if tt.check != nil {
				tt.check(t, e, apiErr)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Retries

func TestFakeRetries(t *testing.T) {
	t.Parallel()
	// Each call works on postgres-16 of zone, through one route.
	type call struct {
		route scalewaytest.Route
		do    func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error)
	}
	get := call{scalewaytest.RouteGetImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		want := imageNamed(t, srv, zone, "postgres-16")
		img, resp, err := c.GetImage(t.Context(), zone, want.ID)
		if err == nil {
			checkSameImage(t, "image", img, &want)
		}
		return resp, err
	}}
	list := call{scalewaytest.RouteListImages, func(t *testing.T, c *scaleway.Client, _ *scalewaytest.Server) (*scaleway.Response, error) {
		page, resp, err := c.ListImages(t.Context(), zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)})
		if err == nil && (len(page.Images) != 10 || page.TotalCount != 17) {
			t.Errorf("page of %d images, total %d; want 10 of 17", len(page.Images), page.TotalCount)
		}
		return resp, err
	}}
	patch := call{scalewaytest.RouteUpdateImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		img, resp, err := c.UpdateImage(t.Context(), zone, imageNamed(t, srv, zone, "postgres-16").ID, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
		if err == nil && img.Name != "renamed" {
			t.Errorf("name = %q after PATCH", img.Name)
		}
		return resp, err
	}}
	put := call{scalewaytest.RouteSetImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		current := imageNamed(t, srv, zone, "postgres-16")
		req := scaleway.SetImageRequestFrom(&current)
		req.Name = "renamed"
		img, resp, err := c.SetImage(t.Context(), zone, current.ID, req)
		if err == nil && img.Name != "renamed" {
			t.Errorf("name = %q after PUT", img.Name)
		}
		return resp, err
	}}
	del := call{scalewaytest.RouteDeleteImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		resp, err := c.DeleteImage(t.Context(), zone, imageNamed(t, srv, zone, "postgres-16").ID)
		return resp, err
	}}
	post := call{scalewaytest.RouteCreateImage, func(t *testing.T, c *scaleway.Client, srv *scalewaytest.Server) (*scaleway.Response, error) {
		_, resp, err := c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
			Name: "new", RootVolume: snapshotNamed(t, srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID),
		})
		return resp, err
	}}

	const (
		wantOK        = iota
		wantAPIError  // a *scaleway.Error of status wantStatus
		wantTransport // a *scaleway.TransportError that was sent
	)
	tests := []struct {
		name       string
		call       call
		faults     []scalewaytest.Fault
		opts       []scaleway.Option
		want       int
		wantStatus int                // wantAPIError
		wantType   scaleway.ErrorType // wantAPIError
		attempts   int                // requests the fake receives, and Response.Attempts on success
		warm       bool               // make a first call, so the faulty one reuses its connection
	}{
		{name: "GET 503 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, attempts: 2},
		{name: "GET 502 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(502)}, attempts: 2},
		{name: "GET 504 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(504)}, attempts: 2},
		{name: "GET 429 then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, opts: []scaleway.Option{scaleway.WithRetryPolicy(retryAfterPolicy)}, attempts: 2},
		{name: "GET 429 asking for more than the policy waits is not retried", call: get, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, want: wantAPIError, wantStatus: 429, wantType: scaleway.TypeTooManyRequests, attempts: 1},
		{name: "list 503 502 504 then ok", call: list, faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504)}, attempts: 4},
		{name: "PATCH 503 then ok", call: patch, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, attempts: 2},
		{name: "PUT 429 then ok", call: put, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, opts: []scaleway.Option{scaleway.WithRetryPolicy(retryAfterPolicy)}, attempts: 2},
		{name: "DELETE 502 then ok", call: del, faults: []scalewaytest.Fault{scalewaytest.ServerError(502)}, attempts: 2},
		{name: "GET dropped connection is retried", call: get, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()}, attempts: 2},
		{name: "GET truncated body is retried", call: get, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()}, attempts: 2},
		{name: "list truncated body then dropped connection", call: list, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody(), scalewaytest.DroppedConnection()}, attempts: 3},
		{
			name: "GET slower than the request timeout is retried", call: get,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)}, opts: []scaleway.Option{scaleway.WithRequestTimeout(250 * time.Millisecond)}, attempts: 2,
		},
		// The drop comes first: dropped on a connection that was reused
		// (kept alive after an error answer), a GET is replayed once by
		// net/http itself, unseen by the client's attempt count.
		{name: "fault after fault then ok", call: get, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection(), scalewaytest.ServerError(503), scalewaytest.TooManyRequests(time.Second)}, opts: []scaleway.Option{scaleway.WithRetryPolicy(retryAfterPolicy)}, attempts: 4},
		{
			name: "more faults than retries", call: get,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504), scalewaytest.ServerError(503)},
			want:   wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 4,
		},
		{
			name: "gives up on the last fault's error", call: list,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504), scalewaytest.TooManyRequests(time.Second)},
			want:   wantAPIError, wantStatus: 429, wantType: scaleway.TypeTooManyRequests, attempts: 4,
		},
		{
			name: "dropped more often than retries", call: get,
			faults: []scalewaytest.Fault{scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection()},
			want:   wantTransport, attempts: 4,
		},
		{
			name: "no retries policy", call: get, opts: []scaleway.Option{scaleway.WithRetryPolicy(scaleway.NoRetries)},
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, want: wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 1,
		},
		{name: "500 is not retried", call: get, faults: []scalewaytest.Fault{scalewaytest.ServerError(500)}, want: wantAPIError, wantStatus: 500, wantType: "server_error", attempts: 1},
		{name: "409 is not retried", call: patch, faults: []scalewaytest.Fault{scalewaytest.ErrorAnswer(409, scaleway.Error{Type: scaleway.TypeTransientState, Resource: "instance_image"})}, want: wantAPIError, wantStatus: 409, wantType: scaleway.TypeTransientState, attempts: 1},
		{name: "malformed JSON is not retried", call: get, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}, want: wantAPIError, wantStatus: 200, wantType: scaleway.TypeUnknown, attempts: 1},
		{name: "malformed JSON list", call: list, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}, want: wantAPIError, wantStatus: 200, wantType: scaleway.TypeUnknown, attempts: 1},
		{name: "POST 503 is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, want: wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 1},
		{name: "POST 502 is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.ServerError(502)}, want: wantAPIError, wantStatus: 502, wantType: "server_error", attempts: 1},
		{name: "POST 429 is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}, want: wantAPIError, wantStatus: 429, wantType: scaleway.TypeTooManyRequests, attempts: 1},
		{name: "POST dropped connection is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()}, want: wantTransport, attempts: 1},
		{name: "POST dropped on a reused connection is not retried", call: post, warm: true, faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()}, want: wantTransport, attempts: 1},
		{name: "POST 503 on a reused connection is not retried", call: post, warm: true, faults: []scalewaytest.Fault{scalewaytest.ServerError(503)}, want: wantAPIError, wantStatus: 503, wantType: "server_error", attempts: 1},
		{name: "POST truncated body is not retried", call: post, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()}, want: wantTransport, attempts: 1},
		{
			name: "POST slower than the request timeout is not retried", call: post,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)}, opts: []scaleway.Option{scaleway.WithRequestTimeout(250 * time.Millisecond)},
			want: wantTransport, attempts: 1,
		},
		{name: "POST malformed JSON", call: post, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}, want: wantAPIError, wantStatus: 200, wantType: scaleway.TypeUnknown, attempts: 1},
		{name: "POST delayed within the timeout", call: post, faults: []scalewaytest.Fault{scalewaytest.Delay(10 * time.Millisecond)}, attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			// A fresh client per case: its first request opens a new
			// connection. A GET dropped on a reused connection would be
			// replayed by net/http itself (see "fault after fault then
			// ok"), and the fake would count one more request than the
			// client's attempts.
			c := newClient(t, srv, tt.opts...)
			images := len(srv.Images(zone))
			if tt.warm {
				if _, _, err := c.ListImages(t.Context(), zone, nil); err != nil {
					t.Fatalf("warming up: %v", err)
				}
				srv.ResetRequests()
			}
			srv.Script(tt.call.route, tt.faults...)

			resp, err := tt.call.do(t, c, srv)
			gotRoute := tt.call.route
			if got := srv.RequestCount(gotRoute); got != tt.attempts {
				t.Errorf("fake received %d %s requests, want %d", got, gotRoute, tt.attempts)
			}
			if got := len(srv.Requests()); got != tt.attempts {
				t.Errorf("fake received %d requests in all, want %d", got, tt.attempts)
			}
			switch tt.want {
			case wantOK:
				if err != nil {
					t.Fatalf("call failed: %v", err)
				}
				wantStatus := http.StatusOK
				switch gotRoute {
				case scalewaytest.RouteCreateImage:
					wantStatus = http.StatusCreated
				case scalewaytest.RouteDeleteImage:
					wantStatus = http.StatusNoContent
				}
				checkResponse(t, resp, wantStatus, tt.attempts)
			case wantAPIError:
				apiErr := apiError(t, err, tt.wantStatus, tt.wantType)
				if tt.wantType == scaleway.TypeUnknown && !strings.Contains(apiErr.Message, "JSON") {
					t.Errorf("message %q does not mention JSON", apiErr.Message)
				}
				if tt.wantType == scaleway.TypeTooManyRequests && apiErr.RetryAfter != time.Second {
					t.Errorf("RetryAfter = %s, want the fake's 1s", apiErr.RetryAfter)
				}
			case wantTransport:
				var transportErr *scaleway.TransportError
				if !errors.As(err, &transportErr) {
					t.Fatalf("error %v (%T) is not a *scaleway.TransportError", err, err)
				}
				if !transportErr.Sent {
					t.Errorf("TransportError.Sent = false for a request the fake received")
				}
			}
			if tt.want != wantOK && gotRoute == scalewaytest.RouteCreateImage {
				if got := len(srv.Images(zone)); got != images {
					t.Errorf("zone holds %d images after a failed create, want %d", got, images)
				}
			}
		})
	}
}

// TestFakeRetryAfterOverTheCapFailsAtOnce: the fake asks for 10 s, more
// than the policy's 50 ms cap, and the call has time enough. The client
// does not retry (waiting the cap would only meet the same 429): it fails
// with the 429, which says how long Scaleway asked to wait.
func TestFakeRetryAfterOverTheCapFailsAtOnce(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	c := newClient(t, srv)
	srv.Script(scalewaytest.RouteListImages, scalewaytest.TooManyRequests(10*time.Second))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	_, _, err := c.ListImages(ctx, zone, nil)
	apiErr := apiError(t, err, http.StatusTooManyRequests, scaleway.TypeTooManyRequests)
	if apiErr.RetryAfter != 10*time.Second || !strings.Contains(err.Error(), "retry after 10s") {
		t.Errorf("RetryAfter = %s, message %q; want 10s, named", apiErr.RetryAfter, err)
	}
	if got := srv.RequestCount(scalewaytest.RouteListImages); got != 1 {
		t.Errorf("fake received %d requests, want 1", got)
	}
}

// TestFakeDeadlineShorterThanRetryAfter: a Retry-After that cannot fit in
// the call's deadline ends the call with the 429 at once, while the
// context is still alive, instead of sleeping into the deadline.
func TestFakeDeadlineShorterThanRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(ctx context.Context, c *scaleway.Client) error
	}{
		{"GetImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetImage(ctx, zone, unknownID)
			return err
		}},
		{"ListAllImages", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, zone, nil, 0)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			policy := fastPolicy
			policy.MaxRetryAfter = time.Minute
			c := newClient(t, srv, scaleway.WithRetryPolicy(policy))
			srv.Script(scalewaytest.RouteGetImage, scalewaytest.TooManyRequests(30*time.Second))
			srv.Script(scalewaytest.RouteListImages, scalewaytest.TooManyRequests(30*time.Second))
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()

			err := tt.call(ctx, c)
			if ctxErr := ctx.Err(); ctxErr != nil {
				t.Fatalf("the call returned only once its context was done (%v); it should give up at once", ctxErr)
			}
			apiErr := apiError(t, err, http.StatusTooManyRequests, scaleway.TypeTooManyRequests)
			if apiErr.RetryAfter != 30*time.Second {
				t.Errorf("RetryAfter = %s, want 30s", apiErr.RetryAfter)
			}
			if got := len(srv.Requests()); got != 1 {
				t.Errorf("fake received %d requests, want 1", got)
			}
		})
	}
}

// TestFakeFailureRate: random 503s on 30% of requests. With the default
// number of retries every call either succeeds or fails with the typed
// 503, and the fake's count matches the client's attempts. The calls are
// sequential, so the seed replays the same run: seed 2 makes 26 of 75
// attempts fail, and one call meets four 503s in a row.
func TestFakeFailureRate(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{FailureRate: 0.3, FailureSeed: 2})
	policy := fastPolicy
	policy.MaxRetries = scaleway.DefaultRetryPolicy.MaxRetries
	c := newClient(t, srv, scaleway.WithRetryPolicy(policy))
	want := imageNamed(t, srv, zone, "web-frontend")

	var succeeded, failed, attempts, retried int
	for i := range 50 {
		img, resp, err := c.GetImage(t.Context(), zone, want.ID)
		if err != nil {
			apiError(t, err, http.StatusServiceUnavailable, "server_error")
			failed++
			attempts += 1 + policy.MaxRetries
			continue
		}
		if img.ID != want.ID {
			t.Errorf("call %d: got image %s", i, img.ID)
		}
		if resp.Attempts < 1 || resp.Attempts > 1+policy.MaxRetries {
			t.Errorf("call %d: %d attempts", i, resp.Attempts)
		}
		if resp.Attempts > 1 {
			retried++
		}
		succeeded++
		attempts += resp.Attempts
	}
	t.Logf("50 calls: %d succeeded (%d after retries), %d failed, %d attempts", succeeded, retried, failed, attempts)
	if succeeded+failed != 50 || succeeded == 0 {
		t.Errorf("%d succeeded and %d failed", succeeded, failed)
	}
	if retried == 0 {
		t.Error("no call needed a retry: the failure rate had no effect")
	}
	if failed != 1 || attempts != 75 {
		t.Errorf("%d calls failed after %d attempts in all; seed 2 replays 1 failure in 75 attempts", failed, attempts)
	}
	if got := srv.RequestCount(scalewaytest.RouteGetImage); got != attempts {
		t.Errorf("fake received %d requests, the client made %d attempts", got, attempts)
	}
}

// ---------------------------------------------------------------------------
// All pages and all zones

// walkPages lists page after page with ListImages until an empty page.
func walkPages(t *testing.T, c *scaleway.Client, z scaleway.Zone, r scaleway.ListImagesRequest) []string {
	t.Helper()
	var ids []string
	for page := int32(1); ; page++ {
		r.Page = &page
		got, _, err := c.ListImages(t.Context(), z, &r)
		if err != nil {
			t.Fatalf("ListImages page %d: %v", page, err)
		}
		if len(got.Images) == 0 {
			return ids
		}
		ids = append(ids, imageIDs(got.Images)...)
	}
}

func TestFakeListAllImages(t *testing.T) {
	t.Parallel()
	// 1,000 extra images over 10 zones: 100 in each, plus the 14
	// marketplace and 3 project images seeded in every zone.
	const perZone = 117
	tests := []struct {
		name      string
		zone      scaleway.Zone
		req       *scaleway.ListImagesRequest
		maxItems  int
		wantLen   int
		wantTotal int
		wantPages int
		truncated bool
	}{
		{name: "default page size 100", zone: zone, wantLen: perZone, wantTotal: perZone, wantPages: 2},
		{name: "per_page 10", zone: "nl-ams-3", req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, wantLen: perZone, wantTotal: perZone, wantPages: 12},
		{name: "per_page 7", zone: "it-mil-1", req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](7)}, wantLen: perZone, wantTotal: perZone, wantPages: 17},
		{name: "per_page 1 stops at the page cap", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](1)}, wantLen: scaleway.DefaultMaxPages, wantTotal: perZone, wantPages: scaleway.DefaultMaxPages, truncated: true},
		{name: "caller's page is ignored", zone: zone, req: &scaleway.ListImagesRequest{Page: ptr[int32](3), PerPage: ptr[uint32](50)}, wantLen: perZone, wantTotal: perZone, wantPages: 3},
		{name: "filtered by project", zone: "pl-waw-2", req: &scaleway.ListImagesRequest{Project: ptr(scalewaytest.DefaultProjectID), PerPage: ptr[uint32](25)}, wantLen: 103, wantTotal: 103, wantPages: 5},
		{name: "filter matching nothing", zone: zone, req: &scaleway.ListImagesRequest{Name: ptr("nothing-matches")}, wantLen: 0, wantTotal: 0, wantPages: 1},
		{name: "cap within the first page", zone: zone, maxItems: 50, wantLen: 50, wantTotal: perZone, wantPages: 1, truncated: true},
		{name: "cap across pages", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, maxItems: 25, wantLen: 25, wantTotal: perZone, wantPages: 3, truncated: true},
		{name: "cap on a page boundary", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, maxItems: 30, wantLen: 30, wantTotal: perZone, wantPages: 3, truncated: true},
		{name: "cap equal to the total", zone: zone, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](20)}, maxItems: perZone, wantLen: perZone, wantTotal: perZone, wantPages: 6},
		{name: "cap above the total", zone: zone, maxItems: 1000, wantLen: perZone, wantTotal: perZone, wantPages: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
			c := newClient(t, srv)
			var req scaleway.ListImagesRequest
			if tt.req != nil {
				req = *tt.req
			}

			all, err := c.ListAllImages(t.Context(), tt.zone, tt.req, tt.maxItems)
			if err != nil {
				t.Fatalf("ListAllImages: %v", err)
			}
			if len(all.Items) != tt.wantLen || all.TotalCount != tt.wantTotal || all.Pages != tt.wantPages || all.Truncated != tt.truncated {
				t.Errorf("got %d images of %d in %d pages, truncated %v; want %d of %d in %d, truncated %v",
					len(all.Items), all.TotalCount, all.Pages, all.Truncated, tt.wantLen, tt.wantTotal, tt.wantPages, tt.truncated)
			}
			// One request per page, each page asked for once.
			reqs := srv.Requests()
			if len(reqs) != tt.wantPages {
				t.Errorf("fake received %d requests for %d pages", len(reqs), tt.wantPages)
			}
			var pages []int
			for _, r := range reqs {
				q, _ := url.ParseQuery(r.RawQuery)
				n, _ := strconv.Atoi(q.Get("page"))
				pages = append(pages, n)
			}
			slices.Sort(pages)
			for i, n := range pages {
				if n != i+1 {
					t.Errorf("pages requested = %v, want 1..%d once each", pages, tt.wantPages)
					break
				}
			}

			got := imageIDs(all.Items)
			seen := map[string]bool{}
			for _, id := range got {
				if seen[id] {
					t.Errorf("image %s listed twice", id)
				}
				seen[id] = true
			}
			// The same order as walking the pages one after another
			// (with the caller's page size), and as the fake's own list.
			perPage := req.PerPage
			if perPage == nil {
				perPage = ptr[uint32](scaleway.MaxPerPage)
			}
			req.PerPage = perPage
			walked := walkPages(t, c, tt.zone, req)
			if len(walked) != tt.wantTotal {
				t.Fatalf("walking the pages found %d images, want %d", len(walked), tt.wantTotal)
			}
			if !slices.Equal(got, walked[:tt.wantLen]) {
				t.Errorf("ListAllImages order differs from page-by-page order:\n got %v\nwant %v", got, walked[:tt.wantLen])
			}
			for _, img := range all.Items {
				if img.Zone != tt.zone {
					t.Errorf("image %s in zone %s, want %s", img.ID, img.Zone, tt.zone)
				}
			}
		})
	}

	t.Run("order is the fake's list order", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
		c := newClient(t, srv, scaleway.WithListWorkers(3))
		all, err := c.ListAllImages(t.Context(), "fr-par-2", &scaleway.ListImagesRequest{PerPage: ptr[uint32](9)}, 0)
		if err != nil {
			t.Fatalf("ListAllImages: %v", err)
		}
		if got, want := imageIDs(all.Items), fakeIDs(srv.Images("fr-par-2")); !slices.Equal(got, want) {
			t.Errorf("ids differ from the fake's list:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("a failing page fails the call", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
		c := newClient(t, srv, scaleway.WithRetryPolicy(scaleway.NoRetries))
		// Page 1 passes; one of pages 2..12 gets the 403.
		srv.Script(scalewaytest.RouteListImages, scalewaytest.Delay(0), scalewaytest.ErrorAnswer(http.StatusForbidden, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"}))
		all, err := c.ListAllImages(t.Context(), zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](10)}, 0)
		if all != nil {
			t.Errorf("got %d images despite a failing page", len(all.Items))
		}
		apiError(t, err, http.StatusForbidden, scaleway.TypePermissionsDenied)
	})
}

func TestFakeListImagesInZones(t *testing.T) {
	t.Parallel()
	const perZone = 117
	reversed := slices.Clone(scaleway.Zones)
	slices.Reverse(reversed)
	tests := []struct {
		name      string
		zones     []scaleway.Zone
		req       *scaleway.ListImagesRequest
		allPages  bool
		maxItems  int
		faults    int // leading list requests answered 403, with no retries
		wantLen   int
		wantTotal int
		wantPages int
		truncated bool
		failures  int
	}{
		{name: "every page of every zone", zones: scaleway.Zones, allPages: true, wantLen: 10 * perZone, wantTotal: 10 * perZone, wantPages: 20},
		{name: "zones in the caller's order", zones: reversed, allPages: true, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](50)}, wantLen: 10 * perZone, wantTotal: 10 * perZone, wantPages: 30},
		{name: "first page of every zone", zones: scaleway.Zones, wantLen: 10 * 50, wantTotal: 10 * perZone, wantPages: 10},
		{name: "filtered", zones: scaleway.Zones, allPages: true, req: &scaleway.ListImagesRequest{Tags: ptr("prod")}, wantLen: 20, wantTotal: 20, wantPages: 10},
		{name: "capped", zones: scaleway.Zones, allPages: true, maxItems: 150, wantLen: 150, wantTotal: 10 * perZone, wantPages: 20, truncated: true},
		{name: "one zone fails", zones: scaleway.Zones, req: &scaleway.ListImagesRequest{PerPage: ptr[uint32](100)}, faults: 1, wantLen: 9 * 100, wantTotal: 9 * perZone, wantPages: 9, failures: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{ExtraImages: 1000})
			opts := []scaleway.Option{}
			if tt.faults > 0 {
				opts = append(opts, scaleway.WithRetryPolicy(scaleway.NoRetries))
				for range tt.faults {
					srv.Script(scalewaytest.RouteListImages, scalewaytest.ErrorAnswer(http.StatusForbidden, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"}))
				}
			}
			c := newClient(t, srv, opts...)

			got, err := c.ListImagesInZones(t.Context(), tt.zones, tt.req, tt.allPages, tt.maxItems)
			if err != nil {
				t.Fatalf("ListImagesInZones: %v", err)
			}
			if len(got.Items) != tt.wantLen || got.TotalCount != tt.wantTotal || got.Pages != tt.wantPages || got.Truncated != tt.truncated || len(got.Failures) != tt.failures {
				t.Errorf("got %d images of %d in %d pages, truncated %v, %d failures; want %d of %d in %d, truncated %v, %d failures",
					len(got.Items), got.TotalCount, got.Pages, got.Truncated, len(got.Failures), tt.wantLen, tt.wantTotal, tt.wantPages, tt.truncated, tt.failures)
			}
			if got := srv.RequestCount(scalewaytest.RouteListImages); got != tt.wantPages+tt.faults {
				t.Errorf("fake received %d list requests, want %d", got, tt.wantPages+tt.faults)
			}
			failed := map[scaleway.Zone]bool{}
			for _, f := range got.Failures {
				apiError(t, f.Err, http.StatusForbidden, scaleway.TypePermissionsDenied)
				failed[f.Zone] = true
			}
			// The merged list is each zone's list, in the caller's zone
			// order, cut at the cap.
			var want []string
			for _, z := range tt.zones {
				if failed[z] {
					continue
				}
				var kept []scaleway.Image
				for _, img := range srv.Images(z) {
					if tt.req == nil || tt.req.Tags == nil || slices.Contains(img.Tags, *tt.req.Tags) {
						kept = append(kept, img)
					}
				}
				if !tt.allPages {
					perPage := scaleway.DefaultPerPage
					if tt.req != nil && tt.req.PerPage != nil {
						perPage = int(*tt.req.PerPage)
					}
					kept = kept[:min(perPage, len(kept))]
				}
				want = append(want, fakeIDs(kept)...)
			}
			want = want[:min(len(want), tt.wantLen)]
			if ids := imageIDs(got.Items); !slices.Equal(ids, want) {
				t.Errorf("merged ids differ from the zones' lists in order (%d vs %d ids)", len(ids), len(want))
			}
		})
	}

	t.Run("every zone fails", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{})
		c := newClient(t, srv, scaleway.WithRetryPolicy(scaleway.NoRetries))
		zones := []scaleway.Zone{"fr-par-2", "nl-ams-1"}
		for range zones {
			srv.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(http.StatusServiceUnavailable))
		}
		got, err := c.ListImagesInZones(t.Context(), zones, nil, true, 0)
		if got != nil {
			t.Errorf("got a result despite every zone failing: %+v", got)
		}
		apiError(t, err, http.StatusServiceUnavailable, "server_error")
	})
}

// ---------------------------------------------------------------------------
// Headers and keys

func TestFakeRequestHeaders(t *testing.T) {
	t.Parallel()
	srv := startFake(t, scalewaytest.Options{})
	c := newClient(t, srv, scaleway.WithUserAgentSuffix("fake-test/1.0"))
	id := imageNamed(t, srv, zone, "ci-runner").ID
	ctx := t.Context()

	if _, _, err := c.ListImages(ctx, zone, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetImage(ctx, zone, id); err != nil {
		t.Fatal(err)
	}
	img, _, err := c.CreateImage(ctx, zone, &scaleway.CreateImageRequest{Name: "h", RootVolume: snapshotNamed(t, srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.UpdateImage(ctx, zone, img.ID, &scaleway.UpdateImageRequest{Name: ptr("h2")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.SetImage(ctx, zone, img.ID, &scaleway.SetImageRequest{Name: "h3", Arch: scaleway.ArchArm64}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteImage(ctx, zone, img.ID); err != nil {
		t.Fatal(err)
	}

	ua := c.UserAgent()
	if !strings.HasPrefix(ua, "scaleway-images-mcp/dev (go") || !strings.HasSuffix(ua, ") fake-test/1.0") {
		t.Errorf("UserAgent() = %q", ua)
	}
	reqs := srv.Requests()
	wantRoutes := []scalewaytest.Route{scalewaytest.RouteListImages, scalewaytest.RouteGetImage, scalewaytest.RouteCreateImage, scalewaytest.RouteUpdateImage, scalewaytest.RouteSetImage, scalewaytest.RouteDeleteImage}
	if len(reqs) != len(wantRoutes) {
		t.Fatalf("fake received %d requests, want %d", len(reqs), len(wantRoutes))
	}
	for i, req := range reqs {
		if req.Route != wantRoutes[i] {
			t.Errorf("request %d: route %s, want %s", i, req.Route, wantRoutes[i])
		}
		if got := req.Header.Values("User-Agent"); !slices.Equal(got, []string{ua}) {
			t.Errorf("%s: User-Agent = %q, want %q", req.Route, got, ua)
		}
		if got := req.Header.Values("X-Auth-Token"); !slices.Equal(got, []string{scalewaytest.SandboxToken}) {
			t.Errorf("%s: X-Auth-Token = %q, want the configured key", req.Route, got)
		}
		if got := req.Header.Get("Accept"); got != "application/json" {
			t.Errorf("%s: Accept = %q", req.Route, got)
		}
		hasBody := req.Method == http.MethodPost || req.Method == http.MethodPut || req.Method == http.MethodPatch
		if got := req.Header.Get("Content-Type"); (got == "application/json") != hasBody || (!hasBody && got != "") {
			t.Errorf("%s %s: Content-Type = %q", req.Method, req.Route, got)
		}
		if hasBody != (len(req.Body) > 0) {
			t.Errorf("%s %s: body %q", req.Method, req.Route, req.Body)
		}
	}
}

func TestFakeSecretKeyPerRequest(t *testing.T) {
	t.Parallel()
	// Only keyA and keyB authenticate; the client's own key does not.
	srv := startFake(t, scalewaytest.Options{AcceptedTokens: []string{keyA, keyB}})
	c := newClient(t, srv)
	id := imageNamed(t, srv, zone, "web-frontend").ID

	tests := []struct {
		name    string
		ctx     func(context.Context) context.Context
		wantKey string
		wantErr bool
	}{
		{"configured key", func(ctx context.Context) context.Context { return ctx }, scalewaytest.SandboxToken, true},
		{"context key A", func(ctx context.Context) context.Context { return scaleway.ContextWithSecretKey(ctx, keyA) }, keyA, false},
		{"context key B", func(ctx context.Context) context.Context { return scaleway.ContextWithSecretKey(ctx, keyB) }, keyB, false},
		{"empty context key falls back", func(ctx context.Context) context.Context { return scaleway.ContextWithSecretKey(ctx, "") }, scalewaytest.SandboxToken, true},
	}
	for _, tt := range tests {
		// Not parallel: each case reads the one request it sent.
		srv.ResetRequests()
		_, _, err := c.GetImage(tt.ctx(t.Context()), zone, id)
		if tt.wantErr {
			apiError(t, err, http.StatusUnauthorized, scaleway.TypeDeniedAuthentication)
		} else if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if got := onlyRequest(t, srv).Header.Values("X-Auth-Token"); !slices.Equal(got, []string{tt.wantKey}) {
			t.Errorf("%s: fake saw X-Auth-Token %q, want %q", tt.name, got, tt.wantKey)
		}
	}

	t.Run("concurrent calls keep their own keys", func(t *testing.T) {
		keys := make([]string, 20)
		for i := range keys {
			keys[i] = fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		}
		srv := startFake(t, scalewaytest.Options{AcceptedTokens: keys})
		c := newClient(t, srv)
		var wg sync.WaitGroup
		errs := make([]error, len(keys))
		for i, key := range keys {
			wg.Go(func() {
				_, _, errs[i] = c.ListImages(scaleway.ContextWithSecretKey(t.Context(), key), zone, &scaleway.ListImagesRequest{Name: ptr(strconv.Itoa(i))})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}
		reqs := srv.Requests()
		if len(reqs) != len(keys) {
			t.Fatalf("fake received %d requests, want %d", len(reqs), len(keys))
		}
		for _, req := range reqs {
			q, _ := url.ParseQuery(req.RawQuery)
			i, _ := strconv.Atoi(q.Get("name"))
			if got := req.Header.Get("X-Auth-Token"); got != keys[i] {
				t.Errorf("call %d sent key %s, want %s", i, got, keys[i])
			}
		}
	})
}

// ---------------------------------------------------------------------------
// Input that must never leave the client

func TestFakeInvalidInputIsNeverSent(t *testing.T) {
	t.Parallel()
	okID := "22222222-2222-4222-8222-000000000001"
	okSnap := "22222222-2222-4222-8222-000000000002"
	create := func(r scaleway.CreateImageRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.CreateImage(ctx, zone, &r)
			return err
		}
	}
	list := func(z scaleway.Zone, r *scaleway.ListImagesRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.ListImages(ctx, z, r)
			return err
		}
	}
	get := func(z scaleway.Zone, id string) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetImage(ctx, z, id)
			return err
		}
	}
	update := func(id string, r scaleway.UpdateImageRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.UpdateImage(ctx, zone, id, &r)
			return err
		}
	}
	set := func(id string, r scaleway.SetImageRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.SetImage(ctx, zone, id, &r)
			return err
		}
	}
	del := func(z scaleway.Zone, id string) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteImage(ctx, z, id)
			return err
		}
	}
	tooManyTags := make([]string, scaleway.MaxTags+1)
	for i := range tooManyTags {
		tooManyTags[i] = "t" + strconv.Itoa(i)
	}
	validSet := scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64}

	tests := []struct {
		name  string
		call  func(context.Context, *scaleway.Client) error
		field string // a field of the ValidationErrors
	}{
		{"list zone ../", list("../", nil), "zone"},
		{"list zone with a path", list("fr-par-1/../../iam/v1alpha1", nil), "zone"},
		{"list zone empty", list("", nil), "zone"},
		{"list zone in capitals", list("FR-PAR-1", nil), "zone"},
		{"list per_page 101", list(zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](101)}), "per_page"},
		{"list per_page 0", list(zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](0)}), "per_page"},
		{"list page 0", list(zone, &scaleway.ListImagesRequest{Page: ptr[int32](0)}), "page"},
		{"list page -1", list(zone, &scaleway.ListImagesRequest{Page: ptr[int32](-1)}), "page"},
		{"list project not a UUID", list(zone, &scaleway.ListImagesRequest{Project: ptr("default")}), "project"},
		{"list organization ../", list(zone, &scaleway.ListImagesRequest{Organization: ptr("../")}), "organization"},
		{"list arch", list(zone, &scaleway.ListImagesRequest{Arch: ptr("sparc")}), "arch"},
		{"list name with a control character", list(zone, &scaleway.ListImagesRequest{Name: ptr("a\nb")}), "name"},
		{"list name too long", list(zone, &scaleway.ListImagesRequest{Name: ptr(strings.Repeat("n", 256))}), "name"},
		{"list all per_page 101", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](101)}, 0)
			return err
		}, "per_page"},
		{"list all zone ../", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, "../", nil, 10)
			return err
		}, "zone"},
		{"list zones with a bad zone", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListImagesInZones(ctx, []scaleway.Zone{"../", "fr-par-1/.."}, nil, true, 0)
			return err
		}, "zone"},
		{"get id %2e%2e", get(zone, "%2e%2e"), "image_id"},
		{"get id ..", get(zone, ".."), "image_id"},
		{"get id with a slash", get(zone, okID+"/../x"), "image_id"},
		{"get id empty", get(zone, ""), "image_id"},
		{"get zone ../", get("../", okID), "zone"},
		{"create root_volume %2e%2e", create(scaleway.CreateImageRequest{RootVolume: "%2e%2e", Arch: scaleway.ArchX86_64}), "root_volume"},
		{"create without root_volume", create(scaleway.CreateImageRequest{Arch: scaleway.ArchX86_64}), "root_volume"},
		{"create without arch", create(scaleway.CreateImageRequest{RootVolume: okSnap}), "arch"},
		{"create arch unknown_arch", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchUnknown}), "arch"},
		{"create extra volume key 0", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"0": {ID: okSnap}}}), "extra_volumes"},
		{"create extra volume key 01", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"01": {ID: okSnap}}}), "extra_volumes"},
		{"create extra volume bad id", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": {ID: "../x"}}}), "extra_volumes.1.id"},
		{"create extra volume null", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": nil}}), "extra_volumes.1"},
		{"create project and organization", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Project: ptr(okID), Organization: ptr(okID)}), "project"},
		{"create project not a UUID", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Project: ptr("my-project")}), "project"},
		{"create too many tags", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Tags: tooManyTags}), "tags"},
		{"create empty tag", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Tags: []string{"ok", ""}}), "tags[1]"},
		{"create name too long", create(scaleway.CreateImageRequest{Name: strings.Repeat("x", scaleway.MaxNameLength+1), RootVolume: okSnap, Arch: scaleway.ArchX86_64}), "name"},
		{"create name not UTF-8", create(scaleway.CreateImageRequest{Name: "\xff", RootVolume: okSnap, Arch: scaleway.ArchX86_64}), "name"},
		{"set id %2e%2e", set("%2e%2e", validSet), "id"},
		{"set without name", set(okID, scaleway.SetImageRequest{Arch: scaleway.ArchX86_64}), "name"},
		{"set without arch", set(okID, scaleway.SetImageRequest{Name: "n"}), "arch"},
		{"set tag with a control character", set(okID, scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64, Tags: &[]string{"a\x1b[31m"}}), "tags[0]"},
		{"set root volume bad id", set(okID, scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64, RootVolume: &scaleway.SetImageVolume{ID: "x"}}), "root_volume.id"},
		{"set id of another image", set(okID, scaleway.SetImageRequest{ID: "99999999-9999-4999-8999-999999999999", Name: "n", Arch: scaleway.ArchX86_64}), "id"},
		{"set zone of another image", set(okID, scaleway.SetImageRequest{Zone: "nl-ams-1", Name: "n", Arch: scaleway.ArchX86_64}), "zone"},
		{"update id %2e%2e", update("%2e%2e", scaleway.UpdateImageRequest{}), "image_id"},
		{"update empty name", update(okID, scaleway.UpdateImageRequest{Name: ptr("")}), "name"},
		{"update arch", update(okID, scaleway.UpdateImageRequest{Arch: "sparc"}), "arch"},
		{"update extra volume key", update(okID, scaleway.UpdateImageRequest{ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{"abc": {ID: okSnap}}}), "extra_volumes"},
		{"update too many extra volumes", update(okID, scaleway.UpdateImageRequest{ExtraVolumes: func() map[string]*scaleway.VolumeImageUpdateTemplate {
			m := map[string]*scaleway.VolumeImageUpdateTemplate{}
			for i := 1; i <= scaleway.MaxExtraVolumes+1; i++ {
				m[strconv.Itoa(i)] = &scaleway.VolumeImageUpdateTemplate{ID: okSnap}
			}
			return m
		}()}), "extra_volumes"},
		{"delete id %2e%2e", del(zone, "%2e%2e"), "image_id"},
		{"delete id %2F", del(zone, "%2F"), "image_id"},
		{"delete zone ../", del("../", okID), "zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			c := newClient(t, srv)

			err := tt.call(t.Context(), c)
			if err == nil {
				t.Fatal("call succeeded, want a validation error")
			}
			var fields []string
			for _, v := range scaleway.ValidationErrors(err) {
				fields = append(fields, v.Field)
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("validation errors on %q, want one on %q (%v)", fields, tt.field, err)
			}
			var apiErr *scaleway.Error
			if errors.As(err, &apiErr) {
				t.Errorf("got an API error %v: the request was sent", apiErr)
			}
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Errorf("fake received %d requests, first %s %s?%s", len(reqs), reqs[0].Method, reqs[0].Path, reqs[0].RawQuery)
			}
			for _, route := range allRoutes {
				if got := srv.RequestCount(route); got != 0 {
					t.Errorf("RequestCount(%q) = %d, want 0", route, got)
				}
			}
		})
	}

	t.Run("no secret key", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{})
		c := newClient(t, srv, scaleway.WithSecretKey(""))
		_, _, err := c.GetImage(t.Context(), zone, okID)
		if !errors.Is(err, scaleway.ErrNoSecretKey) {
			t.Errorf("err = %v, want ErrNoSecretKey", err)
		}
		if reqs := srv.Requests(); len(reqs) != 0 {
			t.Errorf("fake received %d requests without a key", len(reqs))
		}
	})
}
