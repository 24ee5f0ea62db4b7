package main

import (
	"context"
	"errors"
	"io"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// serve runs the servers the flags ask for: the HTTP listeners when
// --http or --rest is given (stdin is then not read), else MCP on stdio.
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
	transport := &mcp.IOTransport{Reader: io.NopCloser(stdin), Writer: nopCloser{stdout}}
	if err := server.Run(ctx, transport); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
