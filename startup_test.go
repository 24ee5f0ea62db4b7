package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestBinaryDoesNotLinkInvopop: the schemas are generated at development
// time (go generate ./schemas) and embedded, so the binary must not even
// contain the reflector, let alone call it when it starts.
func TestBinaryDoesNotLinkInvopop(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps listed %d packages; expected the whole graph", len(deps))
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/invopop/jsonschema") || strings.HasSuffix(dep, "/internal/schemagen") {
			t.Errorf("the binary links %s: schemas must come from the embedded files", dep)
		}
	}
}

// TestStartMakesNoRequest serves MCP over stdio against an API that counts
// its requests: initialize and tools/list must reach nothing, the first
// tool call exactly the API.
func TestStartMakesNoRequest(t *testing.T) {
	t.Parallel()
	var requests atomic.Int64
	fake := scalewaytest.New(scalewaytest.Options{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	env := map[string]string{
		"SCW_API_URL":     api.URL,
		"SCW_SECRET_KEY":  scalewaytest.SandboxToken,
		"SCW_CONFIG_PATH": t.TempDir() + "/none.yaml",
		"HOME":            t.TempDir(),
	}
	lookupEnv := func(key string) (string, bool) { v, ok := env[key]; return v, ok }

	stdinReader, stdin := io.Pipe()
	stdoutReader, stdout := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--log-level", "disabled"}, lookupEnv, stdinReader, stdout, io.Discard)
		stdout.Close()
	}()
	t.Cleanup(func() {
		cancel()
		stdin.Close()
		<-done
	})
	answers := bufio.NewReader(stdoutReader)
	send := func(line string, wantAnswer bool) string {
		t.Helper()
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			t.Fatal(err)
		}
		if !wantAnswer {
			return ""
		}
		answer, err := answers.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return answer
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`, true)
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`, false)
	if listed := send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, true); !strings.Contains(listed, `"name":"list-instance-images"`) {
		t.Fatalf("tools/list: %.300s", listed)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("starting, initializing and listing tools made %d API requests, want 0", n)
	}
	if called := send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list-instance-images","arguments":{}}}`, true); !strings.Contains(called, `"columns"`) {
		t.Fatalf("tools/call: %.300s", called)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("the first tool call made %d API requests, want 1", n)
	}
}
