// Command scaleway-images-mcp serves Scaleway Instance images to AI
// assistants over the Model Context Protocol (stdio or streamable HTTP),
// and the same six operations as a REST API.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Set by the release build through -ldflags.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	version = moduleVersion(version)
	scaleway.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	var exit exitError
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "scaleway-images-mcp:", err)
		os.Exit(1)
	}
}

// moduleVersion keeps a release build's version and otherwise uses the
// module version that "go install ...@vX.Y.Z" records in the binary.
func moduleVersion(linked string) string {
	if linked != "dev" {
		return linked
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return linked
}

// exitError ends the program with a status and no further message (the
// message was already printed).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// errUsage is a command line that could not be parsed; flag has already
// printed why.
var errUsage = errors.New("usage")

// run is the whole program, with its environment passed in so tests can
// drive it without a subprocess.
func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) error {
	opts, rest, err := parseFlags(args, lookupEnv, stderr)
	if err != nil {
		return err
	}
	if opts.showVersion {
		fmt.Fprintf(stdout, "scaleway-images-mcp %s (commit %s, built %s)\n", version, commit, date)
		return nil
	}
	if len(rest) > 0 {
		switch rest[0] {
		case "fake-api":
			return runFakeAPI(ctx, rest[1:], stderr)
		case "call":
			return runCall(ctx, opts, rest[1:], stdout, stderr)
		case "doctor":
			return runDoctor(ctx, opts, rest[1:], stdout, stderr)
		default:
			fmt.Fprintf(stderr, "unknown command %q; the commands are call, doctor and fake-api (run with -h for help)\n", rest[0])
			return errUsage
		}
	}
	return serve(ctx, opts, stdin, stdout, stderr)
}
