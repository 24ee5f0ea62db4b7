package scaleway

import (
	"maps"
	"sync"
)

// CountChecks makes every check of the package count, by name ("zone
// fr-par-1", "uuid image_id", "CreateImageRequest"...), until the
// returned stop is called; take returns the counts since the last take.
// The counter is the process's: a test that uses it must not run in
// parallel with others that make checks.
func CountChecks() (take func() map[string]int, stop func()) {
	var mu sync.Mutex
	counts := map[string]int{}
	count := func(check string) {
		mu.Lock()
		defer mu.Unlock()
		counts[check]++
	}
	checkRan.Store(&count)
	take = func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		taken := maps.Clone(counts)
		clear(counts)
		return taken
	}
	return take, func() { checkRan.Store(nil) }
}
