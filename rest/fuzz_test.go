package rest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// fuzzUpstreamPath is every path the adapter may send upstream: a known
// zone, the images collection or one image named by a UUID.
var fuzzUpstreamPath = regexp.MustCompile(`^/instance/v1/zones/[a-z]{2}-[a-z]{3}-[1-9]/images(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$`)

var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}

// FuzzRequest fuzzes the adapter's request parsing: method, path with
// query (sent as written, percent-escapes and all) and body. Whatever
// arrives, the adapter answers with a JSON Scaleway-style body and a 2xx,
// 400, 404, 405 or a Scaleway error passed through, never a 5xx of its
// own; every 400 names its fields; no request reaches upstream with a
// path outside fuzzUpstreamPath; and upstream never has to refuse the
// arguments itself (a 400 from the fake means a check is missing here).
func FuzzRequest(f *testing.F) {
	const id = "11111111-2222-4333-8444-555555555555"
	fake := scalewaytest.New(scalewaytest.Options{})
	var private string
	for _, img := range fake.Images("fr-par-1") {
		if !img.Public {
			private = img.ID
			break
		}
	}
	snapshot := fake.Snapshots("fr-par-1")[0].ID
	images := "/v1/instance/v1/zones/fr-par-1/images"
	seeds := []struct {
		method uint8
		target string
		body   string
	}{
		{0, images, ""},
		{0, images + "?public=true&per_page=5&page=2&arch=arm64&tags=a,b&name=x", ""},
		{0, images + "?per_page=1e3&page=-1&project=..%2f", ""},
		{0, images + "/" + private, ""},
		{0, images + "/%2e%2e", ""},
		{0, images + "/" + id + "%2Fx", ""},
		{0, "/v1/instance/v1/zones/../zones/fr-par-1/images", ""},
		{0, "/v1/instance/v1/zones/mars-1/images/" + id, ""},
		{1, images, `{"root_volume":"` + snapshot + `","arch":"x86_64","name":"fuzz","tags":["t"]}`},
		{1, images, `{"root_volume":"` + snapshot + `","arch":"arm64","extra_volumes":{"1":{"id":"` + snapshot + `"}},"project":""}`},
		{1, images, `{"arch":"x86_64",`},
		{2, images + "/" + private, `{"name":"n","arch":"x86_64","public":false,"tags":[],"extra_volumes":{}}`},
		{2, images + "/" + private, `{"name":"n","arch":"x86_64","root_volume":{"id":7}}`},
		{3, images + "/" + private, `{"tags":["a\u0000"],"public":"yes"}`},
		{3, images + "/" + private, `null`},
		{3, images + "/" + private, `{"name":"a","Name":"b","tags":["x"],"tags":[]}`},
		{1, images, `{"":"","":0}`},
		{4, images + "/" + id, ""},
		{5, images, ""},
		{6, "/healthz", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, []byte(s.body))
	}
	client, err := scaleway.NewClient(
		scaleway.WithBaseURL("http://fake.invalid"),
		scaleway.WithSecretKey(scalewaytest.SandboxToken),
		scaleway.WithRetryPolicy(scaleway.NoRetries),
		scaleway.WithHTTPClient(&http.Client{Transport: fake.Transport()}),
		scaleway.WithDefaultProject(scalewaytest.DefaultProjectID),
	)
	if err != nil {
		f.Fatal(err)
	}
	handler := rest.NewHandler(rest.Options{Client: client, Logger: zerolog.Nop()})

	f.Fuzz(func(t *testing.T, methodIndex uint8, target string, body []byte) {
		method := fuzzMethods[int(methodIndex)%len(fuzzMethods)]
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequestWithContext(t.Context(), method, "http://127.0.0.1:8080"+target, strings.NewReader(string(body)))
		if err != nil || req.URL.Host != "127.0.0.1:8080" {
			t.Skip() // not a request line a server would accept
		}
		fake.ResetRequests()
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)

		status := rec.Code
		upstream := fake.Requests()
		for _, r := range upstream {
			if r.Route == "" || !fuzzUpstreamPath.MatchString(r.Path) {
				t.Fatalf("%s %q: reached upstream as %s %q", method, target, r.Method, r.Path)
			}
		}
		if status == http.StatusNoContent || method == http.MethodHead {
			return
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s %q: answer %d with Content-Type %q", method, target, status, ct)
		}
		raw, _ := io.ReadAll(rec.Body)
		if !json.Valid(raw) {
			t.Fatalf("%s %q: answer %d is not JSON: %.200q", method, target, status, raw)
		}
		if status >= 500 {
			t.Fatalf("%s %q: the adapter failed with %d: %.300s", method, target, status, raw)
		}
		if status != http.StatusBadRequest {
			return
		}
		if len(upstream) > 0 {
			t.Fatalf("%s %q %.200q: upstream had to refuse the arguments: %.300s", method, target, body, raw)
		}
		var e scaleway.Error
		if err := json.Unmarshal(raw, &e); err != nil || e.Type != scaleway.TypeInvalidArguments || len(e.Details) == 0 {
			t.Fatalf("%s %q: 400 without field details: %.300s", method, target, raw)
		}
		for _, d := range e.Details {
			if d.ArgumentName == "" || !strings.HasPrefix(d.HelpMessage, d.ArgumentName+" ") {
				t.Fatalf("%s %q: a 400 detail names no field: %+v", method, target, d)
			}
		}
	})
}
