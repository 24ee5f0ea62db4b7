//go:build !race

package main

// raceEnabled is true when the tests run under the race detector, which
// makes every call about five times slower.
const raceEnabled = false
