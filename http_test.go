package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/stdio"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestHTTPCallerKeyIsUsedForThatRequest checks that over HTTP a request's
// X-Auth-Token replaces the configured key for that request alone: the
// sandbox fake refuses a malformed key, and accepts the configured one.
func TestHTTPCallerKeyIsUsedForThatRequest(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, "--sandbox")
	handler, err := a.mcpHTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	connect := func(httpClient *http.Client) *mcp.ClientSession {
		client := mcp.NewClient(&mcp.Implementation{Name: "key-test", Version: "v0"}, nil)
		session, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp", HTTPClient: httpClient}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { session.Close() })
		return session
	}
	withBadKey := connect(&http.Client{Transport: testutil.HeaderTransport{"X-Auth-Token", "not-a-valid-key"}})
	res, err := withBadKey.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(testutil.ResultText(res), "denied_authentication") {
		t.Errorf("caller's key was not used: %s", testutil.ResultText(res))
	}
	plain := connect(nil)
	res, err = plain.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Errorf("configured key: %v %s", err, testutil.ResultText(res))
	}
	if got := a.sandbox.Requests(); len(got) != 2 || got[0].Header.Get("X-Auth-Token") != "not-a-valid-key" || got[1].Header.Get("X-Auth-Token") == "not-a-valid-key" {
		t.Errorf("the fake saw the wrong keys")
	}
}

// TestHTTPBatchesAreBounded: a batch of more messages than the stdio gate
// takes is refused with a JSON-RPC error before the SDK sees it, so one
// request cannot start an unbounded number of calls; a small one goes on.
func TestHTTPBatchesAreBounded(t *testing.T) {
	t.Parallel()
	var reached int
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		body, _ := io.ReadAll(r.Body)
		_, _ = w.Write(body)
	})
	handler := routeMessages(echo, echo)
	batch := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`, i)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	tests := []struct {
		body   string
		status int
	}{
		{batch(stdio.DefaultMaxBatch), http.StatusOK},
		{batch(stdio.DefaultMaxBatch + 1), http.StatusBadRequest},
		{batch(500), http.StatusBadRequest},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, http.StatusOK},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(tt.body)))
		if w.Code != tt.status {
			t.Errorf("%d bytes: status %d, want %d", len(tt.body), w.Code, tt.status)
		}
		if w.Code == http.StatusOK && w.Body.String() != tt.body {
			t.Errorf("the body did not reach the handler whole")
		}
		if w.Code != http.StatusOK && !strings.Contains(w.Body.String(), `"code":-32600`) {
			t.Errorf("refusal %s is not a JSON-RPC error", w.Body)
		}
	}
	if reached != 2 {
		t.Errorf("the handler saw %d requests, want the 2 allowed", reached)
	}
}

// TestTokenFlagsAreWarnedAbout: a bearer token given as a flag is visible
// in the process list; the server says so and names the variable to use.
func TestTokenFlagsAreWarnedAbout(t *testing.T) {
	t.Parallel()
	noEnv := func(string) (string, bool) { return "", false }
	opts, _, err := parseFlags([]string{"--http-token", strings.Repeat("t", 20), "--rest-token", strings.Repeat("r", 20)}, noEnv, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	warnings := opts.tokenWarnings()
	if len(warnings) != 2 || !strings.Contains(warnings[0], "SCALEWAY_IMAGES_MCP_HTTP_TOKEN") || !strings.Contains(warnings[1], "SCALEWAY_IMAGES_MCP_REST_TOKEN") {
		t.Errorf("warnings = %q", warnings)
	}
	for _, w := range warnings {
		if strings.Contains(w, "tttt") || strings.Contains(w, "rrrr") {
			t.Errorf("a warning prints the token: %q", w)
		}
	}
	fromEnv, _, err := parseFlags(nil, func(name string) (string, bool) {
		return strings.Repeat("e", 20), name == httpTokenFlag.env
	}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if w := fromEnv.tokenWarnings(); len(w) != 0 || fromEnv.httpToken == "" {
		t.Errorf("a token from the environment: warnings %q", w)
	}
}

// TestHTTPProgressReachesTheClient: answers over HTTP are plain JSON, yet a
// create that waits and carries a progress token gets its progress
// notifications, sent on an event stream before the result.
func TestHTTPProgressReachesTheClient(t *testing.T) {
	t.Parallel()
	fake := scalewaytest.New(scalewaytest.Options{CreatingDuration: 200 * time.Millisecond})
	upstream := httptest.NewServer(fake)
	defer upstream.Close()
	env := map[string]string{"SCW_API_URL": upstream.URL, "SCW_SECRET_KEY": scalewaytest.SandboxToken, "SCW_DEFAULT_ZONE": "fr-par-1", "SCW_DEFAULT_PROJECT_ID": scalewaytest.DefaultProjectID}
	a := newTestApp(t, env)
	a.deps.WaitPollInterval = 20 * time.Millisecond
	handler, err := a.mcpHTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()

	var mu sync.Mutex
	var progress []*mcp.ProgressNotificationParams
	client := mcp.NewClient(&mcp.Implementation{Name: "progress-test", Version: "v0"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			mu.Lock()
			defer mu.Unlock()
			progress = append(progress, req.Params)
		},
	})
	session, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()

	root := fake.Snapshots("fr-par-1")[0].ID
	params := &mcp.CallToolParams{Name: tools.CreateImageTool, Arguments: map[string]any{"root_volume": root, "arch": "x86_64", "wait": true}}
	params.SetProgressToken("http-create")
	res, err := session.CallTool(t.Context(), params)
	if err != nil || res.IsError {
		t.Fatalf("create with wait: %v %s", err, testutil.ResultText(res))
	}
	if !strings.Contains(testutil.ResultText(res), `"state":"available"`) {
		t.Errorf("the wait did not end with the image available: %s", testutil.ResultText(res))
	}
	// The server sends the notifications before the result, but the
	// client hands them to the handler on its own goroutines, in no set
	// order: wait, boundedly, for the one that reports the final state.
	var final *mcp.ProgressNotificationParams
	count := 0
	for range 400 {
		mu.Lock()
		count = len(progress)
		for _, p := range progress {
			if strings.Contains(p.Message, "available") {
				final = p
			}
		}
		mu.Unlock()
		if count >= 2 && final != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if count < 2 || final == nil || final.ProgressToken != "http-create" {
		t.Errorf("%d progress notifications, final %+v; want one per poll, one saying available", count, final)
	}

	// Without a token the same call is answered in plain JSON.
	plain := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Content-Type", "application/json")
	handler.ServeHTTP(plain, req)
	if ct := plain.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("a call without a progress token was answered as %q, want JSON", ct)
	}
}

// TestHTTPQuestions: over the stateless HTTP listener a client of protocol
// 2026-07-28 that can ask gets the question as an input-required result
// and sends the call again with the answer (multi round-trip requests,
// no session needed); one that cannot ask gets, in one round trip, the
// error naming list-snapshots. Clients of older protocols cannot be asked
// over stateless HTTP: scripts/mcp-clients/features.mjs shows that.
func TestHTTPQuestions(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, "--sandbox", "--confirm-deletes")
	handler, err := a.mcpHTTPHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	for _, canAsk := range []bool{true, false} {
		opts := &mcp.ClientOptions{}
		asked := 0
		if canAsk {
			opts.ElicitationHandler = func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				asked++
				var schema struct {
					Properties struct {
						Snapshot struct {
							OneOf []struct {
								Const string `json:"const"`
							} `json:"oneOf"`
						} `json:"snapshot"`
					} `json:"properties"`
				}
				b, _ := json.Marshal(req.Params.RequestedSchema)
				if err := json.Unmarshal(b, &schema); err != nil || len(schema.Properties.Snapshot.OneOf) == 0 {
					t.Errorf("question %s: %v", b, err)
					return &mcp.ElicitResult{Action: "cancel"}, nil
				}
				return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"snapshot": schema.Properties.Snapshot.OneOf[0].Const}}, nil
			}
		}
		client := mcp.NewClient(&mcp.Implementation{Name: "questions-test", Version: "v0"}, opts)
		session, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.CreateImageTool, Arguments: map[string]any{"name": "asked-over-http", "arch": "x86_64"}})
		session.Close()
		if err != nil {
			t.Fatal(err)
		}
		text := testutil.ResultText(res)
		switch {
		case canAsk && (res.IsError || asked != 1 || !strings.Contains(text, "asked-over-http")):
			t.Errorf("a client that can ask: asked %d times, result %s", asked, text)
		case !canAsk && (!res.IsError || !strings.Contains(text, "root_volume: is required: the id of a snapshot, from list-snapshots")):
			t.Errorf("a client that cannot ask: %s", text)
		}
	}
}
