package listener

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
)

// requireLoopbackHost answers 403 when the Host header names anything but
// loopback. A page on evil.example whose name was re-pointed at 127.0.0.1
// (DNS rebinding) reaches a loopback listener with Host: evil.example, and
// this is where it stops.
func requireLoopbackHost(refuse refuser, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isLoopbackHost(hostOnly(r.Host)) {
			refuse.answer(w, r, http.StatusForbidden, "host is not loopback",
				fmt.Sprintf("host %q is not allowed: this server only answers to localhost, 127.0.0.1 or [::1]", r.Host))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostOnly drops the port of a Host header, if any.
func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return hostport
}

// originGuard holds the cross-origin rules: net/http's CSRF protection for
// unsafe methods (it also reads Sec-Fetch-Site), and, for every method, a
// refusal of any Origin that is neither this server's nor trusted, because
// MCP's streamable HTTP transport opens its event stream with a GET, which
// CrossOriginProtection lets through.
type originGuard struct {
	csrf    *http.CrossOriginProtection
	trusted []string
}

func newOriginGuard(trusted []string) (*originGuard, error) {
	csrf := http.NewCrossOriginProtection()
	for _, origin := range trusted {
		if err := csrf.AddTrustedOrigin(origin); err != nil {
			return nil, fmt.Errorf("trusting origin %q: %w", origin, err)
		}
	}
	return &originGuard{csrf: csrf, trusted: trusted}, nil
}

// wrap refuses what check refuses, and answers an allowed origin with
// CORS headers (a preflight entirely, before the token), so that a browser
// client at a trusted origin can read the answers it is allowed to get.
func (g *originGuard) wrap(refuse refuser, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Whether an answer carries CORS headers depends on Origin, so a
		// cache must not reuse it for another origin.
		w.Header().Add("Vary", "Origin")
		if err := g.check(r); err != nil {
			refuse.answer(w, r, http.StatusForbidden, err.Error(), "cross-origin request refused: "+err.Error())
			return
		}
		// check lets an Origin through only when it is this server's own
		// or trusted.
		if origin := r.Header.Get("Origin"); origin != "" {
			allowOrigin(w.Header(), origin)
			if isPreflight(r) {
				answerPreflight(w)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (g *originGuard) check(r *http.Request) error {
	if err := g.csrf.Check(r); err != nil {
		return err
	}
	origin := r.Header.Get("Origin")
	if origin == "" || slices.Contains(g.trusted, origin) {
		return nil
	}
	// Browsers send "null" from sandboxed frames and file:// pages; it
	// parses without a host and is refused below.
	if u, err := url.Parse(origin); err == nil && u.Host != "" && u.Host == r.Host {
		return nil
	}
	return fmt.Errorf("origin %q is not allowed", origin)
}
