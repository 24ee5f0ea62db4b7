package scalewaytest

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
)

// newID returns a random version-4 UUID, for created images and request ids.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	return formatUUID(b, 4)
}

// derivedID returns a UUID computed from parts, so that a seeded resource
// has the same id on every run and in every process. It is marked version 8
// (custom), which is what it is.
func derivedID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return formatUUID([16]byte(sum[:16]), 8)
}

// formatUUID writes b in the 8-4-4-4-12 form with the given version and the
// RFC 9562 variant.
func formatUUID(b [16]byte, version byte) string {
	b[6] = b[6]&0x0f | version<<4
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
