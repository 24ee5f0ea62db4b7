package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/callerlimit"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/metrics"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/scwconfig"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/prompts"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// serverName is the MCP server's name: the binary's and the module's.
const serverName = "scaleway-images-mcp"

// sandboxRequestLog is how many requests the sandbox remembers: enough to
// inspect recent calls, small enough to keep the process lean.
const sandboxRequestLog = 100

// app is the configured program: client, tools and logger, shared by
// every transport.
type app struct {
	opts    *options
	cfg     *scwconfig.Config
	client  *scaleway.Client
	deps    *tools.Deps
	prompts *prompts.Deps
	logger  zerolog.Logger
	sandbox *scalewaytest.Fake // nil unless --sandbox
	// metrics are fed by every transport, and served at /metrics by the
	// MCP listener.
	metrics *metrics.Metrics
	// callers bounds each caller's calls in flight, over MCP and REST
	// alike: one caller of both is one caller.
	callers *callerlimit.Limiter

	// stopping is closed when the process starts to shut down, so that
	// long calls (a create that waits) answer at once.
	stopping     chan struct{}
	stoppingOnce sync.Once
}

// beginStopping tells the tools that the process is shutting down.
func (a *app) beginStopping() { a.stoppingOnce.Do(func() { close(a.stopping) }) }

func newApp(opts *options, stderr io.Writer) (*app, error) {
	level, err := zerolog.ParseLevel(opts.logLevel)
	if err != nil || opts.logLevel == "" {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn, error or disabled", opts.logLevel)
	}
	logger := zerolog.New(stderr).Level(level).With().Timestamp().Logger()
	cfg, err := scwconfig.LoadConfig(scwconfig.LoadOptions{
		Getenv:  opts.lookupEnv,
		Profile: opts.profile,
		Zone:    opts.zone,
		APIURL:  opts.apiURL,
	})
	if err != nil {
		return nil, fmt.Errorf("loading configuration: %w", err)
	}
	for _, warning := range append(cfg.Warnings, opts.tokenWarnings()...) {
		logger.Warn().Msg(warning)
	}
	a := &app{opts: opts, cfg: cfg, logger: logger, stopping: make(chan struct{})}
	var served []string
	for _, name := range tools.Names() {
		if a.selection().Serves(name) {
			served = append(served, name)
		}
	}
	a.metrics = metrics.New(metrics.Options{
		Version: opts.build.version, Commit: opts.build.commit, Tools: served,
		// Read at a scrape, once the client below exists.
		UpstreamInFlight: func() int { return a.client.RequestsInFlight() },
	})
	a.callers = callerlimit.New(opts.maxCallsPerCaller, a.metrics.CallerRefused)
	// One client for every transport: its limit on requests in flight holds
	// for the whole process, and it redacts the listeners' tokens too from
	// anything an upstream echoes back.
	clientOpts := []scaleway.Option{
		scaleway.WithBaseURL(cfg.APIURL), scaleway.WithSecretKey(cfg.SecretKey),
		scaleway.WithMaxInFlight(opts.maxUpstream), scaleway.WithRedactedSecrets(opts.httpToken, opts.restToken),
		scaleway.WithVersion(opts.build.version), scaleway.WithObserver(a.metrics.ObserveAttempt),
	}
	project, org := cfg.ProjectID, cfg.OrganizationID
	if opts.sandbox {
		a.sandbox = scalewaytest.New(scalewaytest.Options{RequestLogSize: sandboxRequestLog})
		clientOpts = append(clientOpts,
			scaleway.WithBaseURL("http://sandbox.invalid"),
			scaleway.WithSecretKey(scalewaytest.SandboxToken),
			scaleway.WithHTTPClient(&http.Client{Transport: a.sandbox.Transport()}),
		)
		project, org = scalewaytest.DefaultProjectID, scalewaytest.DefaultOrganizationID
	}
	clientOpts = append(clientOpts, scaleway.WithDefaultProject(project), scaleway.WithDefaultOrganization(org))
	if a.client, err = scaleway.NewClient(clientOpts...); err != nil {
		return nil, err
	}
	a.deps = &tools.Deps{
		Stopping:    a.stopping,
		Client:      a.client,
		DefaultZone: cfg.Zone,
		Logger:      logger,
		Callers:     a.callers,
		Observer:    a.metrics,
		// Over stdio and for clients of protocol 2026-07-28 over HTTP:
		// older ones cannot be asked over stateless HTTP.
		ConfirmDeletes: opts.confirmDeletes,
	}
	a.prompts = &prompts.Deps{Client: a.client, DefaultZone: cfg.Zone, Logger: logger}
	return a, nil
}

// mcpServer builds the MCP server with the selected tools.
func (a *app) mcpServer() (*mcp.Server, error) {
	server := mcp.NewServer(&mcp.Implementation{
		Name:        serverName,
		Title:       "Scaleway Instance images",
		Version:     a.opts.build.version,
		Description: fmt.Sprintf("List, create, update and delete Scaleway Instance images (commit %s, built %s).", a.opts.build.commit, a.opts.build.date),
	}, &mcp.ServerOptions{
		Instructions: a.instructions(),
		Logger:       slog.New(zerolog.NewSlogHandler(a.sdkLogger())),
		// The tool list is fixed when the server starts, so it never sends
		// notifications/tools/list_changed: say so, rather than let the SDK
		// infer listChanged true, which tells clients to expect them.
		// Nor logging: no log message is sent to the client; logs go to
		// stderr. The prompts are fixed too.
		Capabilities:      &mcp.ServerCapabilities{Tools: &mcp.ToolCapabilities{}, Prompts: &mcp.PromptCapabilities{}, Completions: &mcp.CompletionCapabilities{}},
		CompletionHandler: a.prompts.Complete,
	})
	names, err := tools.Register(server, a.deps, a.selection())
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no tool left to serve: --tools %q with --read-only=%v selects none", a.opts.tools, a.opts.readOnly)
	}
	prompts.Register(server, a.prompts, a.selection().Serves)
	return server, nil
}

// selection is the tools the flags select.
func (a *app) selection() tools.Selection {
	return tools.Selection{ReadOnly: a.opts.readOnly, Allow: a.opts.allowList()}
}

// sdkLogger quiets the SDK's session chatter unless debugging: one line
// per tool call is what people read.
func (a *app) sdkLogger() zerolog.Logger {
	logger := a.logger.With().Str("component", "mcp").Logger()
	if a.logger.GetLevel() > zerolog.DebugLevel {
		return logger.Level(max(a.logger.GetLevel(), zerolog.WarnLevel))
	}
	return logger
}

// instructions tell the model what this server is for and, in the
// sandbox, that nothing is real. Snapshot ids are list-snapshots' to
// give: listed here they went stale as soon as one was made or deleted.
func (a *app) instructions() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Manage Scaleway Instance images (bootable templates made from snapshots). Default zone: %s.", a.cfg.Zone)
	if sel := a.selection(); sel.Serves(tools.ListSnapshotsTool) && sel.Serves(tools.CreateImageTool) {
		fmt.Fprintf(&b, " To make an image, find a snapshot with %s and pass its id to %s as root_volume.", tools.ListSnapshotsTool, tools.CreateImageTool)
	}
	if a.opts.readOnly {
		b.WriteString(" This server is read-only: it can list and get images and list snapshots, not change them.")
	}
	if a.sandbox != nil {
		b.WriteString(" SANDBOX: this is an in-memory fake of the Scaleway API; nothing is real and nothing is billed.")
	}
	return b.String()
}
