package listener

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWrapCORS(t *testing.T) {
	t.Parallel()
	const inspector = "http://localhost:6274"
	loopback := Options{Addr: "127.0.0.1:8080", TrustedOrigins: []string{inspector}}
	guarded := Options{Addr: "0.0.0.0:8080", Token: testToken, TrustedOrigins: []string{inspector}}
	preflight := func(origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, authorization"}
	}
	bearer := "Bearer " + testToken

	tests := []struct {
		name       string
		opts       Options
		method     string
		host       string // default 127.0.0.1:8080
		header     map[string]string
		wantStatus int
		wantOrigin string // Access-Control-Allow-Origin; "" means absent
	}{
		{"trusted origin preflight", loopback, "OPTIONS", "", preflight(inspector), 204, inspector},
		{"trusted origin GET", loopback, "GET", "", map[string]string{"Origin": inspector}, 200, inspector},
		{"trusted origin POST", loopback, "POST", "", map[string]string{"Origin": inspector, "Sec-Fetch-Site": "cross-site"}, 200, inspector},
		{"trusted origin OPTIONS that is no preflight", loopback, "OPTIONS", "", map[string]string{"Origin": inspector}, 200, inspector},
		{"own origin preflight", loopback, "OPTIONS", "", preflight("http://127.0.0.1:8080"), 204, "http://127.0.0.1:8080"},
		{"own origin POST", loopback, "POST", "", map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}, 200, "http://127.0.0.1:8080"},
		{"no origin", loopback, "GET", "", nil, 200, ""},

		{"other origin preflight", loopback, "OPTIONS", "", preflight("https://evil.example"), 403, ""},
		{"other origin POST", loopback, "POST", "", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, ""},
		{"other loopback port preflight", loopback, "OPTIONS", "", preflight("http://localhost:3000"), 403, ""},
		{"null origin preflight", loopback, "OPTIONS", "", preflight("null"), 403, ""},
		{"trusted origin preflight on a rebinding host", loopback, "OPTIONS", "evil.example:8080", preflight(inspector), 403, ""},

		{"preflight beyond loopback needs no token", guarded, "OPTIONS", "myhost.lan:8080", preflight(inspector), 204, inspector},
		{"real request beyond loopback needs the token", guarded, "POST", "myhost.lan:8080", map[string]string{"Origin": inspector, "Sec-Fetch-Site": "cross-site"}, 401, inspector},
		{"real request beyond loopback with the token", guarded, "POST", "myhost.lan:8080", map[string]string{"Origin": inspector, "Sec-Fetch-Site": "cross-site", "Authorization": bearer}, 200, inspector},
		{"own origin beyond loopback", guarded, "GET", "myhost.lan:8080", map[string]string{"Origin": "http://myhost.lan:8080", "Authorization": bearer}, 200, "http://myhost.lan:8080"},
		{"other origin beyond loopback, with the token", guarded, "OPTIONS", "myhost.lan:8080", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST", "Authorization": bearer}, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := Wrap(tt.opts, echo)
			if err != nil {
				t.Fatal(err)
			}
			w := send(h, httptest.NewRequestWithContext(t.Context(), tt.method, "/mcp", nil), tt.host, tt.header)

			got := w.Header()
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d; want %d (body %s)", w.Code, tt.wantStatus, w.Body)
			}
			if got.Get("Access-Control-Allow-Origin") != tt.wantOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q; want %q", got.Get("Access-Control-Allow-Origin"), tt.wantOrigin)
			}
			// Every answer that depends on Origin varies on it; a refusal
			// may not (the Host check comes before Origin is read).
			if w.Code != http.StatusForbidden && !strings.Contains(strings.Join(got.Values("Vary"), ","), "Origin") {
				t.Errorf("Vary = %q; want it to name Origin", got.Values("Vary"))
			}
			wantExposed := []string{}
			if tt.wantOrigin != "" {
				wantExposed = []string{"Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate", "X-Total-Count", "Link", "Location", "X-Request-Id"}
			}
			checkList(t, got, "Access-Control-Expose-Headers", wantExposed)
			wantMethods, wantHeaders := []string{}, []string{}
			if tt.wantStatus == http.StatusNoContent {
				wantMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
				wantHeaders = []string{"Content-Type", "Accept", "Authorization", "X-Auth-Token", "Mcp-Protocol-Version", "Mcp-Session-Id", "Last-Event-ID"}
				if got.Get("Access-Control-Max-Age") == "" {
					t.Error("a preflight answer without Access-Control-Max-Age")
				}
			}
			checkList(t, got, "Access-Control-Allow-Methods", wantMethods)
			checkList(t, got, "Access-Control-Allow-Headers", wantHeaders)
		})
	}
}

// checkList fails unless header name lists exactly want (absent when want
// is empty), in any order.
func checkList(t *testing.T, h http.Header, name string, want []string) {
	t.Helper()
	value := h.Get(name)
	if len(want) == 0 {
		if value != "" {
			t.Errorf("%s = %q; want none", name, value)
		}
		return
	}
	listed := map[string]bool{}
	for _, item := range strings.Split(value, ",") {
		listed[strings.TrimSpace(item)] = true
	}
	for _, item := range want {
		if !listed[item] {
			t.Errorf("%s = %q; want it to list %s", name, value, item)
		}
	}
	if len(listed) != len(want) {
		t.Errorf("%s = %q; want exactly %v", name, value, want)
	}
}
