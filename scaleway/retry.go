package scaleway

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"time"
)

// RetryPolicy says which failed attempts are tried again and how long to
// wait first. Waits grow exponentially from MinWait to MaxWait with full
// jitter; a Retry-After header replaces the computed wait. A Retry-After
// longer than MaxRetryAfter is not retried at all: the call fails at once
// with the *Error, whose RetryAfter (and message) say how long Scaleway
// asked to wait, rather than spending the cap on each retry for a failure
// that is certain. No wait ever runs past the call's context deadline.
type RetryPolicy struct {
	MaxRetries    int           // retries after the first attempt; 0 disables retries
	MinWait       time.Duration // base of the exponential back-off
	MaxWait       time.Duration // cap of the exponential back-off
	MaxRetryAfter time.Duration // longest server-requested Retry-After still waited for
}

// DefaultRetryPolicy retries up to 3 times, waiting about 0.25 s, 0.5 s and
// 1 s: enough to ride out a gateway blip without making an assistant wait
// for long.
var DefaultRetryPolicy = RetryPolicy{
	MaxRetries:    3,
	MinWait:       250 * time.Millisecond,
	MaxWait:       5 * time.Second,
	MaxRetryAfter: 30 * time.Second,
}

// NoRetries makes every call a single attempt.
var NoRetries = RetryPolicy{}

// retryableStatus lists the answers that mean "try again later": rate
// limiting and gateway or availability failures. 500 and 501 are not in it:
// they are more likely a bug than a blip.
var retryableStatus = map[int]bool{
	http.StatusTooManyRequests:    true,
	http.StatusBadGateway:         true,
	http.StatusServiceUnavailable: true,
	http.StatusGatewayTimeout:     true,
}

// next says whether attempt (1-based) of method, which failed with err,
// should be retried, and after how long.
func (p RetryPolicy) next(method string, attempt int, err error) (time.Duration, bool) {
	if attempt > p.MaxRetries {
		return 0, false
	}
	var retryAfter time.Duration
	var apiErr *Error
	var transportErr *TransportError
	switch {
	case errors.As(err, &apiErr):
		if !retryableStatus[apiErr.StatusCode] {
			return 0, false
		}
		// A POST that got an answer reached the server: trying again could
		// create a second image.
		if method == http.MethodPost || apiErr.RetryAfter > p.MaxRetryAfter {
			return 0, false
		}
		retryAfter = apiErr.RetryAfter
	case errors.As(err, &transportErr):
		if isTLSFailure(transportErr.Err) || (method == http.MethodPost && transportErr.Sent) {
			return 0, false
		}
	default:
		return 0, false
	}
	if retryAfter > 0 {
		return retryAfter, true
	}
	return p.backoff(attempt), true
}

// backoff is "full jitter": a random wait in [0, min(MaxWait, MinWait*2^(attempt-1))].
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.MinWait << (attempt - 1)
	if ceiling > p.MaxWait || ceiling <= 0 {
		ceiling = p.MaxWait
	}
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// TransportError is a call that got no complete answer: the connection was
// refused or dropped, the body was cut short, or the attempt timed out.
type TransportError struct {
	Method string
	Path   string
	Err    error
	// Sent is false only when the request certainly never left (the
	// connection could not be opened); a POST is retried only then.
	Sent bool
}

func (e *TransportError) Error() string {
	switch {
	case errors.Is(e.Err, context.DeadlineExceeded):
		return fmt.Sprintf("Scaleway did not answer %s %s in time: the API or the network is slow, try again shortly", e.Method, e.Path)
	case errors.Is(e.Err, context.Canceled):
		return fmt.Sprintf("%s %s was cancelled", e.Method, e.Path)
	case isTLSFailure(e.Err):
		return fmt.Sprintf("could not set up a connection to the API for %s %s (%v): the API URL's scheme (https or http) does not match the server, or the server's certificate is not trusted; check SCW_API_URL (or --api-url), which is %s for Scaleway", e.Method, e.Path, e.Err, DefaultAPIURL)
	case !e.Sent:
		return fmt.Sprintf("could not connect to the Scaleway API for %s %s: %v; check SCW_API_URL and the network", e.Method, e.Path, e.Err)
	}
	return fmt.Sprintf("the connection to the Scaleway API failed during %s %s: %v; try again shortly", e.Method, e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// errHTTPToHTTPS stands for a TLS server's plain-text refusal of a plain
// HTTP request (see refusesPlainHTTP).
var errHTTPToHTTPS = errors.New("the server speaks HTTPS, but the API URL says http")

// plainHTTPRefusals are what TLS servers write, with a 400, to a client
// that spoke plain HTTP to them: Go's net/http, then nginx.
var plainHTTPRefusals = [][]byte{
	[]byte("Client sent an HTTP request to an HTTPS server"),
	[]byte("The plain HTTP request was sent to HTTPS port"),
}

// refusesPlainHTTP reports whether a non-JSON 400 is a TLS server refusing
// plain HTTP: the answer of an http:// API URL that should be https://.
func refusesPlainHTTP(resp *http.Response, body []byte) bool {
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusBadRequest || mediaType == "application/json" {
		return false
	}
	for _, refusal := range plainHTTPRefusals {
		if bytes.Contains(body, refusal) {
			return true
		}
	}
	return false
}

// isTLSFailure reports whether err is a TLS handshake that cannot succeed
// however often it is tried: a server that does not speak TLS behind an
// https:// URL (net/http reports ErrSchemeMismatch when it speaks HTTP, a
// RecordHeaderError otherwise), a TLS server behind an http:// URL, or a
// certificate that does not verify.
func isTLSFailure(err error) bool {
	var recordErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	return errors.Is(err, http.ErrSchemeMismatch) || errors.Is(err, errHTTPToHTTPS) ||
		errors.As(err, &recordErr) || errors.As(err, &certErr)
}

// isDialError reports whether err happened while opening the connection,
// before any byte of the request was written.
func isDialError(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
