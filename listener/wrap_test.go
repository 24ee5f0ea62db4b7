package listener

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

const testToken = "0123456789abcdef-test-token"

func TestWrapRefusesUnsafeOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    Options
		wantErr string // "" means accepted
	}{
		{"loopback v4", Options{Addr: "127.0.0.1:8080"}, ""},
		{"loopback name", Options{Addr: "localhost:8080"}, ""},
		{"loopback v6", Options{Addr: "[::1]:8080"}, ""},
		{"all v4 without token", Options{Addr: "0.0.0.0:8080"}, "set a bearer token to listen beyond loopback"},
		{"all v6 without token", Options{Addr: "[::]:8080"}, "set a bearer token to listen beyond loopback"},
		{"empty host without token", Options{Addr: ":8080"}, "set a bearer token to listen beyond loopback"},
		{"LAN address without token", Options{Addr: "192.168.1.10:8080"}, "set a bearer token to listen beyond loopback"},
		{"other name without token", Options{Addr: "myhost.example:8080"}, "set a bearer token to listen beyond loopback"},
		{"all v4 with token", Options{Addr: "0.0.0.0:8080", Token: testToken}, ""},
		{"no port", Options{Addr: "127.0.0.1"}, "parsing listen address"},
		{"short token", Options{Addr: "0.0.0.0:8080", Token: "secret"}, "use at least 16"},
		{"token with space", Options{Addr: "127.0.0.1:8080", Token: "0123456789 abcdef"}, "printable ASCII without spaces"},
		{"bad trusted origin", Options{Addr: "127.0.0.1:8080", TrustedOrigins: []string{"localhost:6274"}}, "trusting origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := Wrap(tt.opts, http.NotFoundHandler())
			if tt.wantErr == "" {
				if err != nil || h == nil {
					t.Fatalf("Wrap() = %v, %v; want a handler", h, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Wrap() error = %v; want one containing %q", err, tt.wantErr)
			}
		})
	}
	if _, err := Wrap(Options{Addr: ":1"}, http.NotFoundHandler()); !errors.Is(err, ErrTokenRequired) {
		t.Errorf("Wrap(:1) error = %v; want ErrTokenRequired", err)
	}
}

// echo answers 200 with how many body bytes it read, or BodyTooLarge when
// the body went over the limit, as the REST adapter does.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		WriteError(w, BodyTooLarge(tooLarge.Limit))
		return
	}
	_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
})

func TestWrapRules(t *testing.T) {
	t.Parallel()
	loopback := Options{Addr: "127.0.0.1:8080", MaxBodyBytes: 64}
	withToken := Options{Addr: "127.0.0.1:8080", Token: testToken}
	public := Options{Addr: "0.0.0.0:8080", Token: testToken}
	trusted := Options{Addr: "127.0.0.1:8080", TrustedOrigins: []string{"http://localhost:6274"}}

	type request struct {
		method, path, host, body string
		header                   map[string]string
		chunked                  bool
	}
	tests := []struct {
		name       string
		opts       Options
		req        request
		wantStatus int
		wantType   string // error type of the JSON body; "" for a pass
		wantBody   string // substring of the body
	}{
		{"loopback host", loopback, request{host: "127.0.0.1:8080"}, 200, "", "0"},
		{"localhost host", loopback, request{host: "localhost:8080"}, 200, "", "0"},
		{"LOCALHOST host", loopback, request{host: "LOCALHOST"}, 200, "", "0"},
		{"other loopback v4", loopback, request{host: "127.0.0.2:8080"}, 200, "", "0"},
		{"loopback v6 host", loopback, request{host: "[::1]:8080"}, 200, "", "0"},
		{"rebinding host", loopback, request{host: "evil.example:8080"}, 403, "permissions_denied", "evil.example"},
		{"rebinding host, no port", loopback, request{host: "evil.example"}, 403, "permissions_denied", "only answers to localhost"},
		{"LAN host on loopback", loopback, request{host: "192.168.1.10:8080"}, 403, "permissions_denied", ""},
		{"any host beyond loopback", public, request{host: "myhost.lan:8080", header: map[string]string{"Authorization": "Bearer " + testToken}}, 200, "", "0"},

		{"same origin GET", loopback, request{header: map[string]string{"Origin": "http://127.0.0.1:8080"}}, 200, "", "0"},
		{"cross origin GET", loopback, request{header: map[string]string{"Origin": "https://evil.example"}}, 403, "permissions_denied", `origin \"https://evil.example\" is not allowed`},
		{"other loopback port GET", loopback, request{header: map[string]string{"Origin": "http://localhost:3000"}}, 403, "permissions_denied", "not allowed"},
		{"null origin GET", loopback, request{header: map[string]string{"Origin": "null"}}, 403, "permissions_denied", "not allowed"},
		{"cross site POST without Origin", loopback, request{method: "POST", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, "permissions_denied", "cross-origin"},
		{"cross origin POST", loopback, request{method: "POST", header: map[string]string{"Origin": "https://evil.example"}}, 403, "permissions_denied", "cross-origin"},
		{"same origin POST", loopback, request{method: "POST", body: "{}", header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8080"}}, 200, "", "2"},
		{"trusted origin POST", trusted, request{method: "POST", header: map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:6274"}}, 200, "", "0"},
		{"trusted origin GET", trusted, request{header: map[string]string{"Origin": "http://localhost:6274"}}, 200, "", "0"},
		{"non-browser POST", loopback, request{method: "POST", body: "{}"}, 200, "", "2"},

		{"no token", withToken, request{}, 401, "denied_authentication", "Authorization: Bearer"},
		{"wrong token", withToken, request{header: map[string]string{"Authorization": "Bearer " + testToken + "x"}}, 401, "denied_authentication", "wrong"},
		{"prefix of token", withToken, request{header: map[string]string{"Authorization": "Bearer " + testToken[:16]}}, 401, "denied_authentication", "wrong"},
		{"basic scheme", withToken, request{header: map[string]string{"Authorization": "Basic " + testToken}}, 401, "denied_authentication", ""},
		{"empty bearer", withToken, request{header: map[string]string{"Authorization": "Bearer "}}, 401, "denied_authentication", ""},
		{"right token", withToken, request{header: map[string]string{"Authorization": "Bearer " + testToken}}, 200, "", "0"},
		{"lower-case scheme", withToken, request{header: map[string]string{"Authorization": "bearer " + testToken}}, 200, "", "0"},
		{"healthz without token", withToken, request{path: "/healthz"}, 200, "", "0"},
		{"healthz POST without token", withToken, request{method: "POST", path: "/healthz"}, 401, "denied_authentication", ""},
		{"healthz on rebinding host", withToken, request{path: "/healthz", host: "evil.example"}, 403, "permissions_denied", ""},

		{"body at limit", loopback, request{method: "POST", body: strings.Repeat("x", 64)}, 200, "", "64"},
		{"declared body over limit", loopback, request{method: "POST", body: strings.Repeat("x", 65)}, 413, "invalid_request_error", "request body exceeds 64 bytes"},
		{"chunked body over limit", loopback, request{method: "POST", body: strings.Repeat("x", 1000), chunked: true}, 413, "invalid_request_error", "request body exceeds 64 bytes"},
		{"default limit", withToken, request{method: "PUT", body: strings.Repeat("x", DefaultMaxBodyBytes+1), header: map[string]string{"Authorization": "Bearer " + testToken}}, 413, "invalid_request_error", "request body exceeds 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := Wrap(tt.opts, echo)
			if err != nil {
				t.Fatal(err)
			}
			req := tt.req
			if req.method == "" {
				req.method = http.MethodGet
			}
			if req.path == "" {
				req.path = "/mcp"
			}
			r := httptest.NewRequestWithContext(t.Context(), req.method, req.path, strings.NewReader(req.body))
			r.Host = "127.0.0.1:8080"
			if req.host != "" {
				r.Host = req.host
			}
			if req.chunked {
				r.ContentLength = -1
			}
			for k, v := range req.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d; want %d (body %s)", w.Code, tt.wantStatus, w.Body)
			}
			if !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("body = %s; want it to contain %q", w.Body, tt.wantBody)
			}
			if tt.wantType == "" {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", ct)
			}
			var body scaleway.Error
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("error body is not JSON: %v (%s)", err, w.Body)
			}
			if string(body.Type) != tt.wantType || body.Message == "" {
				t.Errorf("error body = %+v; want type %q and a message", body, tt.wantType)
			}
			if wantAuth := tt.wantStatus == http.StatusUnauthorized; wantAuth != strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q with status %d", w.Header().Get("WWW-Authenticate"), w.Code)
			}
		})
	}
}
