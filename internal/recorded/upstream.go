package recorded

import (
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Upstream is an API that answers only with recorded rows: a request gets
// the answer of the row with its method and path (the query is not
// matched), as recorded: status, kept headers and body. When several rows
// share a method and path they answer in turn, the last one for every
// request after it, so that a test can play a short sequence (the image
// before a PUT, then after it). A request no row answers gets the API's
// own 404 for that kind of path, as recorded. Every request is kept, body
// included, for the test to check what reached "Scaleway".
type Upstream struct {
	mu       sync.Mutex
	answers  map[string][]Row // by method and path
	requests []Request
}

// Request is a request the upstream received.
type Request struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// NewUpstream serves rows.
func NewUpstream(rows ...Row) *Upstream {
	u := &Upstream{answers: map[string][]Row{}}
	for _, row := range rows {
		key := row.Method + " " + row.Path
		u.answers[key] = append(u.answers[key], row)
	}
	return u
}

// ServeHTTP answers one request with the next recorded row for it.
func (u *Upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.requests = append(u.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	key := r.Method + " " + r.URL.Path
	queue := u.answers[key]
	row, ok := Row{}, len(queue) > 0
	if ok {
		row = queue[0]
		if len(queue) > 1 {
			u.answers[key] = queue[1:]
		}
	}
	u.mu.Unlock()
	if !ok {
		row = notFound(r.URL.Path)
	}
	for name, values := range row.Header {
		w.Header()[name] = values
	}
	if row.ResponseBody != nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(row.ResponseBody)))
	}
	w.WriteHeader(row.Status)
	_, _ = w.Write(row.ResponseBody)
}

// Requests returns what the upstream received, oldest first.
func (u *Upstream) Requests() []Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]Request(nil), u.requests...)
}

// notFound is the API's 404 for a path no row answers, in the recorded
// shapes: the Instance API's names its resource, the Block API's is
// "snapshot" with its keys in another order.
func notFound(path string) Row {
	row := Row{Path: path, Status: http.StatusNotFound, Header: http.Header{"Content-Type": {"application/json"}}}
	id := row.ID()
	switch row.Kind() {
	case Image:
		row.ResponseBody = []byte(`{"type":"not_found","message":"resource is not found","resource":"instance_image","resource_id":"` + id + `"}`)
	case Snapshot:
		row.ResponseBody = []byte(`{"type":"not_found","message":"resource is not found","resource":"instance_snapshot","resource_id":"` + id + `"}`)
	case BlockSnapshot:
		row.ResponseBody = []byte(`{"message":"resource is not found","resource":"snapshot","resource_id":"` + id + `","type":"not_found"}`)
	default:
		row.ResponseBody = []byte(`{"type":"not_found","message":"no recorded answer for ` + path + `"}`)
	}
	return row
}
