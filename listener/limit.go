package listener

import "net/http"

// limitBody refuses a declared Content-Length over limit at once, and caps
// any other body with http.MaxBytesReader: a handler that reads past the
// limit gets an *http.MaxBytesError and should answer BodyTooLarge.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			WriteError(w, BodyTooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
