package rest

import (
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// statusRecorder remembers the status a handler wrote, for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (rec *statusRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *statusRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

// logRequests writes one line per request: method, route, zone, status,
// duration and upstream's request id; and tells the observer. Headers are
// never logged, so X-Auth-Token cannot leak.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		// r.Pattern and the path values are filled in by the mux on
		// this same request.
		if s.opts.Observe != nil {
			s.opts.Observe(r.Pattern, status, elapsed)
		}
		level := zerolog.InfoLevel
		if status >= http.StatusInternalServerError {
			level = zerolog.WarnLevel
		}
		// zerolog writes a duration in milliseconds (its
		// DurationFieldUnit, left at its default): the field's name says
		// so.
		s.opts.Logger.WithLevel(level).
			Str("method", r.Method).
			Str("route", r.Pattern).
			Str("zone", r.PathValue("zone")).
			Int("status", status).
			Dur("duration_ms", elapsed).
			Str("upstream_request_id", rec.Header().Get("X-Request-Id")).
			Msg("rest request")
	})
}
