package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// keyTransport adds a caller's own Scaleway key to every request.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Auth-Token", k.key)
	return http.DefaultTransport.RoundTrip(r)
}

// TestHTTPCallerKeyIsUsedForThatRequest checks that over HTTP a request's
// X-Auth-Token replaces the configured key for that request alone: the
// sandbox fake refuses a malformed key, and accepts the configured one.
func TestHTTPCallerKeyIsUsedForThatRequest(t *testing.T) {
	t.Parallel()
	opts, _, err := parseFlags([]string{"--sandbox", "--log-level", "disabled"}, func(string) (string, bool) { return "", false }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(opts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
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
	withBadKey := connect(&http.Client{Transport: keyTransport{key: "not-a-valid-key"}})
	res, err := withBadKey.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(resultText(res), "denied_authentication") {
		t.Errorf("caller's key was not used: %s", resultText(res))
	}
	plain := connect(nil)
	res, err = plain.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Errorf("configured key: %v %s", err, resultText(res))
	}
	if got := a.sandbox.Requests(); len(got) != 2 || got[0].Header.Get("X-Auth-Token") != "not-a-valid-key" || got[1].Header.Get("X-Auth-Token") == "not-a-valid-key" {
		t.Errorf("the fake saw the wrong keys")
	}
}
