package callerlimit

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// callers is how many callers have calls in flight.
func (l *Limiter) callers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.inFlight)
}

// TestLimitPerCaller: a caller gets limit slots and is refused the next,
// with an error that says how many it has and to retry; another caller is
// not held up by it; a slot given back can be taken again, and a caller
// with none left is forgotten.
func TestLimitPerCaller(t *testing.T) {
	t.Parallel()
	var refusals atomic.Int32
	l := New(2, func() { refusals.Add(1) })
	alice, bob := CallerOf("alice-key"), CallerOf("bob-key")
	first, err := l.Acquire(alice)
	if err != nil {
		t.Fatal(err)
	}
	second, err := l.Acquire(alice)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Acquire(alice)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.InFlight != 2 || busy.Limit != 2 {
		t.Fatalf("third call: %v, want a BusyError of 2 in flight, limit 2", err)
	}
	for _, want := range []string{"2 in flight", "limit is 2", "retry when one of them has finished"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "alice-key") {
		t.Errorf("the refusal shows the key: %q", err)
	}
	releaseBob, err := l.Acquire(bob)
	if err != nil {
		t.Fatalf("another caller was refused: %v", err)
	}
	first()
	first() // a second release gives nothing back twice
	third, err := l.Acquire(alice)
	if err != nil {
		t.Fatalf("a slot given back was not taken again: %v", err)
	}
	if _, err := l.Acquire(alice); err == nil {
		t.Error("a double release made room for a third call")
	}
	for _, release := range []func(){second, third, releaseBob} {
		release()
	}
	if n := l.callers(); n != 0 {
		t.Errorf("%d callers remembered with no call in flight", n)
	}
	if n := refusals.Load(); n != 2 {
		t.Errorf("%d refusals counted, want 2", n)
	}
}

// TestNoLimiter: a nil Limiter bounds nothing.
func TestNoLimiter(t *testing.T) {
	t.Parallel()
	var l *Limiter
	for range 100 {
		if _, err := l.Acquire(CallerOf("")); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCallerInContext: a context carries its caller; callers without a
// secret share one.
func TestCallerInContext(t *testing.T) {
	t.Parallel()
	if _, ok := CallerFrom(t.Context()); ok {
		t.Error("a bare context has a caller")
	}
	c, ok := CallerFrom(WithCaller(t.Context(), CallerOf("k")))
	if !ok || c != CallerOf("k") || c == CallerOf("") {
		t.Errorf("caller %x, %v", c, ok)
	}
}

// TestConcurrentCallers: under contention, no caller ever has more than
// the limit in flight, and every slot is given back.
func TestConcurrentCallers(t *testing.T) {
	t.Parallel()
	const limit = 3
	l := New(limit, nil)
	var wg sync.WaitGroup
	var inFlight [4]atomic.Int32
	var over atomic.Bool
	for i := range 64 {
		wg.Go(func() {
			who := i % len(inFlight)
			release, err := l.Acquire(CallerOf(string(rune('a' + who))))
			if err != nil {
				return
			}
			if inFlight[who].Add(1) > limit {
				over.Store(true)
			}
			inFlight[who].Add(-1)
			release()
		})
	}
	wg.Wait()
	if over.Load() {
		t.Error("a caller had more than the limit in flight")
	}
	if n := l.callers(); n != 0 {
		t.Errorf("%d callers left with calls in flight", n)
	}
}
