package scalewaytest

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Fault is one scripted misbehaviour of a route (see Fake.Script). Build it
// with ErrorAnswer, ServerError, TooManyRequests, MalformedJSON,
// TruncatedBody, DroppedConnection or Delay.
type Fault struct {
	kind  faultKind
	err   scaleway.Error // faultError: status and body
	delay time.Duration  // faultDelay
}

type faultKind int

const (
	faultError faultKind = iota
	faultMalformedJSON
	faultTruncatedBody
	faultDroppedConnection
	faultDelay
)

// ErrorAnswer answers with status and body, a Scaleway error such as
// {Type: scaleway.TypeTransientState, ...}.
func ErrorAnswer(status int, body scaleway.Error) Fault {
	body.StatusCode = status
	return Fault{kind: faultError, err: body}
}

// ServerError answers with a 5xx status and a Scaleway-style body.
func ServerError(status int) Fault {
	return Fault{kind: faultError, err: *serverError(status)}
}

// TooManyRequests answers 429 with Retry-After in whole seconds (rounded
// up) and a too_many_requests body.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{kind: faultError, err: scaleway.Error{
		StatusCode: http.StatusTooManyRequests, Type: scaleway.TypeTooManyRequests,
		Message: "too many requests", HelpMessage: "slow down and retry later", RetryAfter: retryAfter,
	}}
}

// MalformedJSON answers 200 with a body that is not valid JSON.
func MalformedJSON() Fault { return Fault{kind: faultMalformedJSON} }

// TruncatedBody answers 200 with a Content-Length larger than the body it
// writes, then closes the connection: the client reads an unexpected EOF.
func TruncatedBody() Fault { return Fault{kind: faultTruncatedBody} }

// DroppedConnection closes the connection without answering.
func DroppedConnection() Fault { return Fault{kind: faultDroppedConnection} }

// Delay holds the answer back for d (or until the client gives up), then
// answers normally.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d} }

// malformedBody starts like an image answer and stops mid-string.
const malformedBody = `{"image":{"id":"`

// Script queues faults for route: the next requests to that route get them,
// one each, in order; then the route behaves normally again. Scripted
// faults come before authentication, as a misbehaving gateway would.
func (f *Fake) Script(route Route, faults ...Fault) {
	f.faults.mu.Lock()
	defer f.faults.mu.Unlock()
	f.faults.scripts[route] = append(f.faults.scripts[route], faults...)
}

// faults holds the scripted faults and the random failures.
type faults struct {
	mu          sync.Mutex
	scripts     map[Route][]Fault
	failureRate float64
	random      *rand.Rand
}

func newFaults(failureRate float64, seed uint64) *faults {
	return &faults{scripts: map[Route][]Fault{}, failureRate: failureRate, random: rand.New(rand.NewPCG(seed, seed))}
}

// next pops the next scripted fault of route.
func (fs *faults) next(route Route) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	queue := fs.scripts[route]
	if len(queue) == 0 {
		return Fault{}, false
	}
	fs.scripts[route] = queue[1:]
	return queue[0], true
}

// fail draws whether this request gets a random 503.
func (fs *faults) fail() bool {
	if fs.failureRate <= 0 {
		return false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.random.Float64() < fs.failureRate
}

// serve plays fault and reports whether the request has been dealt with; a
// Delay that ran its course leaves the answer to the normal handler.
func (fault Fault) serve(w http.ResponseWriter, r *http.Request) bool {
	switch fault.kind {
	case faultDelay:
		wait(r, fault.delay)
		return false
	case faultMalformedJSON:
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(malformedBody))
	case faultTruncatedBody:
		w.Header().Set("Content-Length", strconv.Itoa(4*len(malformedBody)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(malformedBody))
		_ = http.NewResponseController(w).Flush()
		// Aborting closes the connection short of the promised length,
		// and the server logs nothing for this sentinel.
		panic(http.ErrAbortHandler)
	case faultDroppedConnection:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil { // HTTP/2 cannot hijack: resetting the stream is the same to the client
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
	default:
		writeError(w, &fault.err)
	}
	return true
}

// wait holds the answer back for d. When the request's context ends first
// (the client gave up, or ListenAndServe is shutting down) it aborts the
// handler, which closes the connection: no half answer is ever sent.
func wait(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done():
		panic(http.ErrAbortHandler)
	}
}
