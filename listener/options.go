// Package listener serves an http.Handler safely: loopback by default, a
// bearer token beyond it, DNS-rebinding and cross-origin defences, CORS
// answers for the origins it allows, a body size limit, timeouts and
// graceful shutdown. The MCP streamable HTTP transport and the REST
// adapter share it, so both get the same rules. It knows nothing of what
// it serves: its refusals are plain JSON unless the caller writes them.
package listener

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/rs/zerolog"
)

// Defaults applied to the zero fields of Options.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultShutdownTimeout   = 10 * time.Second
)

// MinTokenLength is the shortest bearer token accepted: a token guards a
// listener reachable from the network, where a short one can be guessed.
const MinTokenLength = 16

// Options configures Wrap and Serve.
type Options struct {
	// Addr is host:port. A host other than a loopback address or
	// "localhost" (including an empty host, 0.0.0.0 and ::) listens beyond
	// loopback, which requires Token.
	Addr string
	// Token, when set, must be sent as "Authorization: Bearer <token>" on
	// every request except GET /healthz.
	Token string
	// TrustedOrigins are browser origins ("http://localhost:6274") allowed
	// besides the listener's own, for tools such as the MCP Inspector. Both
	// get CORS answers naming them; every other origin gets 403.
	TrustedOrigins []string
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Refuse writes the answer to a request the listener stops: status is
	// 401 (no or wrong token; WWW-Authenticate is already set), 403 (a
	// refused Host or Origin) or 413 (a declared body over MaxBodyBytes),
	// and message says why. nil answers plain JSON,
	// {"error": message, "status": status}; an adapter that speaks an
	// API's error format gives its own, so refusals read like its errors.
	Refuse func(w http.ResponseWriter, status int, message string)

	// Timeouts of the http.Server; 0 means the matching default. A zero
	// WriteTimeout means none: MCP event streams and waits on image
	// creation legitimately last minutes. Set one for plain REST.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// ShutdownTimeout is how long requests in flight may finish once the
	// context is cancelled (after DrainDelay); 0 means
	// DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// DrainDelay is how long the listener goes on serving once the
	// context is cancelled, before it stops taking connections: GET
	// /healthz answers 503 and every answer closes its connection, so that
	// a load balancer or a Kubernetes Service stops sending requests
	// before none can land. Without it, a request that reaches the
	// listener as it closes is dropped unanswered, and the proxy cannot
	// tell whether a write ran. 0 stops at once (a process on a desk).
	DrainDelay time.Duration

	// Logger gets the listening address, refusals and shutdown; the zero
	// Logger is silent. Tokens are never logged.
	Logger zerolog.Logger
	// OnListen, when set, is called with the bound address once listening
	// (useful with port 0).
	OnListen func(addr net.Addr)
}

func (o Options) withDefaults() Options {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Refuse == nil {
		o.Refuse = writePlainRefusal
	}
	return o
}

// ErrTokenRequired is returned for an address beyond loopback without a
// token: anyone on the network could otherwise use the server's Scaleway
// credentials.
var ErrTokenRequired = errors.New("set a bearer token to listen beyond loopback")

// isLoopback reports whether addr's host binds to loopback only. Host names
// other than "localhost" count as beyond loopback: what they resolve to is
// not ours to trust.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("parsing listen address %q: %w", addr, err)
	}
	return isLoopbackHost(host), nil
}

// isLoopbackHost reports whether host (a name or an address, possibly in
// brackets) is loopback.
func isLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// check validates the options and reports whether the listener is loopback.
func (o Options) check() (loopback bool, err error) {
	loopback, err = isLoopback(o.Addr)
	if err != nil {
		return false, err
	}
	if o.Token != "" {
		if err := checkToken(o.Token); err != nil {
			return false, err
		}
	} else if !loopback {
		return false, fmt.Errorf("listening on %s: %w", o.Addr, ErrTokenRequired)
	}
	return loopback, nil
}

func checkToken(token string) error {
	if len(token) < MinTokenLength {
		return fmt.Errorf("the bearer token is %d characters long; use at least %d (for example: openssl rand -hex 32)", len(token), MinTokenLength)
	}
	for _, r := range token {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ' {
			return errors.New("the bearer token must be printable ASCII without spaces")
		}
	}
	return nil
}
