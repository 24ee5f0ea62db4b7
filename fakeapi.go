package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// fakeAPIUsage introduces fake-api's flags.
const fakeAPIUsage = `Usage: scaleway-images-mcp fake-api [flags]

Serves the in-memory fake of the Scaleway API (Instance images and
snapshots, Block snapshots) over HTTP until interrupted, so that any client
or SDK can be pointed at it: SCW_API_URL=http://ADDR, with any UUID as the
secret key. It logs each request on stderr.

Flags:
`

// runFakeAPI serves the in-memory fake of the Scaleway API over HTTP until
// interrupted, so that any client or SDK can be pointed at it. The
// server's flags do not apply to it.
func runFakeAPI(ctx context.Context, _ *options, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fake-api", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	images := fs.Int("images", 0, "extra private images to seed (for benchmarks and pagination)")
	latency := fs.Duration("latency", 0, "latency added to every answer, such as 20ms")
	failRate := fs.Float64("fail-rate", 0, "fraction (0 to 1) of requests answered 503")
	creating := fs.Duration("creating", 0, "how long a new image stays in the creating state")
	if err := parseArgs(fs, args, func(w io.Writer) { printUsage(w, fs, fakeAPIUsage) }, stdout, stderr); err != nil {
		return err
	}
	if *failRate < 0 || *failRate > 1 {
		return fmt.Errorf("--fail-rate %v: use a fraction between 0 and 1", *failRate)
	}
	if *images < 0 {
		return fmt.Errorf("--images %d: use 0 or more", *images)
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s %s\n", time.Now().Format(time.TimeOnly), fmt.Sprintf(format, args...))
	}
	return scalewaytest.ListenAndServe(ctx, *addr, scalewaytest.Options{
		ExtraImages:      *images,
		Latency:          *latency,
		FailureRate:      *failRate,
		CreatingDuration: *creating,
	}, logf)
}
