// Package rest is the seed's REST adapter: the six Instance image routes of
// the Scaleway API under /v1, in Scaleway's own wire format (query
// parameters, JSON bodies, statuses, headers and error bodies), so that a
// Scaleway SDK or the scw CLI pointed at http://127.0.0.1:8080/v1 works
// unchanged. Every upstream call goes through a *scaleway.Client, which
// also owns the validation rules; this package only translates HTTP.
//
// Serve the handler with package listener, which bounds request bodies and
// guards the socket, and give it WriteRefusal so that its refusals read as
// Scaleway errors too.
package rest

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/callerlimit"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Options configures NewHandler.
type Options struct {
	// Client makes every upstream call. Its secret key is used unless a
	// request carries its own X-Auth-Token, and its default project, else
	// default organization, owns images created without either.
	Client *scaleway.Client
	// ReadOnly refuses every write with 403 before anything is sent.
	ReadOnly bool
	// Logger gets one line per request; it never sees a secret.
	Logger zerolog.Logger
	// Version is the program's, which the OpenAPI document states; "dev"
	// when empty.
	Version string
	// Callers bounds the requests in flight of each caller (its
	// X-Auth-Token, or none) on the routes that call Scaleway; over it a
	// request is answered 429. nil bounds none.
	Callers *callerlimit.Limiter
	// Observe, when set, is told of every request once answered: its
	// route (the mux's pattern, such as
	// "GET /v1/instance/v1/zones/{zone}/images"; "" when none matched), its
	// status and how long it took. For metrics.
	Observe func(route string, status int, elapsed time.Duration)
}

// The adapter's paths: Scaleway's, below /v1.
const (
	imagesPattern = "/v1/instance/v1/zones/{zone}/images"
	imagePattern  = "/v1/instance/v1/zones/{zone}/images/{image_id}"
	openAPIPath   = "/v1/openapi.json"
	healthPath    = "/healthz"
)

// route is one operation of the adapter.
type route struct {
	method   string
	pattern  string
	writes   bool // refused in read-only mode
	upstream bool // calls Scaleway: bounded per caller
	handle   http.HandlerFunc
}

type server struct {
	opts Options
}

// NewHandler returns the REST adapter. opts.Client is required.
func NewHandler(opts Options) http.Handler {
	if opts.Client == nil {
		panic("rest: NewHandler needs a scaleway.Client")
	}
	s := &server{opts: opts}
	routes := []route{
		{http.MethodGet, imagesPattern, false, true, s.listImages},
		{http.MethodPost, imagesPattern, true, true, s.createImage},
		{http.MethodPut, imagePattern, true, true, s.setImage},
		{http.MethodGet, imagePattern, false, true, s.getImage},
		{http.MethodPatch, imagePattern, true, true, s.updateImage},
		{http.MethodDelete, imagePattern, true, true, s.deleteImage},
		{http.MethodGet, openAPIPath, false, false, serveOpenAPI(encodeOpenAPI(cmp.Or(opts.Version, devVersion)))},
		{http.MethodGet, healthPath, false, false, serveHealth},
	}
	mux := http.NewServeMux()
	var patterns []string
	allowed := map[string][]string{}
	for _, rt := range routes {
		h := rt.handle
		switch {
		case rt.writes && opts.ReadOnly:
			h = refuseWrite
		case rt.upstream:
			h = s.limitCaller(h)
		}
		mux.Handle(rt.method+" "+rt.pattern, h)
		if _, seen := allowed[rt.pattern]; !seen {
			patterns = append(patterns, rt.pattern)
		}
		allowed[rt.pattern] = append(allowed[rt.pattern], rt.method)
	}
	// Method-less patterns are less specific than the routes, so they only
	// get the other methods: answer those with a JSON 405, not net/http's
	// plain text.
	for _, pattern := range patterns {
		mux.Handle(pattern, methodNotAllowed(allowed[pattern]))
	}
	mux.HandleFunc("/", notFound)
	return s.logRequests(rejectUncleanPaths(mux))
}

// limitCaller answers Scaleway's 429, with Retry-After: 1, to a request
// whose caller already has its most requests in flight: it is sent by
// the same key as theirs (X-Auth-Token), or by none, as theirs.
func (s *server) limitCaller(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		release, err := s.opts.Callers.Acquire(callerlimit.CallerOf(r.Header.Get("X-Auth-Token")))
		if err != nil {
			writeAPIError(w, &scaleway.Error{StatusCode: http.StatusTooManyRequests, Type: scaleway.TypeTooManyRequests, Message: err.Error(), RetryAfter: time.Second})
			return
		}
		defer release()
		next(w, r)
	}
}

func serveHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func methodNotAllowed(methods []string) http.Handler {
	allow := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeAPIError(w, &scaleway.Error{StatusCode: http.StatusMethodNotAllowed, Type: "method_not_allowed", Message: "method " + r.Method + " is not allowed here; use " + allow})
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeAPIError(w, &scaleway.Error{StatusCode: http.StatusNotFound, Type: scaleway.TypeNotFound, Message: "no route for " + r.Method + " " + r.URL.Path})
}
