package scaleway

import (
	"maps"
	"net/http"
	"sync"
	"time"
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

// What the tests of unexported parts (decoding, redaction, retry waits,
// budgets) reach from package scaleway_test.

// The bounds of what the client passes on from an answer.
const (
	MaxUpstreamText = maxUpstreamText
	MaxErrorEntries = maxErrorEntries
)

// StripUnsafe is stripUnsafe.
var StripUnsafe = stripUnsafe

// ParseRetryAfter is parseRetryAfter.
var ParseRetryAfter = parseRetryAfter

// DecodeError decodes an error answer as the client does, cleaning it of
// secrets.
func DecodeError(resp *http.Response, body []byte, secrets ...string) *Error {
	return decodeError(resp, body, newRedactor(secrets...))
}

// Redactor is the client's redactor of the given secrets.
type Redactor struct{ r redactor }

// NewRedactor is newRedactor.
func NewRedactor(secrets ...string) Redactor { return Redactor{newRedactor(secrets...)} }

// Text is redactor.text.
func (r Redactor) Text(s string, limit int) string { return r.r.text(s, limit) }

// RequestID is redactor.requestID.
func (r Redactor) RequestID(h http.Header) string { return r.r.requestID(h) }

// Next is RetryPolicy.next.
func (p RetryPolicy) Next(method string, attempt int, err error) (time.Duration, bool) {
	return p.next(method, attempt, err)
}

// BodyBytes is the size of the answer's body, for the list byte budget.
func (r *Response) BodyBytes() int { return r.bodyBytes }

// Budgets are the client's list workers, max pages and max list bytes.
func (c *Client) Budgets() [3]int { return [3]int{c.listWorkers, c.maxPages, c.maxListBytes} }
