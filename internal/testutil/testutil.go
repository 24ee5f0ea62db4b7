// Package testutil holds the helpers that the tests of several packages
// share: a buffer that concurrent writers (handlers, a child process) can
// fill while the test reads it, a clock the test moves by hand, an MCP
// client session in memory and the text of a tool result, and an HTTP
// transport that adds headers.
package testutil

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Buffer is a bytes.Buffer safe for concurrent use: log output of
// concurrent handlers, a process's stdout.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what has been written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Clock is a time source that moves only when the test says, safe for the
// goroutines that read it (a fake API's handlers).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock that reads start until advanced.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now is the clock's time, for a func() time.Time option.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// ConnectInMemory connects a client session to server in memory, with the
// client's options opts (nil for none); both ends close when tb ends.
func ConnectInMemory(tb testing.TB, server *mcp.Server, opts *mcp.ClientOptions) *mcp.ClientSession {
	tb.Helper()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := server.Connect(tb.Context(), st, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ss.Close() })
	session, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "v0"}, opts).Connect(tb.Context(), ct, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { session.Close() })
	return session
}

// ResultText is the text blocks of a tool result, one a line: what a
// client shows of it, and where a tool error says what went wrong.
func ResultText(result *mcp.CallToolResult) string {
	var parts []string
	for _, c := range result.Content {
		if text, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, text.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// HeaderTransport sets its header pairs (name, value, name, value...) on
// every request before http.DefaultTransport sends it: a caller's own
// Scaleway key, a bearer token, the headers a browser adds.
type HeaderTransport []string

// RoundTrip sends a copy of r with the headers set, leaving r as it was.
func (h HeaderTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for i := 0; i+1 < len(h); i += 2 {
		r.Header.Set(h[i], h[i+1])
	}
	return http.DefaultTransport.RoundTrip(r)
}
