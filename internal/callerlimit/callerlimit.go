// Package callerlimit bounds the calls each caller has in flight at once,
// so that one caller cannot take the whole process's budget of requests
// to Scaleway (--max-upstream) and leave the others waiting. Over its
// bound a call is refused at once, with an error that says to retry: it
// does not queue, since a queued call would hold its client's connection
// and still take its turn from the others.
//
// A caller is known by a secret it sends (over HTTP, the Scaleway key in
// X-Auth-Token): the secret is hashed at once, and neither kept nor
// logged.
package callerlimit

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
)

// Caller identifies a caller: the SHA-256 of its secret. Callers that
// send no secret of their own all have the Caller of "", and so share one
// bound.
type Caller [sha256.Size]byte

// CallerOf is the Caller of the one that sends secret.
func CallerOf(secret string) Caller { return sha256.Sum256([]byte(secret)) }

type callerKey struct{}

// WithCaller is ctx carrying the caller of the call made with it.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom is the caller that ctx carries (WithCaller), if any.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// Limiter bounds each caller's calls in flight. It is safe for concurrent
// use; a nil *Limiter bounds nothing.
type Limiter struct {
	limit    int
	onRefuse func()

	mu       sync.Mutex
	inFlight map[Caller]int // callers with calls in flight only
}

// New returns a Limiter of limit calls in flight per caller (at least 1).
// onRefuse, when not nil, is called on every refusal (for metrics).
func New(limit int, onRefuse func()) *Limiter {
	return &Limiter{limit: max(1, limit), onRefuse: onRefuse, inFlight: map[Caller]int{}}
}

// Acquire takes one of c's slots, or refuses with a *BusyError when c
// already has the limit in flight. Call release, once, when the call ends.
func (l *Limiter) Acquire(c Caller) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	l.mu.Lock()
	n := l.inFlight[c]
	if n >= l.limit {
		l.mu.Unlock()
		if l.onRefuse != nil {
			l.onRefuse()
		}
		return nil, &BusyError{InFlight: n, Limit: l.limit}
	}
	l.inFlight[c] = n + 1
	l.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { l.release(c) }) }, nil
}

// release gives back one of c's slots; a caller with none left is
// forgotten, so that the map holds only callers with calls in flight.
func (l *Limiter) release(c Caller) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inFlight[c] <= 1 {
		delete(l.inFlight, c)
		return
	}
	l.inFlight[c]--
}

// BusyError is a call refused because its caller already had Limit calls
// in flight. It is worth retrying once one of them has finished.
type BusyError struct {
	InFlight, Limit int
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("too many calls at once from this caller (its Scaleway key, or the server's for callers that send none): %d in flight, and the limit is %d per caller; nothing was done: retry when one of them has finished", e.InFlight, e.Limit)
}
