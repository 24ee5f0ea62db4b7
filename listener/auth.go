package listener

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// healthzPath is the probe path: answered without a token, and with 503
// while the listener drains.
const healthzPath = "/healthz"

// requireToken answers 401 to requests without the bearer token, except
// GET /healthz, which load balancers and probes call without credentials.
func requireToken(token string, refuse refuser, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == healthzPath {
			next.ServeHTTP(w, r)
			return
		}
		got, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			denyToken(w, r, refuse, "no bearer token", "authentication is denied: send the listener's token as \"Authorization: Bearer <token>\"")
			return
		}
		// Comparing digests keeps the comparison constant-time even when
		// the lengths differ, which subtle.ConstantTimeCompare alone leaks.
		gotSum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(gotSum[:], want[:]) != 1 {
			denyToken(w, r, refuse, "wrong bearer token", "authentication is denied: the bearer token is wrong")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken extracts the token of an "Authorization: Bearer" header; the
// scheme is case-insensitive (RFC 9110).
func bearerToken(header string) (string, bool) {
	scheme, token, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// denyToken answers 401 with the challenge that names the scheme to use.
func denyToken(w http.ResponseWriter, r *http.Request, refuse refuser, reason, message string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="scaleway-images-mcp"`)
	refuse.answer(w, r, http.StatusUnauthorized, reason, message)
}
