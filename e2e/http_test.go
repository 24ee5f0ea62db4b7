package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestBrowserClientWithAllowedOrigin plays a browser client at an origin
// given with --allow-origin (the MCP Inspector's) against both listeners
// of the built binary: its preflight is answered, its requests carry the
// CORS headers it needs to read the answers, and another origin is
// refused.
func TestBrowserClientWithAllowedOrigin(t *testing.T) {
	t.Parallel()
	const inspector = "http://localhost:6274"
	p := startListeners(t, nil, "--sandbox", "--http", "127.0.0.1:0", "--rest", "127.0.0.1:0", "--allow-origin", inspector)
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"browser","version":"0"}}}`
	preflight := func(origin string) []string {
		return []string{"Origin", origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, mcp-protocol-version"}
	}
	tests := []struct {
		name, listener, method, path, body string
		headers                            []string
		want                               int
		wantOrigin                         string // Access-Control-Allow-Origin; "" means absent
		wantBody                           string
	}{
		{"mcp preflight", "mcp", "OPTIONS", "/mcp", "", preflight(inspector), 204, inspector, ""},
		{"mcp initialize", "mcp", "POST", "/mcp", initialize, []string{"Origin", inspector, "Sec-Fetch-Site", "cross-site", "Content-Type", "application/json", "Accept", "application/json, text/event-stream"}, 200, inspector, `"serverInfo"`},
		{"rest preflight", "rest", "OPTIONS", "/v1/instance/v1/zones/fr-par-1/images", "", preflight(inspector), 204, inspector, ""},
		{"rest list", "rest", "GET", "/v1/instance/v1/zones/fr-par-1/images", "", []string{"Origin", inspector, "Sec-Fetch-Site", "cross-site"}, 200, inspector, `"images"`},
		{"mcp preflight from another origin", "mcp", "OPTIONS", "/mcp", "", preflight("https://evil.example"), 403, "", "not allowed"},
		{"rest preflight from another origin", "rest", "OPTIONS", "/v1/instance/v1/zones/fr-par-1/images", "", preflight("https://evil.example"), 403, "", "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := restDo(t, p.addrs[tt.listener], tt.method, tt.path, tt.body, tt.headers...)
			if a.status != tt.want || a.header.Get("Access-Control-Allow-Origin") != tt.wantOrigin || !strings.Contains(a.body, tt.wantBody) {
				t.Fatalf("answer %d with Access-Control-Allow-Origin %q, want %d and %q and a body with %q: %.300s",
					a.status, a.header.Get("Access-Control-Allow-Origin"), tt.want, tt.wantOrigin, tt.wantBody, a.body)
			}
			switch {
			case tt.want == http.StatusNoContent:
				methods, headers := a.header.Get("Access-Control-Allow-Methods"), a.header.Get("Access-Control-Allow-Headers")
				if !strings.Contains(methods, "POST") || !strings.Contains(headers, "Mcp-Protocol-Version") || !strings.Contains(headers, "Content-Type") || a.header.Get("Access-Control-Max-Age") == "" {
					t.Errorf("preflight answer: methods %q, headers %q, max age %q", methods, headers, a.header.Get("Access-Control-Max-Age"))
				}
			case tt.wantOrigin != "":
				if exposed := a.header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "Mcp-Session-Id") || !strings.Contains(exposed, "X-Total-Count") {
					t.Errorf("Access-Control-Expose-Headers = %q", exposed)
				}
			}
		})
	}
}
