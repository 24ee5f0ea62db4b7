package main

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/listener"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// restWriteTimeout bounds a REST answer: long enough for a list walked
// across retries, short enough to free a stuck connection.
const restWriteTimeout = 3 * time.Minute

// serveHTTP runs the MCP streamable HTTP listener and/or the REST
// listener until ctx is cancelled or one of them fails.
func (a *app) serveHTTP(ctx context.Context) error {
	type listenerJob struct {
		name    string
		opts    listener.Options
		handler http.Handler
	}
	var jobs []listenerJob
	if a.opts.httpAddr != "" {
		handler, err := a.mcpHTTPHandler()
		if err != nil {
			return err
		}
		jobs = append(jobs, listenerJob{"mcp", listener.Options{Addr: a.opts.httpAddr, Token: a.opts.httpToken, TrustedOrigins: a.opts.trustedOrigins()}, handler})
	}
	if a.opts.restAddr != "" {
		// REST answers are single JSON documents: unlike MCP streams and
		// waits, they can have a write timeout.
		jobs = append(jobs, listenerJob{"rest", listener.Options{Addr: a.opts.restAddr, Token: a.opts.restToken, TrustedOrigins: a.opts.trustedOrigins(), WriteTimeout: restWriteTimeout}, a.restHandler()})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		job.opts.Logger = a.logger.With().Str("listener", job.name).Logger()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := listener.Serve(ctx, job.opts, job.handler); err != nil {
				errs[i] = err
				cancel()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// mcpHTTPHandler serves MCP at /mcp in stateless mode, so that replicas
// behind a load balancer share nothing. A request may carry its own
// Scaleway secret key in X-Auth-Token, used for that request alone.
func (a *app) mcpHTTPHandler() (http.Handler, error) {
	server, err := a.mcpServer()
	if err != nil {
		return nil, err
	}
	streamable := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, &mcp.StreamableHTTPOptions{
		Stateless:    true,
		JSONResponse: true,
	})
	mux := http.NewServeMux()
	mux.Handle("/mcp", withCallerKey(streamable))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	return mux, nil
}

// withCallerKey passes a caller's X-Auth-Token to the Scaleway client for
// the calls made while serving that request.
func withCallerKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if key := r.Header.Get("X-Auth-Token"); key != "" {
			r = r.WithContext(scaleway.ContextWithSecretKey(r.Context(), key))
		}
		next.ServeHTTP(w, r)
	})
}
