package scalewaytest

import (
	"net/http"
	"slices"
	"sync"
)

// LoggedRequest is a request as the fake received it, before any check, so
// that tests can assert that invalid input never reached the API.
type LoggedRequest struct {
	Route    Route // "" for a path or method the API does not serve
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// requestLogCapacity bounds the entries kept, so that a long-running
// sandbox does not grow without end; counts stay exact.
const requestLogCapacity = 10_000

type requestLog struct {
	mu      sync.Mutex
	entries []LoggedRequest
	counts  map[Route]int
}

func newRequestLog() *requestLog {
	return &requestLog{counts: map[Route]int{}}
}

func (l *requestLog) record(entry LoggedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry)
	if len(l.entries) > requestLogCapacity {
		l.entries = l.entries[len(l.entries)-requestLogCapacity:]
	}
	l.counts[entry.Route]++
}

// Requests returns copies of the requests received since the last
// ResetRequests (the most recent 10,000), oldest first.
func (f *Fake) Requests() []LoggedRequest {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	out := make([]LoggedRequest, len(f.requests.entries))
	for i, entry := range f.requests.entries {
		entry.Header = entry.Header.Clone()
		entry.Body = slices.Clone(entry.Body)
		out[i] = entry
	}
	return out
}

// RequestCount returns how many requests route received since the last
// ResetRequests; route "" counts unknown paths and methods.
func (f *Fake) RequestCount(route Route) int {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	return f.requests.counts[route]
}

// ResetRequests forgets the requests received so far.
func (f *Fake) ResetRequests() {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	f.requests.entries = nil
	f.requests.counts = map[Route]int{}
}
