package listener

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The CORS answers given to an allowed origin. A browser client (the MCP
// Inspector, a web app) may read only the response headers listed as
// exposed, and may send only the request headers a preflight allowed.
var (
	// corsExposedHeaders are what MCP clients read (the session, the
	// negotiated version, the token challenge) and what REST clients read
	// (pagination, a created image's place, Scaleway's request id).
	corsExposedHeaders = strings.Join([]string{
		"Mcp-Session-Id", "Mcp-Protocol-Version", "WWW-Authenticate",
		"X-Total-Count", "Link", "Location", "X-Request-Id",
	}, ", ")
	corsAllowedMethods = strings.Join([]string{
		http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions,
	}, ", ")
	// corsAllowedHeaders are those MCP's streamable HTTP transport and the
	// REST adapter read: the listener's token, a caller's own Scaleway key,
	// the MCP session and version, and the event stream's resume point.
	corsAllowedHeaders = strings.Join([]string{
		"Content-Type", "Accept", "Authorization", "X-Auth-Token",
		"Mcp-Protocol-Version", "Mcp-Session-Id", "Last-Event-ID",
	}, ", ")
)

// corsMaxAge is how long a browser may reuse a preflight's answer: two
// hours, the most Chromium honours. The allowed origins change only with
// a restart.
const corsMaxAge = 2 * time.Hour

// allowOrigin adds the CORS headers that let a browser page at origin read
// the answer. The origin is named, never "*": only the origins the guard
// allowed are answered.
func allowOrigin(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", corsExposedHeaders)
}

// isPreflight reports whether r is a browser's CORS preflight: an OPTIONS
// request naming the method it is about to send.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
}

// answerPreflight allows the methods and headers of both listeners. It
// needs no bearer token: browsers never send credentials on a preflight,
// and the request that follows is checked in full.
func answerPreflight(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", corsAllowedMethods)
	h.Set("Access-Control-Allow-Headers", corsAllowedHeaders)
	h.Set("Access-Control-Max-Age", strconv.Itoa(int(corsMaxAge.Seconds())))
	w.WriteHeader(http.StatusNoContent)
}
