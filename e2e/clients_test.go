package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
)

// httpSession connects an MCP client to the binary's streamable HTTP
// listener; headers are added to every request.
func httpSession(t *testing.T, addr string, headers ...string) *mcp.ClientSession {
	t.Helper()
	client := &http.Client{Transport: testutil.HeaderTransport(headers)}
	session, err := mcp.NewClient(&mcp.Implementation{Name: "e2e-http", Version: "v0"}, nil).Connect(t.Context(),
		&mcp.StreamableClientTransport{Endpoint: "http://" + addr + "/mcp", HTTPClient: client}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return session
}

// callJSON calls tool and decodes its structured result into out, failing
// the test on a protocol or tool error.
func callJSON(t *testing.T, session *mcp.ClientSession, tool, args string, out any) {
	t.Helper()
	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %s", tool, testutil.ResultText(res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

// restAnswer is one REST answer read in full.
type restAnswer struct {
	status int
	header http.Header
	body   string
}

// restDo sends one request to the listener at addr, with header pairs.
func restDo(t *testing.T, addr, method, path, body string, headers ...string) restAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	resp, err := testutil.HeaderTransport(headers).RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %.80s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return restAnswer{resp.StatusCode, resp.Header, string(b)}
}
