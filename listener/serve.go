package listener

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Serve listens on opts.Addr and serves h behind Wrap's rules until ctx is
// cancelled, then shuts down gracefully: requests in flight get
// opts.ShutdownTimeout to finish, event streams end at once. It returns nil
// after a clean shutdown, and an error when it cannot listen (a refused
// address, a port already taken) or the server fails.
func Serve(ctx context.Context, opts Options, h http.Handler) error {
	opts = opts.withDefaults()
	wrapped, err := Wrap(opts, h)
	if err != nil {
		return err
	}
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", opts.Addr, err)
	}
	// Requests must outlive ctx by the shutdown grace period, so their base
	// context is detached from it and cancelled only once shutdown is over.
	baseCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	var draining atomic.Bool
	server := &http.Server{
		Handler:           drainAware(&draining, endStreamsOnShutdown(ctx, wrapped)),
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		ReadTimeout:       opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ErrorLog:          log.New(opts.Logger, "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- server.Serve(ln) }()
	opts.Logger.Info().Str("addr", ln.Addr().String()).Bool("token", opts.Token != "").Msg("listening")
	if opts.OnListen != nil {
		opts.OnListen(ln.Addr())
	}

	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", opts.Addr, err)
	case <-ctx.Done():
	}
	if opts.DrainDelay > 0 {
		draining.Store(true)
		server.SetKeepAlivesEnabled(false)
		opts.Logger.Info().Str("addr", ln.Addr().String()).Int64("drain_delay_ms", opts.DrainDelay.Milliseconds()).Msg("draining: /healthz answers 503")
		select {
		case err := <-served:
			return fmt.Errorf("serving on %s: %w", opts.Addr, err)
		case <-time.After(opts.DrainDelay):
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opts.ShutdownTimeout)
	defer cancel()
	shutdownErr := server.Shutdown(shutdownCtx)
	if shutdownErr != nil {
		// The grace period is over: cut off what is left, closing its
		// connections before its handlers can answer, then cancel them.
		_ = server.Close()
		cancelRequests()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving on %s: %w", opts.Addr, err)
	}
	opts.Logger.Info().Str("addr", ln.Addr().String()).Err(shutdownErr).Msg("stopped")
	return nil
}

// drainAware answers GET /healthz with 503 while draining, so that load
// balancers take the listener out, and closes the connection after every
// answer, so that none is reused once the listener stops; the requests
// themselves are served as usual.
func drainAware(draining *atomic.Bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !draining.Load() {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if r.Method == http.MethodGet && r.URL.Path == healthzPath {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"draining"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// endStreamsOnShutdown cancels event streams (GETs that accept
// text/event-stream, such as MCP's standalone stream) as soon as ctx is
// done: they never finish on their own, and would otherwise hold shutdown
// for its whole grace period. POSTs that answer with a stream end with
// their call, so they get the grace period like any request.
func endStreamsOnShutdown(ctx context.Context, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			next.ServeHTTP(w, r)
			return
		}
		streamCtx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(ctx, cancel)
		defer stop()
		next.ServeHTTP(w, r.WithContext(streamCtx))
	})
}
