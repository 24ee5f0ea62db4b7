package scaleway_test

// Shared setup of the client's tests, as go-github's setup(): two ways to
// stand up an upstream. newTestClient puts a client in front of a handler
// that scripts the answers (scripted, status, writeJSON); startFake and
// newClient put one in front of the in-memory fake of package
// scalewaytest, over real HTTP, with its seeded images and snapshots
// (imageNamed, snapshotNamed...).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const (
	testKey   = "11111111-2222-3333-4444-555555555555"
	testImage = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	testSnap  = "0c7c2a56-1d3e-4b8f-9a51-3e0f1f2d3c4b"
)

// fastRetries keeps retry tests quick while still exercising back-off.
var fastRetries = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond}

func newTestClient(t *testing.T, h http.Handler, opts ...scaleway.Option) *scaleway.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := scaleway.NewClient(append([]scaleway.Option{scaleway.WithBaseURL(srv.URL), scaleway.WithSecretKey(testKey), scaleway.WithRetryPolicy(fastRetries)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req-42")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

const imageBody = `{"image":{"id":"` + testImage + `","name":"web","organization":"` + testKey + `","project":"` + testKey + `","root_volume":{"id":"` + testSnap + `","name":"snap","size":20000000000,"volume_type":"l_ssd"},"extra_volumes":{},"public":false,"arch":"x86_64","creation_date":"2025-11-04T10:11:53.049425+00:00","modification_date":"2025-11-04T10:11:53.049425+00:00","default_bootscript":null,"from_server":"","state":"available","tags":[],"zone":"fr-par-1"}}`

// scripted answers with statuses[i] on attempt i, then 200.
func scripted(hits *atomic.Int32, answers ...func(w http.ResponseWriter)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1)) - 1
		if n < len(answers) {
			answers[n](w)
			return
		}
		if r.Method == http.MethodPost {
			writeJSON(w, http.StatusCreated, imageBody)
			return
		}
		writeJSON(w, http.StatusOK, imageBody)
	})
}

func status(code int, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		writeJSON(w, code, `{"type":"unknown","message":"scripted"}`)
	}
}

func checkErrKind(t *testing.T, err error, want scaleway.ErrorType) {
	t.Helper()
	var apiErr *scaleway.Error
	var transportErr *scaleway.TransportError
	switch {
	case want == "":
		if err != nil {
			t.Errorf("err = %v, want success", err)
		}
	case want == "transport":
		if !errors.As(err, &transportErr) {
			t.Errorf("err = %v, want a transport error", err)
		}
	case !errors.As(err, &apiErr) || apiErr.Type != want:
		t.Errorf("err = %v, want API error %s", err, want)
	}
}

// pagedList serves total items named item-0000... over the page
// parameters of the path's collection: images and Instance snapshots
// (page, per_page, X-Total-Count) or Block snapshots (page, page_size,
// total_count in the body). When counted is false it gives no count. It
// records the pages asked for and the most requests in flight at once.
type pagedList struct {
	total   int
	counted bool
	delay   time.Duration

	mu          sync.Mutex
	pages       []int
	inFlight    int
	maxInFlight int
}

func (p *pagedList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.inFlight++
	p.maxInFlight = max(p.maxInFlight, p.inFlight)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	p.pages = append(p.pages, page)
	p.mu.Unlock()
	defer func() { p.mu.Lock(); p.inFlight--; p.mu.Unlock() }()
	time.Sleep(p.delay)

	block := strings.HasPrefix(r.URL.Path, "/block/")
	sizeParam := "per_page"
	if block {
		sizeParam = "page_size"
	}
	perPage, _ := strconv.Atoi(r.URL.Query().Get(sizeParam))
	if perPage == 0 {
		perPage = scaleway.DefaultPerPage
	}
	if page == 0 {
		page = 1
	}
	var items []string
	for i := (page - 1) * perPage; i < min(page*perPage, p.total); i++ {
		items = append(items, fmt.Sprintf(`{"id":"00000000-0000-0000-0000-%012d","name":"item-%04d","zone":"%s"}`, i, i, zoneOf(r)))
	}
	collection := path.Base(r.URL.Path)
	body := fmt.Sprintf(`{%q:[%s]}`, collection, strings.Join(items, ","))
	switch {
	case block && p.counted:
		body = fmt.Sprintf(`{%q:[%s],"total_count":%d}`, collection, strings.Join(items, ","), p.total)
	case p.counted:
		w.Header().Set("X-Total-Count", strconv.Itoa(p.total))
	}
	writeJSON(w, http.StatusOK, body)
}

// zoneOf is the zone of a collection path: /{api}/{version}/zones/{zone}/{collection}.
func zoneOf(r *http.Request) string {
	return strings.Split(r.URL.Path, "/")[4]
}

// fastPolicy retries like the default policy but without making the tests
// wait: a Retry-After (whole seconds on the wire) over 50 ms is not
// retried at all.
var fastPolicy = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond}

// zone is where most tests work; other zones hold the same seeded world.
const zone = scaleway.DefaultZone

// Secret keys for the authentication tests; any UUID is well-formed.
const (
	keyA = "aaaaaaaa-0000-4000-8000-00000000000a"
	keyB = "bbbbbbbb-0000-4000-8000-00000000000b"
	// unknownID names no image and no snapshot in the fake.
	unknownID = "deadbeef-0000-4000-8000-000000000000"
)

// newTestClock is the clock of the client's tests, for the fake's
// Options.Clock.
func newTestClock() *testutil.Clock {
	return testutil.NewClock(time.Date(2026, 2, 3, 4, 5, 6, 789_123_456, time.UTC))
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
