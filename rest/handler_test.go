package rest_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/listener"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

func TestHealthAndUnknownRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantBody           string
		wantAllow          string
	}{
		{"health", "GET", "/healthz", 200, `{"status":"ok"}`, ""},
		{"unknown path", "GET", "/v1/instance/v1/zones/fr-par-1/servers", 404, `"type":"not_found"`, ""},
		{"trailing slash", "GET", "/v1/instance/v1/zones/fr-par-1/images/", 404, `"type":"not_found"`, ""},
		{"collection method", "DELETE", imagesPath(zone), 405, `"type":"method_not_allowed"`, "GET, POST"},
		{"image method", "POST", imagesPath(zone) + "/11111111-2222-4333-8444-555555555555", 405, `"type":"method_not_allowed"`, "PUT, GET, PATCH, DELETE"},
		{"health method", "POST", "/healthz", 405, `"type":"method_not_allowed"`, "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := f.do(t, tt.method, tt.path, "")
			if a.status != tt.wantStatus || !strings.Contains(string(a.body), tt.wantBody) {
				t.Errorf("answer = %d %s; want %d with %s", a.status, a.body, tt.wantStatus, tt.wantBody)
			}
			if a.header.Get("Content-Type") != "application/json" || a.header.Get("Allow") != tt.wantAllow {
				t.Errorf("headers = %v; want JSON and Allow %q", a.header, tt.wantAllow)
			}
		})
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("upstream got %d requests; want none", n)
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	a := f.do(t, http.MethodGet, "/v1/openapi.json", "")
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer = %d %v", a.status, a.header)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct{ URL string }
		Paths   map[string]map[string]json.RawMessage
	}
	a.decode(t, &doc)
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != "http://127.0.0.1:8080" {
		t.Errorf("document = %+v", doc)
	}
	var ids []string
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				OperationID string              `json:"operationId"`
				Responses   map[string]struct{} `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, strings.ToUpper(method)+" "+path+" "+op.OperationID)
			if _, ok := op.Responses["400"]; !ok {
				t.Errorf("%s %s documents no 400", method, path)
			}
		}
	}
	slices.Sort(ids)
	want := []string{
		"DELETE /v1/instance/v1/zones/{zone}/images/{image_id} deleteimage",
		"GET /v1/instance/v1/zones/{zone}/images listimages",
		"GET /v1/instance/v1/zones/{zone}/images/{image_id} getimage",
		"PATCH /v1/instance/v1/zones/{zone}/images/{image_id} updateimage",
		"POST /v1/instance/v1/zones/{zone}/images createimage",
		"PUT /v1/instance/v1/zones/{zone}/images/{image_id} setimage",
	}
	if !slices.Equal(ids, want) {
		t.Errorf("operations =\n%s\nwant\n%s", strings.Join(ids, "\n"), strings.Join(want, "\n"))
	}
	if string(rest.OpenAPIDocument()) != string(a.body) {
		t.Error("OpenAPIDocument() differs from what is served")
	}
}

// TestOpenAPIStatesTheVersion: the document states the version the
// program passes in, and "dev" without one.
func TestOpenAPIStatesTheVersion(t *testing.T) {
	t.Parallel()
	for version, want := range map[string]string{"": "dev", "v1.2.3": "v1.2.3"} {
		f := newFixture(t, fixtureOptions{rest: rest.Options{Version: version}})
		var doc struct{ Info struct{ Version string } }
		f.do(t, http.MethodGet, "/v1/openapi.json", "").decode(t, &doc)
		if doc.Info.Version != want {
			t.Errorf("Version %q: the document states %q; want %q", version, doc.Info.Version, want)
		}
	}
}

// TestOpenAPIZonesMatchClient guards the document against drifting from
// the client's zones and bounds.
func TestOpenAPIZonesMatchClient(t *testing.T) {
	t.Parallel()
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Schema struct {
					Enum    []string `json:"enum"`
					Maximum int      `json:"maximum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rest.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Components.Parameters["zone"].Schema.Enum; !slices.Equal(got, scaleway.ZoneNames()) || len(got) != 10 {
		t.Errorf("zone enum = %v", got)
	}
	if got := doc.Components.Parameters["per_page"].Schema.Maximum; got != 100 {
		t.Errorf("per_page maximum = %d; want 100", got)
	}
}

// TestBehindListener serves the adapter through listener.Wrap, as the
// binary does: the bearer token and the body limit apply before any call.
func TestBehindListener(t *testing.T) {
	t.Parallel()
	const token = "rest-test-token-0123456789"
	wrap := func(h http.Handler) http.Handler {
		wrapped, err := listener.Wrap(listener.Options{Addr: "0.0.0.0:8080", Token: token, Refuse: rest.WriteRefusal}, h)
		if err != nil {
			t.Fatal(err)
		}
		return wrapped
	}
	f := newFixture(t, fixtureOptions{wrap: wrap})
	bigName := `{"arch":"x86_64","root_volume":"11111111-2222-4333-8444-555555555555","name":"` + strings.Repeat("n", 1<<20) + `"}`
	tests := []struct {
		name, method, path, body string
		header                   []string
		wantStatus               int
		wantType                 scaleway.ErrorType
	}{
		{"no token", "GET", imagesPath(zone), "", nil, 401, scaleway.TypeDeniedAuthentication},
		{"wrong token", "GET", imagesPath(zone), "", []string{"Authorization", "Bearer nope-nope-nope-nope-nope"}, 401, scaleway.TypeDeniedAuthentication},
		{"health without token", "GET", "/healthz", "", nil, 200, ""},
		{"token", "GET", imagesPath(zone), "", []string{"Authorization", "Bearer " + token}, 200, ""},
		{"token and caller key", "GET", imagesPath(zone), "", []string{"Authorization", "Bearer " + token, "X-Auth-Token", otherKey}, 200, ""},
		{"1 MiB name", "POST", imagesPath(zone), bigName, []string{"Authorization", "Bearer " + token}, 413, scaleway.TypeInvalidRequest},
	}
	for _, tt := range tests {
		a := f.do(t, tt.method, tt.path, tt.body, tt.header...)
		if a.status != tt.wantStatus {
			t.Errorf("%s: status = %d; want %d (%.200s)", tt.name, a.status, tt.wantStatus, a.body)
			continue
		}
		if tt.wantType != "" {
			if e := a.apiError(t); e.Type != tt.wantType {
				t.Errorf("%s: error = %+v; want %s", tt.name, e, tt.wantType)
			}
		}
	}
	// A body of unknown length is cut by the listener while the adapter
	// reads it, and still answered 413.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.adapter.URL+imagesPath(zone), io.MultiReader(strings.NewReader(bigName)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := f.adapter.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "request body exceeds 1048576 bytes") {
		t.Errorf("chunked 1 MiB body = %d %s; want 413", resp.StatusCode, body)
	}

	// Only the two authorised lists reached the API, each with the key it
	// should carry; the bearer token never goes upstream.
	requests := f.fake.Requests()
	if len(requests) != 2 || requests[1].Header.Get("X-Auth-Token") != otherKey {
		t.Fatalf("upstream requests = %d; want the two authorised lists", len(requests))
	}
	for _, r := range requests {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the bearer token reached upstream: %q", r.Header.Get("Authorization"))
		}
	}
}

func TestLogsOneLinePerRequestWithoutSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	id := seededImage(t, f, "web-frontend").ID
	f.do(t, http.MethodGet, imagesPath(zone)+"/"+id, "", "X-Auth-Token", otherKey)
	f.do(t, http.MethodGet, imagesPath("nowhere")+"?page=0", "", "X-Auth-Token", otherKey)

	lines := strings.Split(strings.TrimSpace(f.logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("log lines = %q; want 2", lines)
	}
	var first, second map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first["method"] != "GET" || first["route"] != "GET /v1/instance/v1/zones/{zone}/images/{image_id}" || first["zone"] != "fr-par-1" ||
		first["status"] != float64(200) || first["upstream_request_id"] != f.lastUpstreamID() || first["duration_ms"] == nil {
		t.Errorf("first line = %v", first)
	}
	if second["status"] != float64(400) || second["zone"] != "nowhere" || second["upstream_request_id"] != "" {
		t.Errorf("second line = %v", second)
	}
	for _, secret := range []string{otherKey, scaleway.RedactSecret(otherKey)[:8]} {
		if strings.Contains(f.logs.String(), secret) {
			t.Errorf("the logs contain the caller's key: %s", f.logs.String())
		}
	}
}

// TestUnreadableBodyIs400: a body that cannot be read, here a broken
// chunked encoding, is the request's fault: 400 naming the body, and
// nothing reaches the API.
func TestUnreadableBodyIs400(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.adapter.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"nam\r\nzz\r\n", imagesPath(zone))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"argument_name":"body"`) {
		t.Errorf("broken chunked body = %d %s; want 400 naming the body", resp.StatusCode, body)
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("upstream got %d requests", n)
	}
}
