package main

import (
	"context"
	"io"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/stdio"
)

// serve runs the servers the flags ask for: the HTTP listeners when
// --http or --rest is given (stdin is then not read), else MCP on stdio,
// behind the gate that answers malformed frames and drains calls in
// flight on a signal or the end of stdin.
func serve(ctx context.Context, opts *options, stdin io.Reader, stdout, stderr io.Writer) error {
	a, err := newApp(opts, stderr)
	if err != nil {
		return err
	}
	if opts.httpAddr != "" || opts.restAddr != "" {
		return a.serveHTTP(ctx)
	}
	server, err := a.mcpServer()
	if err != nil {
		return err
	}
	a.logger.Info().Str("transport", "stdio").Bool("sandbox", opts.sandbox).Bool("read_only", opts.readOnly).Msg("serving MCP")
	return stdio.Serve(ctx, server, stdin, stdout, stdio.Options{
		Grace:   opts.grace,
		OnDrain: a.beginStopping,
		Logger:  a.logger.With().Str("transport", "stdio").Logger(),
	})
}
