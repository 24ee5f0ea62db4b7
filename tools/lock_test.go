package tools

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

const (
	lockedImage = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	otherImage  = "7a4c0d7f-0b2a-4a7f-9e8b-2b3c4d5e6f70"
)

// TestImageLocks: one image is changed by one call at a time (its id in
// any case), other images and zones are not held back, a wait ends with
// its context, and no entry outlives its last user.
func TestImageLocks(t *testing.T) {
	t.Parallel()
	var locks imageLocks
	unlock, err := locks.lock(t.Context(), "fr-par-1", lockedImage)
	if err != nil {
		t.Fatal(err)
	}

	// Other images, and the same id in another zone, are free.
	for _, other := range []struct{ zone, id string }{{"fr-par-1", otherImage}, {"nl-ams-1", lockedImage}} {
		free, err := locks.lock(t.Context(), scaleway.Zone(other.zone), other.id)
		if err != nil {
			t.Fatalf("%s %s: %v", other.zone, other.id, err)
		}
		free()
	}

	// A wait on the held image ends with its context, in any case of id.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := locks.lock(ctx, "fr-par-1", "6F3B9C6E-9A1F-4F6E-8D7A-1A2B3C4D5E6F"); !errors.Is(err, context.Canceled) {
		t.Fatalf("lock of a held image with a cancelled context: err = %v, want context.Canceled", err)
	}

	// A waiter gets the image once it is released, not before.
	acquired := make(chan func())
	go func() {
		next, err := locks.lock(t.Context(), "fr-par-1", lockedImage)
		if err != nil {
			t.Error(err)
		}
		acquired <- next
	}()
	for locks.users("fr-par-1", lockedImage) < 2 {
		runtime.Gosched() // until the waiter waits
	}
	select {
	case <-acquired:
		t.Fatal("a second call got the image while it was held")
	default:
	}
	unlock()
	(<-acquired)()

	if n := locks.size(); n != 0 {
		t.Errorf("%d entries left after every call ended; want 0", n)
	}
}

func (l *imageLocks) users(zone, id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if entry := l.entries[imageKey{zone: scaleway.Zone(zone), id: id}]; entry != nil {
		return entry.users
	}
	return 0
}

func (l *imageLocks) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}
