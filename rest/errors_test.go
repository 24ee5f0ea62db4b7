package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const otherKey = "77777777-7777-4777-8777-777777777777"

// TestUpstreamErrorsPassThrough checks that each error the API can answer
// reaches the caller with upstream's status, body and request id.
func TestUpstreamErrorsPassThrough(t *testing.T) {
	t.Parallel()
	missingID := "99999999-9999-4999-8999-999999999999"
	fastRetry := scaleway.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond, MaxRetryAfter: time.Millisecond}
	tests := []struct {
		name       string
		opts       fixtureOptions
		script     []scalewaytest.Fault
		route      scalewaytest.Route
		method     string
		path       string // "" is the list path; "{id}" is replaced by a seeded id
		body       string
		header     []string
		wantStatus int
		wantType   scaleway.ErrorType
		// wantUpstream, when not 0, is how many requests upstream got.
		wantUpstream int
		check        func(t *testing.T, a answer, e scaleway.Error)
	}{
		{
			name: "404 unknown image", method: http.MethodGet, path: "/" + missingID,
			wantStatus: 404, wantType: scaleway.TypeNotFound,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if e.Resource != "instance_image" || e.ResourceID != missingID || e.Message != "resource is not found" {
					t.Errorf("error = %+v", e)
				}
			},
		},
		{
			name: "401 unknown key", opts: fixtureOptions{fake: scalewaytest.Options{AcceptedTokens: []string{scalewaytest.SandboxToken}}},
			method: http.MethodGet, header: []string{"X-Auth-Token", otherKey},
			wantStatus: 401, wantType: scaleway.TypeDeniedAuthentication,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if e.Method != "api_key" || e.Reason != "not_found" {
					t.Errorf("error = %+v", e)
				}
			},
		},
		{
			name: "403 read-only key", opts: fixtureOptions{fake: scalewaytest.Options{ReadOnlyTokens: []string{otherKey}}},
			method: http.MethodDelete, path: "/{id}", header: []string{"X-Auth-Token", otherKey},
			wantStatus: 403, wantType: scaleway.TypePermissionsDenied,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if len(e.Details) != 1 || e.Details[0].Resource != "instance_image" || e.Details[0].Action != "write" {
					t.Errorf("details = %+v", e.Details)
				}
			},
		},
		{
			name: "403 quota", opts: fixtureOptions{fake: scalewaytest.Options{PrivateImageQuota: 3}},
			method: http.MethodPost, body: `{"root_volume":"{snapshot}","arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `"}`,
			wantStatus: 403, wantType: scaleway.TypeQuotasExceeded,
		},
		{
			name: "409 transient state", route: scalewaytest.RouteUpdateImage,
			script: []scalewaytest.Fault{scalewaytest.ErrorAnswer(409, scaleway.Error{Type: scaleway.TypeTransientState, Message: "resource is in a transient state", Resource: "instance_image", CurrentState: "creating"})},
			method: http.MethodPatch, path: "/{id}", body: `{"name":"x"}`,
			wantStatus: 409, wantType: scaleway.TypeTransientState,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if e.CurrentState != "creating" {
					t.Errorf("current_state = %q", e.CurrentState)
				}
			},
		},
		{
			name: "404 from upstream: unknown snapshot", method: http.MethodPost,
			body:       `{"root_volume":"` + missingID + `","arch":"x86_64","project":"` + scalewaytest.DefaultProjectID + `"}`,
			wantStatus: 404, wantType: scaleway.TypeNotFound,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if e.Resource != "instance_snapshot" || e.ResourceID != missingID {
					t.Errorf("error = %+v", e)
				}
			},
		},
		{
			name: "400 from upstream: no owner", method: http.MethodPost, body: `{"root_volume":"{snapshot}","arch":"x86_64"}`,
			wantStatus: 400, wantType: scaleway.TypeInvalidArguments,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if len(e.Details) != 1 || e.Details[0].ArgumentName != "project" || e.Details[0].Reason != "required" {
					t.Errorf("details = %+v", e.Details)
				}
			},
		},
		{
			name: "429 with Retry-After", route: scalewaytest.RouteListImages,
			script: []scalewaytest.Fault{scalewaytest.TooManyRequests(7 * time.Second)},
			method: http.MethodGet, wantStatus: 429, wantType: scaleway.TypeTooManyRequests,
			check: func(t *testing.T, a answer, _ scaleway.Error) {
				if a.header.Get("Retry-After") != "7" {
					t.Errorf("Retry-After = %q; want 7", a.header.Get("Retry-After"))
				}
			},
		},
		{
			name: "503 after retries", opts: fixtureOptions{retry: &fastRetry}, route: scalewaytest.RouteGetImage,
			script: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(503), scalewaytest.ServerError(503)},
			method: http.MethodGet, path: "/{id}", wantStatus: 503, wantType: "server_error", wantUpstream: 3,
		},
		{
			name: "500 not retried", route: scalewaytest.RouteGetImage,
			script: []scalewaytest.Fault{scalewaytest.ServerError(500)},
			method: http.MethodGet, path: "/{id}", wantStatus: 500, wantType: "server_error", wantUpstream: 1,
		},
		{
			name: "malformed answer", route: scalewaytest.RouteGetImage, script: []scalewaytest.Fault{scalewaytest.MalformedJSON()},
			method: http.MethodGet, path: "/{id}", wantStatus: 502, wantType: scaleway.TypeUnknown,
			check: func(t *testing.T, _ answer, e scaleway.Error) {
				if !strings.Contains(e.Message, "unreadable answer") {
					t.Errorf("message = %q", e.Message)
				}
			},
		},
		{
			name: "dropped connection", route: scalewaytest.RouteListImages, script: []scalewaytest.Fault{scalewaytest.DroppedConnection()},
			method: http.MethodGet, wantStatus: 502, wantType: scaleway.TypeUnknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tt.opts)
			f.fake.Script(tt.route, tt.script...)
			id := seededImage(t, f, "web-frontend").ID
			path := imagesPath(zone) + strings.ReplaceAll(tt.path, "{id}", id)
			body := strings.ReplaceAll(tt.body, "{snapshot}", f.fake.Snapshots(zone)[0].ID)
			a := f.do(t, tt.method, path, body, tt.header...)
			if a.status != tt.wantStatus {
				t.Fatalf("status = %d; want %d (%s)", a.status, tt.wantStatus, a.body)
			}
			e := a.apiError(t)
			if e.Type != tt.wantType || e.Message == "" {
				t.Errorf("error = %+v; want type %q", e, tt.wantType)
			}
			if a.header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type = %q", a.header.Get("Content-Type"))
			}
			if up := f.lastUpstreamID(); a.status != 502 && (up == "" || a.header.Get("X-Request-Id") != up) {
				t.Errorf("X-Request-Id = %q; want upstream's %q", a.header.Get("X-Request-Id"), up)
			}
			if n := len(f.fake.Requests()); tt.wantUpstream != 0 && n != tt.wantUpstream {
				t.Errorf("upstream got %d requests; want %d", n, tt.wantUpstream)
			}
			if tt.check != nil {
				tt.check(t, a, e)
			}
		})
	}
}

func TestCallerKeyIsPassedThrough(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		noKey   bool
		header  []string
		wantKey string
	}{
		{"server key", false, nil, scalewaytest.SandboxToken},
		{"caller key wins", false, []string{"X-Auth-Token", otherKey}, otherKey},
		{"caller key alone", true, []string{"X-Auth-Token", otherKey}, otherKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{noKey: tt.noKey})
			if a := f.do(t, http.MethodGet, imagesPath(zone), "", tt.header...); a.status != http.StatusOK {
				t.Fatalf("status = %d (%s)", a.status, a.body)
			}
			requests := f.fake.Requests()
			if len(requests) != 1 || requests[0].Header.Get("X-Auth-Token") != tt.wantKey {
				t.Errorf("upstream saw key %q; want %q", requests[0].Header.Get("X-Auth-Token"), tt.wantKey)
			}
		})
	}
}

func TestNoKeyAtAll(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{noKey: true})
	a := f.do(t, http.MethodGet, imagesPath(zone), "")
	e := a.apiError(t)
	if a.status != http.StatusUnauthorized || e.Type != scaleway.TypeDeniedAuthentication ||
		!strings.Contains(e.Message, "SCW_SECRET_KEY") || !strings.Contains(e.Message, "SCALEWAY_API_KEY") {
		t.Errorf("answer = %d %+v; want 401 naming SCW_SECRET_KEY and SCALEWAY_API_KEY", a.status, e)
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("%d requests reached upstream; want none", n)
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{rest: rest.Options{ReadOnly: true}})
	id := seededImage(t, f, "web-frontend").ID
	writes := []struct{ method, path, body string }{
		{http.MethodPost, imagesPath(zone), `{"root_volume":"` + f.fake.Snapshots(zone)[0].ID + `","arch":"x86_64"}`},
		{http.MethodPut, imagesPath(zone) + "/" + id, `{"name":"x","arch":"x86_64"}`},
		{http.MethodPatch, imagesPath(zone) + "/" + id, `{"name":"x"}`},
		{http.MethodDelete, imagesPath(zone) + "/" + id, ""},
		// Even an invalid write is refused as a write, before validation.
		{http.MethodDelete, imagesPath("xx-nowhere-1") + "/not-a-uuid", ""},
	}
	for _, w := range writes {
		a := f.do(t, w.method, w.path, w.body)
		e := a.apiError(t)
		if a.status != http.StatusForbidden || e.Type != scaleway.TypePermissionsDenied || e.Message != "insufficient permissions" ||
			len(e.Details) != 1 || e.Details[0] != (scaleway.ErrorDetail{Resource: "instance_image", Action: "write"}) ||
			!strings.Contains(e.HelpMessage, "read-only") {
			t.Errorf("%s %s = %d %s; want 403 permissions_denied", w.method, w.path, a.status, a.body)
		}
	}
	if n := len(f.fake.Requests()); n != 0 {
		t.Errorf("%d writes reached upstream; want none", n)
	}
	if a := f.do(t, http.MethodGet, imagesPath(zone)+"/"+id, ""); a.status != http.StatusOK {
		t.Errorf("read in read-only mode = %d; want 200", a.status)
	}
}

// TestWriteRefusal pins the listener's refusals as the REST adapter writes
// them: Scaleway error bodies, byte for byte what they were when the
// listener wrote them itself.
func TestWriteRefusal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		message  string
		wantBody string
	}{
		{401, "m401", `{"type":"denied_authentication","message":"m401","method":"unknown_method","reason":"invalid_argument"}`},
		{403, "m403", `{"type":"permissions_denied","message":"m403"}`},
		{413, "request body exceeds 8 bytes", `{"type":"invalid_request_error","message":"request body exceeds 8 bytes"}`},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			rest.WriteRefusal(w, tt.status, tt.message)
			if w.Code != tt.status || w.Body.String() != tt.wantBody {
				t.Errorf("answer = %d %s; want %d %s", w.Code, w.Body, tt.status, tt.wantBody)
			}
			if h := w.Header(); h.Get("Content-Type") != "application/json" || h.Get("Content-Length") != strconv.Itoa(len(tt.wantBody)) {
				t.Errorf("Content-Type = %q, Content-Length = %q", h.Get("Content-Type"), h.Get("Content-Length"))
			}
		})
	}
}
