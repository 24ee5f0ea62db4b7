package scalewaytest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// answer is one HTTP answer, read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// newServer starts a fake for one test and stops it at the end.
func newServer(t *testing.T, opts scalewaytest.Options) *scalewaytest.Server {
	t.Helper()
	srv := scalewaytest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// send calls the fake with the sandbox token.
func send(t *testing.T, srv *scalewaytest.Server, method, path, body string) answer {
	t.Helper()
	return sendAs(t, srv, scalewaytest.SandboxToken, method, path, body)
}

// sendAs calls the fake with token ("" sends no X-Auth-Token) and checks
// what every answer must carry: Content-Type exactly application/json and
// a UUID in X-Request-Id.
func sendAs(t *testing.T, srv *scalewaytest.Server, token, method, path, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("building %s %s: %v", method, path, err)
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s %s: %v", method, path, err)
	}
	if got := resp.Header.Values("Content-Type"); !slices.Equal(got, []string{"application/json"}) {
		t.Errorf("%s %s: Content-Type = %q, want exactly application/json", method, path, got)
	}
	if id := resp.Header.Get("X-Request-Id"); !scaleway.IsUUID(id) {
		t.Errorf("%s %s: X-Request-Id = %q, want a UUID", method, path, id)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: payload}
}

// expectStatus fails the test unless a has status.
func (a answer) expectStatus(t *testing.T, status int) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.body)
	}
	return a
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("decoding %s: %v", a.body, err)
	}
	return v
}

// apiError decodes an error answer, checking its status.
func apiError(t *testing.T, a answer, status int) scaleway.Error {
	t.Helper()
	a.expectStatus(t, status)
	return decode[scaleway.Error](t, a)
}

// imageFrom decodes an {"image": ...} answer after checking that the image
// has every field the API always sends.
func imageFrom(t *testing.T, a answer) scaleway.Image {
	t.Helper()
	body := decode[map[string]json.RawMessage](t, a)
	if keys := slices.Sorted(maps.Keys(body)); !slices.Equal(keys, []string{"image"}) {
		t.Fatalf("body keys = %v, want only image", keys)
	}
	checkImageJSON(t, body["image"])
	var img scaleway.Image
	if err := json.Unmarshal(body["image"], &img); err != nil {
		t.Fatalf("decoding image: %v", err)
	}
	return img
}

// imagesFrom decodes an {"images": [...]} answer the same way.
func imagesFrom(t *testing.T, a answer) []scaleway.Image {
	t.Helper()
	body := decode[map[string]json.RawMessage](t, a)
	if keys := slices.Sorted(maps.Keys(body)); !slices.Equal(keys, []string{"images"}) {
		t.Fatalf("body keys = %v, want only images (no total_count)", keys)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body["images"], &raws); err != nil || raws == nil {
		t.Fatalf("images = %s, want a JSON array (%v)", body["images"], err)
	}
	images := make([]scaleway.Image, len(raws))
	for i, raw := range raws {
		checkImageJSON(t, raw)
		if err := json.Unmarshal(raw, &images[i]); err != nil {
			t.Fatalf("decoding image: %v", err)
		}
	}
	return images
}

var imageKeys = []string{
	"arch", "creation_date", "default_bootscript", "extra_volumes", "from_server", "id", "modification_date",
	"name", "organization", "project", "public", "root_volume", "state", "tags", "zone",
}

// apiTimestamp is the API's layout: microseconds and a numeric offset.
var apiTimestamp = regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00"$`)

// checkImageJSON checks that an image carries every field, with the API's
// shapes for the ones that are easy to get wrong.
func checkImageJSON(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatalf("image %s is not an object: %v", raw, err)
	}
	if keys := slices.Sorted(maps.Keys(fields)); !slices.Equal(keys, imageKeys) {
		t.Errorf("image keys = %v, want %v", keys, imageKeys)
	}
	if got := string(fields["default_bootscript"]); got != "null" {
		t.Errorf("default_bootscript = %s, want null", got)
	}
	for _, key := range []string{"creation_date", "modification_date"} {
		if !apiTimestamp.Match(fields[key]) {
			t.Errorf("%s = %s, want the API's timestamp layout", key, fields[key])
		}
	}
	for key, opening := range map[string]byte{"tags": '[', "extra_volumes": '{', "root_volume": '{', "from_server": '"'} {
		if value := fields[key]; len(value) == 0 || value[0] != opening {
			t.Errorf("%s = %s, want a JSON value starting with %c", key, value, opening)
		}
	}
}

// detail is the comparable part of an invalid_arguments detail.
type detail struct{ argument, reason string }

func detailsOf(e scaleway.Error) []detail {
	var out []detail
	for _, d := range e.Details {
		out = append(out, detail{d.ArgumentName, d.Reason})
	}
	return out
}

// jsonBody marshals v for a request body.
func jsonBody(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// newClock is the clock of the fake's tests, for Options.Clock.
func newClock() *testutil.Clock {
	return testutil.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 600000000, time.UTC))
}

const zone = scaleway.Zone("fr-par-1")

func imagesPath(z scaleway.Zone) string { return "/instance/v1/zones/" + string(z) + "/images" }

func imagePath(z scaleway.Zone, id string) string { return imagesPath(z) + "/" + id }

// seededImage returns the first seeded image of zone that keep selects.
func seededImage(t *testing.T, srv *scalewaytest.Server, z scaleway.Zone, keep func(scaleway.Image) bool) scaleway.Image {
	t.Helper()
	for _, img := range srv.Images(z) {
		if keep(img) {
			return img
		}
	}
	t.Fatalf("no seeded image matches in %s", z)
	return scaleway.Image{}
}

func isPrivate(img scaleway.Image) bool { return img.Project == scalewaytest.DefaultProjectID }

func isMarketplace(img scaleway.Image) bool {
	return img.Organization == scalewaytest.MarketplaceOrganizationID
}

// createBody is a valid create body using the zone's n-th snapshot.
func createBody(srv *scalewaytest.Server, z scaleway.Zone, n int) map[string]any {
	return map[string]any{
		"name": "created", "arch": "x86_64", "project": scalewaytest.DefaultProjectID,
		"root_volume": usableSnapshots(srv, z)[n],
	}
}

// usableSnapshots are the ids of the snapshots of z an image can be made
// of: the Instance API's, then the Block API's.
func usableSnapshots(srv *scalewaytest.Server, z scaleway.Zone) []string {
	var ids []string
	for _, snap := range srv.Snapshots(z) {
		ids = append(ids, snap.ID)
	}
	for _, snap := range srv.BlockSnapshots(z) {
		ids = append(ids, snap.ID)
	}
	return ids
}

// createImage creates an image and returns it, failing unless the answer
// is 201.
func createImage(t *testing.T, srv *scalewaytest.Server, body map[string]any) scaleway.Image {
	t.Helper()
	return imageFrom(t, send(t, srv, http.MethodPost, imagesPath(zone), jsonBody(t, body)).expectStatus(t, http.StatusCreated))
}
