package main

import (
	"context"
	"io"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/stdio"
)

// serve runs the servers the flags ask for: the HTTP listeners when
// --http or --rest is given (stdin is then not read, see http.go), else
// MCP on stdio.
func serve(ctx context.Context, opts *options, stdin io.Reader, stdout, stderr io.Writer) error {
	a, err := newApp(opts, stderr)
	if err != nil {
		return err
	}
	if opts.httpAddr != "" || opts.restAddr != "" {
		return a.serveHTTP(ctx)
	}
	return a.serveStdio(ctx, stdin, stdout)
}

// serveStdio serves MCP on stdin and stdout, behind the gate that answers
// malformed frames and drains calls in flight on a signal or the end of
// stdin.
func (a *app) serveStdio(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	server, err := a.mcpServer()
	if err != nil {
		return err
	}
	a.logger.Info().Str("transport", "stdio").Bool("sandbox", a.opts.sandbox).Bool("read_only", a.opts.readOnly).Msg("serving MCP")
	return stdio.Serve(ctx, server, stdin, stdout, stdio.Options{
		Grace:   a.opts.grace,
		OnDrain: a.beginStopping,
		Logger:  a.logger.With().Str("transport", "stdio").Logger(),
	})
}
