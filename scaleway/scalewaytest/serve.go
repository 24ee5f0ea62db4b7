package scalewaytest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"time"
)

// Server is a Fake served over HTTP on a loopback port, like
// httptest.Server.
type Server struct {
	*Fake
	URL string // base URL, such as http://127.0.0.1:41234, without a trailing slash

	server *httptest.Server
}

// NewServer starts a fake on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	fake := New(opts)
	server := httptest.NewServer(fake)
	return &Server{Fake: fake, URL: server.URL, server: server}
}

// Client returns an HTTP client for the server; Close closes its idle
// connections.
func (s *Server) Client() *http.Client { return s.server.Client() }

// Close stops the server, waiting for requests in flight.
func (s *Server) Close() { s.server.Close() }

// shutdownTimeout bounds a graceful shutdown; in-flight requests end early
// anyway, since their contexts derive from the serving context.
const shutdownTimeout = 5 * time.Second

// ListenAndServe serves a fake built from opts on addr until ctx is done,
// then shuts down gracefully and returns nil. logf, when not nil, gets the
// listening address and one line per request (never the secret key).
// The binary's fake-api subcommand calls it:
//
//	err := scalewaytest.ListenAndServe(ctx, "127.0.0.1:8081", scalewaytest.Options{
//		ExtraImages: images, Latency: latency, FailureRate: failRate,
//	}, log.Printf)
func ListenAndServe(ctx context.Context, addr string, opts Options, logf func(format string, args ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	listener, err := new(net.ListenConfig).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	fake := New(opts)
	server := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			logf("fake-api: %s %s", r.Method, r.URL.RequestURI())
			fake.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	if len(opts.AcceptedTokens) == 0 {
		logf("fake-api: serving the fake Scaleway images API on http://%s (any UUID is a secret key, e.g. %s)", listener.Addr(), SandboxToken)
	} else {
		logf("fake-api: serving the fake Scaleway images API on http://%s", listener.Addr())
	}

	select {
	case err := <-served:
		return fmt.Errorf("serving the fake API: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down the fake API: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving the fake API: %w", err)
	}
	return nil
}
