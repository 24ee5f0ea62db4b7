package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/callerlimit"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/listener"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/stdio"
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
		jobs = append(jobs, listenerJob{"mcp", listener.Options{Addr: a.opts.httpAddr, Token: a.opts.httpToken, TrustedOrigins: a.opts.trustedOrigins(), ShutdownTimeout: a.opts.grace, DrainDelay: a.opts.drainDelay}, handler})
	}
	if a.opts.restAddr != "" {
		// REST answers are single JSON documents: unlike MCP streams and
		// waits, they can have a write timeout. Its refusals are Scaleway
		// errors, like the rest of its answers.
		jobs = append(jobs, listenerJob{"rest", listener.Options{Addr: a.opts.restAddr, Token: a.opts.restToken, TrustedOrigins: a.opts.trustedOrigins(), WriteTimeout: restWriteTimeout, ShutdownTimeout: a.opts.grace, DrainDelay: a.opts.drainDelay, Refuse: rest.WriteRefusal}, a.restHandler()})
	}
	// Shutdown starts when ctx ends: the listeners then give requests in
	// flight the grace period, and long calls answer at once.
	stop := context.AfterFunc(ctx, a.beginStopping)
	defer stop()
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
// Answers are plain JSON, except for a call that asks for progress: that
// one is answered with an event stream, which carries its progress
// notifications before its result.
func (a *app) mcpHTTPHandler() (http.Handler, error) {
	server, err := a.mcpServer()
	if err != nil {
		return nil, err
	}
	streamable := func(jsonResponse bool) http.Handler {
		return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, &mcp.StreamableHTTPOptions{
			Stateless:    true,
			JSONResponse: jsonResponse,
		})
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", withCaller(routeMessages(streamable(true), streamable(false))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	// Unlike /healthz, /metrics is behind the listener's token: it shows
	// which tools are called and how often.
	mux.Handle("GET /metrics", a.metrics.Handler())
	return mux, nil
}

// withCaller passes a caller's X-Auth-Token to the Scaleway client for
// the calls made while serving that request, and names the caller, by
// that key (or by none: the callers that send none share the server's),
// to the bound on each caller's calls in flight.
func withCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := callerlimit.WithCaller(scaleway.CallerContext(r), callerlimit.CallerOf(r.Header.Get("X-Auth-Token")))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// routeMessages reads a POST's body (the listener has bounded it) and
// sends it on to plain, which answers in JSON, or, for a call that asks for
// progress (a progressToken in its _meta) from a client that accepts an
// event stream, to streaming, which sends the progress notifications
// before the result. It refuses a JSON-RPC batch of more than
// stdio.DefaultMaxBatch messages (only protocol 2025-03-26 has batches),
// as the stdio gate does: one request must not start an unbounded number
// of calls.
func routeMessages(plain, streaming http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			plain.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeJSONRPCError(w, http.StatusRequestEntityTooLarge, stdio.CodeInvalidRequest, fmt.Sprintf("invalid request: the body is larger than %d bytes", tooLarge.Limit))
			return
		case err != nil:
			writeJSONRPCError(w, http.StatusBadRequest, stdio.CodeParseError, "parse error: the body could not be read: "+err.Error())
			return
		}
		// A fresh slice: unmarshalling into one that held body would
		// write the elements over body's own bytes.
		var messages []json.RawMessage
		if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '[' || json.Unmarshal(trimmed, &messages) != nil {
			messages = []json.RawMessage{body}
		}
		if len(messages) > stdio.DefaultMaxBatch {
			writeJSONRPCError(w, http.StatusBadRequest, stdio.CodeInvalidRequest, fmt.Sprintf("invalid request: a batch holds at most %d messages", stdio.DefaultMaxBatch))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(r.Header.Get("Accept"), "text/event-stream") && slices.ContainsFunc(messages, asksForProgress) {
			streaming.ServeHTTP(w, r)
			return
		}
		plain.ServeHTTP(w, r)
	})
}

// asksForProgress reports whether a JSON-RPC message is a request that
// carries a progress token.
func asksForProgress(message json.RawMessage) bool {
	var m struct {
		Params struct {
			Meta struct {
				ProgressToken json.RawMessage `json:"progressToken"`
			} `json:"_meta"`
		} `json:"params"`
	}
	return json.Unmarshal(message, &m) == nil && len(m.Params.Meta.ProgressToken) > 0 && string(m.Params.Meta.ProgressToken) != "null"
}

func writeJSONRPCError(w http.ResponseWriter, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(stdio.ErrorResponse(code, message))
}

// restHandler is the seed's REST adapter on the same client and
// configuration as the MCP tools.
func (a *app) restHandler() http.Handler {
	return rest.NewHandler(rest.Options{
		Client:   a.client,
		ReadOnly: a.opts.readOnly,
		Logger:   a.logger.With().Str("listener", "rest").Logger(),
		Version:  a.opts.build.version,
		Callers:  a.callers,
		Observe:  a.metrics.ObserveREST,
	})
}
