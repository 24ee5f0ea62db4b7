package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/stdio"
)

// options are the command-line flags, each of which can also be set by an
// environment variable (the flag wins).
type options struct {
	sandbox  bool
	readOnly bool
	// confirmDeletes: delete-instance-image asks whether to delete the
	// image's snapshots too, when the client can ask.
	confirmDeletes bool
	tools          string
	zone           string
	profile        string
	apiURL         string
	logLevel       string
	httpAddr       string
	httpToken      string
	restAddr       string
	restToken      string
	origins        string
	grace          time.Duration
	drainDelay     time.Duration
	maxUpstream    int
	// maxCallsPerCaller bounds each caller's calls in flight over HTTP.
	maxCallsPerCaller int
	showVersion       bool
	// tokenFlags are the token flags given on the command line, where any
	// user of the machine can read them (ps): the app warns about them.
	tokenFlags []string

	lookupEnv func(string) (string, bool)
	// build is the running binary's, for the commands that show it.
	build buildInfo
}

// flagSpec ties a flag to its environment variable.
type flagSpec struct {
	name, env, usage string
}

var (
	sandboxFlag   = flagSpec{"sandbox", "SCALEWAY_IMAGES_MCP_SANDBOX", "serve an in-memory fake of the Scaleway API instead of api.scaleway.com (no credentials needed)"}
	readOnlyFlag  = flagSpec{"read-only", "SCALEWAY_IMAGES_MCP_READ_ONLY", "serve only the tools that change nothing (list and get); REST writes answer 403"}
	confirmFlag   = flagSpec{"confirm-deletes", "SCALEWAY_IMAGES_MCP_CONFIRM_DELETES", "delete-instance-image asks the user, in clients that can ask (elicitation), whether to delete the image's snapshots too; declined, nothing is deleted"}
	toolsFlag     = flagSpec{"tools", "SCALEWAY_IMAGES_MCP_TOOLS", "comma-separated allow-list of tools to serve (default: all)"}
	zoneFlag      = flagSpec{"zone", "SCW_DEFAULT_ZONE", "default zone, such as fr-par-1"}
	profileFlag   = flagSpec{"profile", "SCW_PROFILE", "profile of the scw config file to use"}
	apiURLFlag    = flagSpec{"api-url", "SCW_API_URL", "Scaleway API base URL"}
	logLevelFlag  = flagSpec{"log-level", "SCALEWAY_IMAGES_MCP_LOG_LEVEL", "log level on stderr: debug, info, warn, error or disabled"}
	httpFlag      = flagSpec{"http", "SCALEWAY_IMAGES_MCP_HTTP", "serve MCP over streamable HTTP at ADDR/mcp instead of stdio (the seed's port is 9090, e.g. 127.0.0.1:9090)"}
	httpTokenFlag = flagSpec{"http-token", "SCALEWAY_IMAGES_MCP_HTTP_TOKEN", "bearer token required by the MCP HTTP listener (mandatory beyond loopback)"}
	restFlag      = flagSpec{"rest", "SCALEWAY_IMAGES_MCP_REST", "serve the REST adapter at ADDR (the seed's port is 8080, e.g. 127.0.0.1:8080)"}
	restTokenFlag = flagSpec{"rest-token", "SCALEWAY_IMAGES_MCP_REST_TOKEN", "bearer token required by the REST listener (mandatory beyond loopback)"}
	originsFlag   = flagSpec{"allow-origin", "SCALEWAY_IMAGES_MCP_ALLOW_ORIGIN", "comma-separated browser origins allowed by the HTTP listeners besides their own, e.g. http://localhost:6274 for the MCP Inspector"}
	graceFlag     = flagSpec{"shutdown-grace", "SCALEWAY_IMAGES_MCP_SHUTDOWN_GRACE", "on SIGTERM, SIGINT or the end of stdin: how long calls in flight may finish, answers delivered, before the process exits"}
	drainFlag     = flagSpec{"drain-delay", "SCALEWAY_IMAGES_MCP_DRAIN_DELAY", "on SIGTERM or SIGINT, how long the HTTP listeners go on serving, /healthz answering 503, before they stop taking connections and --shutdown-grace begins: longer than a load balancer takes to stop sending (0: stop at once)"}
	upstreamFlag  = flagSpec{"max-upstream", "SCALEWAY_IMAGES_MCP_MAX_UPSTREAM", "most requests to the Scaleway API in flight at once, over every call and listener of the process"}
	callersFlag   = flagSpec{"max-calls-per-caller", "SCALEWAY_IMAGES_MCP_MAX_CALLS_PER_CALLER", "most calls in flight at once from one caller of the HTTP listeners (one X-Auth-Token; callers that send none share one bound), so that no caller takes the whole --max-upstream; over it a call is refused, to retry"}
)

// defaultMaxCallsPerCaller is a quarter of the default upstream budget
// (scaleway.DefaultMaxInFlight, 32): a call makes one request at a time
// unless it lists every page or zone, so one caller's calls leave three
// quarters of the budget to the others, and an assistant seldom has more
// than a few calls running at once.
const defaultMaxCallsPerCaller = scaleway.DefaultMaxInFlight / 4

// parseFlags parses the program's flags; the help asked for with -h or
// --help goes to stdout, and ends the program with status 0.
func parseFlags(args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) (*options, []string, error) {
	o := &options{lookupEnv: lookupEnv, build: currentBuild()}
	fs, err := newFlagSet(o, lookupEnv)
	if err != nil {
		return nil, nil, err
	}
	if err := parseArgs(fs, args, func(w io.Writer) { printUsage(w, fs, programUsage) }, stdout, stderr); err != nil {
		return nil, nil, err
	}
	if o.grace <= 0 || o.maxUpstream < 1 || o.maxCallsPerCaller < 1 {
		fmt.Fprintf(stderr, "--%s %s, --%s %d and --%s %d: use a positive duration and positive whole numbers\n", graceFlag.name, o.grace, upstreamFlag.name, o.maxUpstream, callersFlag.name, o.maxCallsPerCaller)
		return nil, nil, errUsage
	}
	if o.drainDelay < 0 {
		fmt.Fprintf(stderr, "--%s %s: use a duration of 0 or more\n", drainFlag.name, o.drainDelay)
		return nil, nil, errUsage
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == httpTokenFlag.name || f.Name == restTokenFlag.name {
			o.tokenFlags = append(o.tokenFlags, f.Name)
		}
	})
	return o, fs.Args(), nil
}

// newFlagSet defines every flag on o, with defaults from the environment.
func newFlagSet(o *options, lookupEnv func(string) (string, bool)) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("scaleway-images-mcp", flag.ContinueOnError)
	var envErrs []error
	boolVar := func(p *bool, spec flagSpec) {
		def := false
		if v, ok := lookupEnv(spec.env); ok && v != "" {
			parsed, err := strconv.ParseBool(v)
			if err != nil {
				envErrs = append(envErrs, fmt.Errorf("%s=%q is not a boolean (use true or false)", spec.env, v))
			}
			def = parsed
		}
		fs.BoolVar(p, spec.name, def, spec.usage+" ($"+spec.env+")")
	}
	stringVar := func(p *string, spec flagSpec, def string) {
		// Variables that the scw config loader reads itself (SCW_*) are not
		// copied into the flag, so that their source is reported as env.
		if !strings.HasPrefix(spec.env, "SCW_") {
			if v, ok := lookupEnv(spec.env); ok && v != "" {
				def = v
			}
		}
		fs.StringVar(p, spec.name, def, spec.usage+" ($"+spec.env+")")
	}
	boolVar(&o.sandbox, sandboxFlag)
	boolVar(&o.readOnly, readOnlyFlag)
	boolVar(&o.confirmDeletes, confirmFlag)
	stringVar(&o.tools, toolsFlag, "")
	stringVar(&o.zone, zoneFlag, "")
	stringVar(&o.profile, profileFlag, "")
	stringVar(&o.apiURL, apiURLFlag, "")
	stringVar(&o.logLevel, logLevelFlag, "info")
	stringVar(&o.httpAddr, httpFlag, "")
	stringVar(&o.httpToken, httpTokenFlag, "")
	stringVar(&o.restAddr, restFlag, "")
	stringVar(&o.restToken, restTokenFlag, "")
	stringVar(&o.origins, originsFlag, "")
	fs.DurationVar(&o.grace, graceFlag.name, envDefault(lookupEnv, graceFlag, defaultShutdownGrace, 1, time.ParseDuration, "a positive duration, such as 10s", &envErrs), graceFlag.usage+" ($"+graceFlag.env+")")
	fs.DurationVar(&o.drainDelay, drainFlag.name, envDefault(lookupEnv, drainFlag, 0, 0, time.ParseDuration, "a duration of 0 or more, such as 5s", &envErrs), drainFlag.usage+" ($"+drainFlag.env+")")
	fs.IntVar(&o.maxUpstream, upstreamFlag.name, envDefault(lookupEnv, upstreamFlag, scaleway.DefaultMaxInFlight, 1, strconv.Atoi, "a positive whole number", &envErrs), upstreamFlag.usage+" ($"+upstreamFlag.env+")")
	fs.IntVar(&o.maxCallsPerCaller, callersFlag.name, envDefault(lookupEnv, callersFlag, defaultMaxCallsPerCaller, 1, strconv.Atoi, "a positive whole number", &envErrs), callersFlag.usage+" ($"+callersFlag.env+")")
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	return fs, errors.Join(envErrs...)
}

// envDefault is a flag's default: its variable's value when set and valid
// (at least least), else def, with an error that says what the variable
// should hold.
func envDefault[T int | time.Duration](lookupEnv func(string) (string, bool), spec flagSpec, def, least T, parse func(string) (T, error), want string, errs *[]error) T {
	v, ok := lookupEnv(spec.env)
	if !ok || v == "" {
		return def
	}
	parsed, err := parse(v)
	if err != nil || parsed < least {
		*errs = append(*errs, fmt.Errorf("%s=%q: use %s", spec.env, v, want))
		return def
	}
	return parsed
}

// defaultShutdownGrace is how long calls in flight may finish at
// shutdown: long enough for a create or an update, and a create that
// waits answers at once when shutdown starts.
const defaultShutdownGrace = stdio.DefaultGrace

// tokenWarnings say what is unsafe about the token flags given on the
// command line.
func (o *options) tokenWarnings() []string {
	var warnings []string
	for _, name := range o.tokenFlags {
		env := httpTokenFlag.env
		if name == restTokenFlag.name {
			env = restTokenFlag.env
		}
		warnings = append(warnings, fmt.Sprintf("--%s was given on the command line, where any user of this machine can read it (ps, /proc); set %s instead", name, env))
	}
	return warnings
}

// allowList splits --tools.
func (o *options) allowList() []string { return splitList(o.tools) }

// trustedOrigins splits --allow-origin.
func (o *options) trustedOrigins() []string { return splitList(o.origins) }

func splitList(s string) []string {
	var items []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// programUsage introduces the program's flags.
const programUsage = `scaleway-images-mcp: Scaleway Instance images for AI assistants (MCP) and as a REST API.

Usage:
  scaleway-images-mcp [flags]                      serve MCP on stdio (or --http / --rest)
  scaleway-images-mcp [flags] call TOOL [JSON]     run one tool and print its result
  scaleway-images-mcp [flags] doctor [--check]     show the configuration; --check makes one call
  scaleway-images-mcp fake-api [--addr ADDR] ...   serve the fake Scaleway API
  scaleway-images-mcp help [COMMAND]               this help, or a command's: "help call" lists
                                                   the tools and their arguments

Credentials: SCW_SECRET_KEY or SCALEWAY_API_KEY, or the scw config file
(~/.config/scw/config.yaml) and its profiles.

Flags:
`

// parseArgs parses the flags of the program or of a command. Help asked
// for (-h, --help) is printed on stdout and ends the program with status
// 0; a bad flag is printed on stderr, with the usage, and is errUsage.
func parseArgs(fs *flag.FlagSet, args []string, usage func(w io.Writer), stdout, stderr io.Writer) error {
	fs.SetOutput(stderr)
	fs.Usage = func() {} // printed below, on the stream it belongs to
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return exitError(0)
	}
	usage(stderr)
	return errUsage
}

// printUsage writes intro, then fs's flags with their defaults.
func printUsage(w io.Writer, fs *flag.FlagSet, intro string) {
	fmt.Fprint(w, intro)
	fs.SetOutput(w)
	fs.PrintDefaults()
}
