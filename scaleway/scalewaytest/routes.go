package scalewaytest

import (
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Route names one operation of the fake, for Script and RequestCount.
type Route string

// The routes the fake serves.
const (
	RouteListImages     Route = "ListImages"     // GET    /instance/v1/zones/{zone}/images
	RouteCreateImage    Route = "CreateImage"    // POST   /instance/v1/zones/{zone}/images
	RouteSetImage       Route = "SetImage"       // PUT    /instance/v1/zones/{zone}/images/{id}
	RouteGetImage       Route = "GetImage"       // GET    /instance/v1/zones/{zone}/images/{image_id}
	RouteUpdateImage    Route = "UpdateImage"    // PATCH  /instance/v1/zones/{zone}/images/{image_id}
	RouteDeleteImage    Route = "DeleteImage"    // DELETE /instance/v1/zones/{zone}/images/{image_id}
	RouteListSnapshots  Route = "ListSnapshots"  // GET    /instance/v1/zones/{zone}/snapshots
	RouteGetSnapshot    Route = "GetSnapshot"    // GET    /instance/v1/zones/{zone}/snapshots/{snapshot_id}
	RouteDeleteSnapshot Route = "DeleteSnapshot" // DELETE /instance/v1/zones/{zone}/snapshots/{snapshot_id}

	RouteListBlockSnapshots  Route = "ListBlockSnapshots"  // GET    /block/v1alpha1/zones/{zone}/snapshots
	RouteGetBlockSnapshot    Route = "GetBlockSnapshot"    // GET    /block/v1alpha1/zones/{zone}/snapshots/{snapshot_id}
	RouteDeleteBlockSnapshot Route = "DeleteBlockSnapshot" // DELETE /block/v1alpha1/zones/{zone}/snapshots/{snapshot_id}
)

// maxBodyBytes bounds request bodies; an image body is a few hundred bytes.
const maxBodyBytes = 1 << 20

// handler answers a request that passed the common checks. It writes the
// success answer itself, or returns the error to write.
type handler func(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, body []byte) *scaleway.Error

type routeSpec struct {
	route   Route
	method  string
	path    string // a ServeMux path; wildcards named as in the API's path templates
	writes  bool   // refused to read-only tokens
	handler handler
}

func (f *Fake) routeTable() []routeSpec {
	const images, image = "/instance/v1/zones/{zone}/images", "/instance/v1/zones/{zone}/images/{image_id}"
	const snapshots, blockSnapshots = "/instance/v1/zones/{zone}/snapshots", "/block/v1alpha1/zones/{zone}/snapshots"
	return []routeSpec{
		{RouteListImages, http.MethodGet, images, false, f.listImages},
		{RouteCreateImage, http.MethodPost, images, true, f.createImage},
		{RouteSetImage, http.MethodPut, "/instance/v1/zones/{zone}/images/{id}", true, f.setImage},
		{RouteGetImage, http.MethodGet, image, false, f.getImage},
		{RouteUpdateImage, http.MethodPatch, image, true, f.updateImage},
		{RouteDeleteImage, http.MethodDelete, image, true, f.deleteImage},
		{RouteListSnapshots, http.MethodGet, snapshots, false, f.listSnapshots},
		{RouteGetSnapshot, http.MethodGet, snapshots + "/{snapshot_id}", false, f.getSnapshot},
		{RouteDeleteSnapshot, http.MethodDelete, snapshots + "/{snapshot_id}", true, deleteSnapshotWith(f.store.deleteSnapshot)},
		{RouteListBlockSnapshots, http.MethodGet, blockSnapshots, false, f.listBlockSnapshots},
		{RouteGetBlockSnapshot, http.MethodGet, blockSnapshots + "/{snapshot_id}", false, f.getBlockSnapshot},
		{RouteDeleteBlockSnapshot, http.MethodDelete, blockSnapshots + "/{snapshot_id}", true, deleteSnapshotWith(f.store.deleteBlockSnapshot)},
	}
}

// wildcard matches a ServeMux wildcard, to group paths that differ only by
// wildcard names (PUT's {id} and the others' {image_id}).
var wildcard = regexp.MustCompile(`\{[a-z_]+\}`)

// newMux registers every route, then, for each path, a method-less pattern
// that answers 405 (less specific than the method patterns, so it only gets
// the other methods), and "/" for unknown paths: every answer is JSON.
func (f *Fake) newMux() *http.ServeMux {
	mux := http.NewServeMux()
	var paths []string
	allowed := map[string][]string{}
	for _, spec := range f.routeTable() {
		mux.Handle(spec.method+" "+spec.path, f.serveRoute(spec))
		shape := wildcard.ReplaceAllString(spec.path, "{}")
		if _, seen := allowed[shape]; !seen {
			paths = append(paths, spec.path)
		}
		allowed[shape] = append(allowed[shape], spec.method)
	}
	for _, path := range paths {
		mux.Handle(path, f.serveMethodNotAllowed(allowed[wildcard.ReplaceAllString(path, "{}")]))
	}
	mux.Handle("/", f.serveUnknownPath())
	return mux
}

// serveRoute runs the checks every API route shares, in the order a real
// gateway would: scripted and random faults, authentication, the zone,
// write permission; then the route's own handler.
func (f *Fake) serveRoute(spec routeSpec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := f.receive(w, r, spec.route)
		if !ok {
			return
		}
		if fault, ok := f.faults.next(spec.route); ok && fault.serve(w, r) {
			return
		}
		if f.faults.fail() {
			writeError(w, serverError(http.StatusServiceUnavailable))
			return
		}
		if err := f.authorize(r, spec.writes); err != nil {
			writeError(w, err)
			return
		}
		zone, err := parseZone(r.PathValue("zone"))
		if err != nil {
			writeError(w, err)
			return
		}
		if err := spec.handler(w, r, zone, body); err != nil {
			writeError(w, err)
		}
	})
}

func (f *Fake) serveMethodNotAllowed(methods []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := f.receive(w, r, ""); ok {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeError(w, &scaleway.Error{StatusCode: http.StatusMethodNotAllowed, Type: "method_not_allowed", Message: "method " + r.Method + " is not allowed on this resource"})
		}
	})
}

func (f *Fake) serveUnknownPath() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := f.receive(w, r, ""); ok {
			writeError(w, &scaleway.Error{StatusCode: http.StatusNotFound, Type: scaleway.TypeNotFound, Message: "no route for " + r.Method + " " + r.URL.Path})
		}
	})
}

// receive does what every request gets: read and log it, set the headers
// of every answer, wait the configured latency. It reports false when the
// body could not be read, after answering 400.
func (f *Fake) receive(w http.ResponseWriter, r *http.Request, route Route) ([]byte, bool) {
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	f.requests.record(LoggedRequest{
		Route: route, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body,
	})
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Request-Id", newID())
	wait(r, f.opts.Latency)
	if readErr != nil {
		writeError(w, invalidArguments(badArgument("body", "constraint", "the body is larger than 1 MiB or could not be read")))
		return nil, false
	}
	return body, true
}

// authorize checks the secret key: any UUID unless AcceptedTokens restricts
// them; read-only tokens may not write.
func (f *Fake) authorize(r *http.Request, writes bool) *scaleway.Error {
	token := r.Header.Get("X-Auth-Token")
	if !scaleway.IsUUID(token) {
		return deniedAuthentication("invalid_argument")
	}
	readOnly := slices.Contains(f.opts.ReadOnlyTokens, token)
	if len(f.opts.AcceptedTokens) > 0 && !readOnly && !slices.Contains(f.opts.AcceptedTokens, token) {
		return deniedAuthentication("not_found")
	}
	if readOnly && writes {
		return permissionsDenied(resourceImage, "write")
	}
	return nil
}

// parseZone checks the zone of the path. What the real API answers for an
// unknown zone is not recorded anywhere; the fake chooses a 400
// invalid_arguments on "zone" with reason "constraint", since the value is
// well-formed but outside the allowed set.
//
// It does not call the client's ParseZone: the fake stands for the API,
// and the client's checks are counted by a test that must not see the
// fake's.
func parseZone(raw string) (scaleway.Zone, *scaleway.Error) {
	zone := scaleway.Zone(raw)
	if !slices.Contains(scaleway.Zones, zone) {
		return "", invalidArguments(badArgument("zone", "constraint", "must be one of "+strings.Join(scaleway.ZoneNames(), ", ")))
	}
	return zone, nil
}
