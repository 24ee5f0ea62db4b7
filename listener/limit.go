package listener

import (
	"fmt"
	"net/http"
)

// limitBody refuses a declared Content-Length over limit at once, and caps
// any other body with http.MaxBytesReader: a handler that reads past the
// limit gets an *http.MaxBytesError and answers 413 in its own format.
func limitBody(limit int64, refuse refuser, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			refuse.write(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
