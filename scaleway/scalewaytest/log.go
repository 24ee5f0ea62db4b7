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

// defaultRequestLogSize bounds the entries kept, so that a long-running
// fake does not grow without end; counts stay exact.
const defaultRequestLogSize = 10_000

type requestLog struct {
	mu       sync.Mutex
	capacity int
	entries  []LoggedRequest
	counts   map[Route]int
}

func newRequestLog(capacity int) *requestLog {
	if capacity <= 0 {
		capacity = defaultRequestLogSize
	}
	return &requestLog{capacity: capacity, counts: map[Route]int{}}
}

func (l *requestLog) record(entry LoggedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, entry)
	if len(l.entries) >= 2*l.capacity {
		// Trim to the newest entries into a fresh slice, so the dropped ones
		// are freed; doing it at twice the capacity keeps appends O(1).
		l.entries = append([]LoggedRequest(nil), l.entries[len(l.entries)-l.capacity:]...)
	}
	l.counts[entry.Route]++
}

// Requests returns copies of the requests received since the last
// ResetRequests (the most recent Options.RequestLogSize), oldest first.
func (f *Fake) Requests() []LoggedRequest {
	f.requests.mu.Lock()
	defer f.requests.mu.Unlock()
	entries := f.requests.entries
	if len(entries) > f.requests.capacity {
		entries = entries[len(entries)-f.requests.capacity:]
	}
	out := make([]LoggedRequest, len(entries))
	for i, entry := range entries {
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
