// Command scaleway-images-mcp serves Scaleway Instance images to AI
// assistants over the Model Context Protocol (stdio or streamable HTTP),
// and the same six operations as a REST API.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

func main() {
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
	opts, rest, err := parseFlags(args, lookupEnv, stdout, stderr)
	if err != nil {
		return err
	}
	if opts.showVersion {
		fmt.Fprintf(stdout, "scaleway-images-mcp %s (commit %s, built %s)\n", opts.build.version, opts.build.commit, opts.build.date)
		return nil
	}
	if len(rest) == 0 {
		return serve(ctx, opts, stdin, stdout, stderr)
	}
	if rest[0] == "help" {
		return runHelp(ctx, opts, rest[1:], lookupEnv, stdout, stderr)
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		return unknownCommand(rest[0], stderr)
	}
	return cmd(ctx, opts, rest[1:], stdout, stderr)
}

// command runs a subcommand on the arguments after its name; each answers
// --help with its usage on stdout.
type command func(ctx context.Context, opts *options, args []string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"call":     runCall,
	"doctor":   runDoctor,
	"fake-api": runFakeAPI,
}

// runHelp is --help, for the program or for the command named.
func runHelp(ctx context.Context, opts *options, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" {
		_, _, err := parseFlags([]string{"--help"}, lookupEnv, stdout, stderr)
		return err
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return unknownCommand(args[0], stderr)
	}
	return cmd(ctx, opts, []string{"--help"}, stdout, stderr)
}

// unknownCommand says which commands there are.
func unknownCommand(name string, stderr io.Writer) error {
	names := slices.Sorted(maps.Keys(commands))
	fmt.Fprintf(stderr, "unknown command %q; the commands are %s and help (run scaleway-images-mcp help)\n", name, strings.Join(names, ", "))
	return errUsage
}
