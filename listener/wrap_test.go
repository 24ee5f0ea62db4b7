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

// echo answers 200 with how many body bytes it read, or 413 when the body
// went over the limit, as the adapters do in their own formats.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writePlainRefusal(w, http.StatusRequestEntityTooLarge, "request body exceeds "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes")
		return
	}
	_, _ = io.WriteString(w, strconv.FormatInt(n, 10))
})

// send serves r to h, with header added and Host set to host, or to
// 127.0.0.1:8080 when host is empty, and returns the answer.
func send(h http.Handler, r *http.Request, host string, header map[string]string) *httptest.ResponseRecorder {
	r.Host = "127.0.0.1:8080"
	if host != "" {
		r.Host = host
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

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
		wantBody   string // substring of the body
	}{
		{"loopback host", loopback, request{host: "127.0.0.1:8080"}, 200, "0"},
		{"localhost host", loopback, request{host: "localhost:8080"}, 200, "0"},
		{"LOCALHOST host", loopback, request{host: "LOCALHOST"}, 200, "0"},
		{"other loopback v4", loopback, request{host: "127.0.0.2:8080"}, 200, "0"},
		{"loopback v6 host", loopback, request{host: "[::1]:8080"}, 200, "0"},
		{"rebinding host", loopback, request{host: "evil.example:8080"}, 403, "evil.example"},
		{"rebinding host, no port", loopback, request{host: "evil.example"}, 403, "only answers to localhost"},
		{"LAN host on loopback", loopback, request{host: "192.168.1.10:8080"}, 403, ""},
		{"any host beyond loopback", public, request{host: "myhost.lan:8080", header: map[string]string{"Authorization": "Bearer " + testToken}}, 200, "0"},

		{"same origin GET", loopback, request{header: map[string]string{"Origin": "http://127.0.0.1:8080"}}, 200, "0"},
		{"cross origin GET", loopback, request{header: map[string]string{"Origin": "https://evil.example"}}, 403, `origin \"https://evil.example\" is not allowed`},
		{"other loopback port GET", loopback, request{header: map[string]string{"Origin": "http://localhost:3000"}}, 403, "not allowed"},
		{"null origin GET", loopback, request{header: map[string]string{"Origin": "null"}}, 403, "not allowed"},
		{"cross site POST without Origin", loopback, request{method: "POST", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, "cross-origin"},
		{"cross origin POST", loopback, request{method: "POST", header: map[string]string{"Origin": "https://evil.example"}}, 403, "cross-origin"},
		{"same origin POST", loopback, request{method: "POST", body: "{}", header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8080"}}, 200, "2"},
		{"trusted origin POST", trusted, request{method: "POST", header: map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:6274"}}, 200, "0"},
		{"trusted origin GET", trusted, request{header: map[string]string{"Origin": "http://localhost:6274"}}, 200, "0"},
		{"non-browser POST", loopback, request{method: "POST", body: "{}"}, 200, "2"},

		{"no token", withToken, request{}, 401, "Authorization: Bearer"},
		{"wrong token", withToken, request{header: map[string]string{"Authorization": "Bearer " + testToken + "x"}}, 401, "wrong"},
		{"prefix of token", withToken, request{header: map[string]string{"Authorization": "Bearer " + testToken[:16]}}, 401, "wrong"},
		{"basic scheme", withToken, request{header: map[string]string{"Authorization": "Basic " + testToken}}, 401, ""},
		{"empty bearer", withToken, request{header: map[string]string{"Authorization": "Bearer "}}, 401, ""},
		{"right token", withToken, request{header: map[string]string{"Authorization": "Bearer " + testToken}}, 200, "0"},
		{"lower-case scheme", withToken, request{header: map[string]string{"Authorization": "bearer " + testToken}}, 200, "0"},
		{"healthz without token", withToken, request{path: "/healthz"}, 200, "0"},
		{"healthz POST without token", withToken, request{method: "POST", path: "/healthz"}, 401, ""},
		{"healthz on rebinding host", withToken, request{path: "/healthz", host: "evil.example"}, 403, ""},

		{"body at limit", loopback, request{method: "POST", body: strings.Repeat("x", 64)}, 200, "64"},
		{"declared body over limit", loopback, request{method: "POST", body: strings.Repeat("x", 65)}, 413, "request body exceeds 64 bytes"},
		{"chunked body over limit", loopback, request{method: "POST", body: strings.Repeat("x", 1000), chunked: true}, 413, "request body exceeds 64 bytes"},
		{"default limit", withToken, request{method: "PUT", body: strings.Repeat("x", DefaultMaxBodyBytes+1), header: map[string]string{"Authorization": "Bearer " + testToken}}, 413, "request body exceeds 1048576 bytes"},
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
			if req.chunked {
				r.ContentLength = -1
			}
			w := send(h, r, req.host, req.header)

			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d; want %d (body %s)", w.Code, tt.wantStatus, w.Body)
			}
			if !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Errorf("body = %s; want it to contain %q", w.Body, tt.wantBody)
			}
			if tt.wantStatus == http.StatusOK {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", ct)
			}
			var body plainRefusal
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("refusal body is not JSON: %v (%s)", err, w.Body)
			}
			if body.Status != tt.wantStatus || body.Error == "" {
				t.Errorf("refusal body = %+v; want status %d and a message", body, tt.wantStatus)
			}
			if wantAuth := tt.wantStatus == http.StatusUnauthorized; wantAuth != strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q with status %d", w.Header().Get("WWW-Authenticate"), w.Code)
			}
		})
	}
}

// TestWrapRefusesThroughTheCallersWriter checks that each refusal goes to
// Options.Refuse with its status and message, after the listener's own
// headers, and never reaches the handler.
func TestWrapRefusesThroughTheCallersWriter(t *testing.T) {
	t.Parallel()
	loopback := Options{Addr: "127.0.0.1:8080", MaxBodyBytes: 8}
	withToken := Options{Addr: "127.0.0.1:8080", Token: testToken}
	tests := []struct {
		name        string
		opts        Options
		host        string // default 127.0.0.1:8080
		header      map[string]string
		body        string
		wantStatus  int
		wantMessage string // substring of the message
	}{
		{"no token", withToken, "", nil, "", 401, "Authorization: Bearer"},
		{"wrong token", withToken, "", map[string]string{"Authorization": "Bearer " + testToken + "x"}, "", 401, "wrong"},
		{"rebinding host", loopback, "evil.example", nil, "", 403, `host "evil.example" is not allowed`},
		{"cross origin", loopback, "", map[string]string{"Origin": "https://evil.example"}, "", 403, "cross-origin request refused"},
		{"declared body over limit", loopback, "", nil, "123456789", 413, "request body exceeds 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotStatus int
			var gotMessage string
			opts := tt.opts
			opts.Refuse = func(w http.ResponseWriter, status int, message string) {
				gotStatus, gotMessage = status, message
				w.WriteHeader(status)
				_, _ = io.WriteString(w, "the caller's refusal")
			}
			reached := false
			h, err := Wrap(opts, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/mcp", strings.NewReader(tt.body))
			w := send(h, r, tt.host, tt.header)

			if w.Code != tt.wantStatus || w.Body.String() != "the caller's refusal" {
				t.Fatalf("answer = %d %q; want %d from the caller's writer", w.Code, w.Body, tt.wantStatus)
			}
			if gotStatus != tt.wantStatus || !strings.Contains(gotMessage, tt.wantMessage) {
				t.Errorf("writer got %d %q; want %d and a message containing %q", gotStatus, gotMessage, tt.wantStatus, tt.wantMessage)
			}
			if reached {
				t.Error("a refused request reached the handler")
			}
			if wantAuth := tt.wantStatus == http.StatusUnauthorized; wantAuth != strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q with status %d", w.Header().Get("WWW-Authenticate"), w.Code)
			}
		})
	}
}

// TestPlainRefusal pins the default refusal body, which says nothing of
// any API behind the listener.
func TestPlainRefusal(t *testing.T) {
	t.Parallel()
	h, err := Wrap(Options{Addr: "127.0.0.1:8080", Token: testToken}, echo)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/mcp", nil)
	w := send(h, r, "", map[string]string{"Authorization": "Bearer " + testToken + "x"})

	const want = `{"error":"authentication is denied: the bearer token is wrong","status":401}`
	if w.Code != http.StatusUnauthorized || w.Body.String() != want {
		t.Errorf("answer = %d %s; want 401 %s", w.Code, w.Body, want)
	}
	if header := w.Header(); header.Get("Content-Type") != "application/json" || header.Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("Content-Type = %q, Content-Length = %q", header.Get("Content-Type"), header.Get("Content-Length"))
	}
}
