package tools_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// env is one MCP client session connected, in memory, to a server whose
// tools call a fake Scaleway API.
type env struct {
	fake    *scalewaytest.Server
	session *mcp.ClientSession
	schemas map[string]*jsonschema.Resolved // output schema by tool name

	mu        sync.Mutex
	progress  []*mcp.ProgressNotificationParams
	questions []*mcp.ElicitParams // asked of the user, in order
	logs      *testutil.Buffer
}

type setup struct {
	fake scalewaytest.Options
	// upstream, when set, replaces the fake: the tools then talk to it
	// (recorded answers, say), and env.fake is nil.
	upstream  http.Handler
	selection tools.Selection
	key       string // secret key the client sends; default the sandbox token
	noClient  bool   // leave Deps.Client nil, to make handlers panic
	// clientOpts come after the defaults, so they win (retry policy,
	// per-attempt timeout).
	clientOpts []scaleway.Option
	stopping   <-chan struct{} // Deps.Stopping
	// maxListItems is Deps.MaxListItems: 0 keeps the default cap.
	maxListItems int
	observer     tools.Observer // Deps.Observer
	// elicit, when set, makes the client declare elicitation and answer
	// each question with it.
	elicit         func(*mcp.ElicitParams) *mcp.ElicitResult
	confirmDeletes bool // Deps.ConfirmDeletes
}

func newEnv(t *testing.T, s setup) *env {
	t.Helper()
	e := &env{logs: &testutil.Buffer{}}
	var baseURL string
	var httpClient *http.Client
	if s.upstream != nil {
		srv := httptest.NewServer(s.upstream)
		t.Cleanup(srv.Close)
		baseURL, httpClient = srv.URL, srv.Client()
	} else {
		e.fake = scalewaytest.NewServer(s.fake)
		t.Cleanup(e.fake.Close)
		baseURL, httpClient = e.fake.URL, e.fake.Client()
	}
	key := s.key
	if key == "" {
		key = scalewaytest.SandboxToken
	}
	client, err := scaleway.NewClient(append([]scaleway.Option{
		scaleway.WithBaseURL(baseURL),
		scaleway.WithSecretKey(key),
		scaleway.WithRetryPolicy(scaleway.RetryPolicy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}),
		scaleway.WithHTTPClient(httpClient),
		scaleway.WithDefaultProject(scalewaytest.DefaultProjectID),
	}, s.clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	deps := &tools.Deps{
		Client:           client,
		DefaultZone:      "fr-par-1",
		Logger:           zerolog.New(e.logs),
		WaitPollInterval: 5 * time.Millisecond,
		Stopping:         s.stopping,
		MaxListItems:     s.maxListItems,
		Observer:         s.observer,
		ConfirmDeletes:   s.confirmDeletes,
	}
	if s.noClient {
		deps.Client = nil
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "test", Version: "v0"}, nil)
	if _, err := tools.Register(server, deps, s.selection); err != nil {
		t.Fatal(err)
	}
	opts := &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.progress = append(e.progress, req.Params)
		},
	}
	if s.elicit != nil {
		opts.ElicitationHandler = func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			e.mu.Lock()
			e.questions = append(e.questions, req.Params)
			e.mu.Unlock()
			return s.elicit(req.Params), nil
		}
	}
	e.session = testutil.ConnectInMemory(t, server, opts)

	e.schemas = map[string]*jsonschema.Resolved{}
	listed, err := e.session.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range listed.Tools {
		var schema jsonschema.Schema
		remarshal(t, tool.OutputSchema, &schema)
		resolved, err := schema.Resolve(nil)
		if err != nil {
			t.Fatalf("%s output schema: %v", tool.Name, err)
		}
		e.schemas[tool.Name] = resolved
	}
	return e
}

func remarshal(t *testing.T, from, to any) {
	t.Helper()
	b, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, to); err != nil {
		t.Fatal(err)
	}
}

// call runs a tool that must succeed, checks its structured content
// against the output schema and the text copy, and decodes it into out.
func (e *env) call(t *testing.T, tool string, args string, out any) {
	t.Helper()
	res := e.callRaw(t, tool, args)
	if res.IsError {
		t.Fatalf("%s %s: unexpected tool error: %s", tool, args, testutil.ResultText(res))
	}
	structured, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var instance any
	if err := json.Unmarshal(structured, &instance); err != nil {
		t.Fatal(err)
	}
	if err := e.schemas[tool].Validate(instance); err != nil {
		t.Errorf("%s: structuredContent does not match the output schema: %v\n%s", tool, err, structured)
	}
	var fromText any
	if err := json.Unmarshal([]byte(testutil.ResultText(res)), &fromText); err != nil {
		t.Errorf("%s: text content is not the JSON result: %v", tool, err)
	}
	if out != nil {
		if err := json.Unmarshal(structured, out); err != nil {
			t.Fatal(err)
		}
	}
}

// callError runs a tool that must fail with an isError result and returns
// its text.
func (e *env) callError(t *testing.T, tool string, args string) string {
	t.Helper()
	res := e.callRaw(t, tool, args)
	if !res.IsError {
		t.Fatalf("%s %s: succeeded, want a tool error", tool, args)
	}
	return testutil.ResultText(res)
}

func (e *env) callRaw(t *testing.T, tool string, args string) *mcp.CallToolResult {
	t.Helper()
	res, err := e.session.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("%s: protocol error: %v", tool, err)
	}
	return res
}

func isCanceled(err error) bool { return errors.Is(err, context.Canceled) }
