package stdio

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

const (
	initialize  = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}`
	initialized = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
)

// client is the other end of a served stream: it writes lines and reads
// the answers, one JSON object per line.
type client struct {
	in      *io.PipeWriter
	answers chan map[string]json.RawMessage
	served  chan error
}

type serverOptions struct {
	opts Options
	// release, when not nil, holds the "block" tool until it is closed;
	// entered, when not nil, gets a value when the tool starts.
	release, entered chan struct{}
	ctx              context.Context
	// direct serves with the SDK's own stdio transport, without the gate,
	// for benchmarks.
	direct bool
}

// start serves a server with one tool, "block", which answers "done"
// once release is closed (at once when it is nil); it stops with t.
func start(t *testing.T, so serverOptions) *client {
	t.Helper()
	if so.ctx == nil {
		so.ctx = t.Context()
	}
	c, stop := serve(so)
	t.Cleanup(stop)
	return c
}

// serve is start for a session that outlives one test: stop ends it.
func serve(so serverOptions) (c *client, stop func()) {
	server := mcp.NewServer(&mcp.Implementation{Name: "test", Version: "v0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "block", InputSchema: json.RawMessage(`{"type":"object"}`)},
		func(ctx context.Context, _ *mcp.CallToolRequest, _ any) (*mcp.CallToolResult, any, error) {
			if so.entered != nil {
				so.entered <- struct{}{}
			}
			if so.release != nil {
				select {
				case <-so.release:
				case <-ctx.Done():
					return nil, nil, ctx.Err()
				}
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
		})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c = &client{in: inW, answers: make(chan map[string]json.RawMessage, 100), served: make(chan error, 1)}
	go func() {
		if so.direct {
			c.served <- server.Run(so.ctx, &mcp.IOTransport{Reader: inR, Writer: outW})
		} else {
			c.served <- Serve(so.ctx, server, inR, outW, so.opts)
		}
		_ = outW.Close()
	}()
	go func() {
		scanner := bufio.NewScanner(outR)
		scanner.Buffer(nil, 1<<20)
		for scanner.Scan() {
			// A line is one message, or a batch of them; anything else is
			// passed on as an answer without an id, which fails the test
			// that waits for one.
			var batch []map[string]json.RawMessage
			var answer map[string]json.RawMessage
			switch {
			case json.Unmarshal(scanner.Bytes(), &answer) == nil:
				batch = append(batch, answer)
			case json.Unmarshal(scanner.Bytes(), &batch) != nil:
				batch = []map[string]json.RawMessage{{"not_json": json.RawMessage(strconv.Quote(scanner.Text()))}}
			}
			for _, answer := range batch {
				c.answers <- answer
			}
		}
		close(c.answers)
	}()
	return c, func() { _ = inW.Close(); _ = outR.Close() }
}

func (c *client) send(t testing.TB, lines ...string) {
	for _, line := range lines {
		if _, err := io.WriteString(c.in, line+"\n"); err != nil {
			t.Fatalf("writing %q: %v", line, err)
		}
	}
}

// next returns the next answer; the server must write one, a JSON-RPC
// message.
func (c *client) next(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	select {
	case answer, ok := <-c.answers:
		if !ok {
			t.Fatal("the server's output ended")
		}
		if answer["not_json"] != nil {
			t.Fatalf("the server wrote a line that is not a JSON-RPC message: %s", answer["not_json"])
		}
		return answer
	case <-time.After(10 * time.Second): // a hang guard, not a speed check
		t.Fatal("no answer")
	}
	return nil
}

func (c *client) open(t *testing.T) {
	t.Helper()
	c.send(t, initialize, initialized)
	if answer := c.next(t); string(answer["id"]) != "1" || answer["result"] == nil {
		t.Fatalf("initialize: %v", answer)
	}
}

func errorOf(t *testing.T, answer map[string]json.RawMessage) (int, string) {
	t.Helper()
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(answer["error"], &e); err != nil {
		t.Fatalf("answer %v is not an error", answer)
	}
	return e.Code, e.Message
}

// TestMalformedFramesAreAnswered sends, in one session, every kind of
// frame that ended the SDK's own stdio session, each followed by a ping:
// each gets the JSON-RPC error it deserves, and the ping its answer.
func TestMalformedFramesAreAnswered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line string
		code       int
		id         string
	}{
		{"not JSON", `hello`, CodeParseError, "null"},
		{"byte order mark", "\ufeff" + `{"jsonrpc":"2.0","id":5,"method":"ping"}`, CodeParseError, "null"},
		{"NUL", "\x00", CodeParseError, "null"},
		{"truncated", `{"jsonrpc":"2.0","id":14,"meth`, CodeParseError, "null"},
		{"two messages on a line", `{"jsonrpc":"2.0","id":8,"method":"ping"}{"jsonrpc":"2.0","id":9,"method":"ping"}`, CodeParseError, "null"},
		{"a number", `42`, CodeInvalidRequest, "null"},
		{"a string", `"x"`, CodeInvalidRequest, "null"},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), CodeInvalidRequest, "null"},
		{"empty batch", `[]`, CodeInvalidRequest, "null"},
		{"batch under 2025-06-18", `[{"jsonrpc":"2.0","id":8,"method":"ping"}]`, CodeInvalidRequest, "null"},
		{"id an object", `{"jsonrpc":"2.0","id":{},"method":"ping"}`, CodeInvalidRequest, "null"},
		{"id 1e400", `{"jsonrpc":"2.0","id":1e400,"method":"ping"}`, CodeInvalidRequest, "null"},
		{"id a fraction", `{"jsonrpc":"2.0","id":1.5,"method":"ping"}`, CodeInvalidRequest, "null"},
		{"id beyond 2^53", `{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`, CodeInvalidRequest, "null"},
		{"id null", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, CodeInvalidRequest, "null"},
		{"jsonrpc 1.0", `{"jsonrpc":"1.0","id":7,"method":"ping"}`, CodeInvalidRequest, "7"},
		{"no jsonrpc", `{"id":7,"method":"ping"}`, CodeInvalidRequest, "7"},
		{"method a number", `{"jsonrpc":"2.0","id":11,"method":5}`, CodeInvalidRequest, "11"},
		{"upper-case member", `{"jsonrpc":"2.0","ID":{},"method":"ping"}`, CodeInvalidRequest, "null"},
		{"member twice", `{"jsonrpc":"2.0","id":3,"id":{},"method":"ping"}`, CodeInvalidRequest, "null"},
		{"response without id", `{"jsonrpc":"2.0","result":{}}`, CodeInvalidRequest, "null"},
		{"response with a bad error", `{"jsonrpc":"2.0","id":4,"error":"bad"}`, CodeInvalidRequest, "4"},
	}
	c := start(t, serverOptions{})
	c.open(t)
	for i, tt := range tests {
		ping := fmt.Sprintf(`{"jsonrpc":"2.0","id":"ping-%d","method":"ping"}`, i)
		c.send(t, tt.line, ping)
		answer := c.next(t)
		if code, message := errorOf(t, answer); code != tt.code || string(answer["id"]) != tt.id || message == "" {
			t.Errorf("%s: answered %v, want code %d with id %s", tt.name, answer, tt.code, tt.id)
		}
		if answer := c.next(t); string(answer["id"]) != fmt.Sprintf(`"ping-%d"`, i) || answer["result"] == nil {
			t.Fatalf("%s: the session did not go on: %v", tt.name, answer)
		}
	}
}

func TestSessionRules(t *testing.T) {
	t.Parallel()
	t.Run("calls before initialize", func(t *testing.T) {
		t.Parallel()
		c := start(t, serverOptions{})
		c.send(t, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, `{"jsonrpc":"2.0","id":2,"method":"ping"}`)
		if code, message := errorOf(t, c.next(t)); code != CodeInvalidRequest || !strings.Contains(message, "send initialize first") {
			t.Errorf("tools/list before initialize: %d %s", code, message)
		}
		if answer := c.next(t); string(answer["id"]) != "2" || answer["result"] == nil {
			t.Errorf("ping before initialize: %v", answer)
		}
		c.send(t, strings.Replace(initialize, `"id":1`, `"id":3`, 1), initialized, `{"jsonrpc":"2.0","id":4,"method":"tools/list"}`)
		c.next(t)
		if answer := c.next(t); string(answer["id"]) != "4" || answer["result"] == nil {
			t.Errorf("tools/list after initialize: %v", answer)
		}
	})
	t.Run("an id already in flight", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		c := start(t, serverOptions{release: release})
		c.open(t)
		call := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"block","arguments":{}}}`
		c.send(t, call, call)
		if answer := c.next(t); string(answer["id"]) != "9" {
			t.Fatalf("second call with id 9: %v", answer)
		} else if code, _ := errorOf(t, answer); code != CodeInvalidRequest {
			t.Errorf("second call with id 9 got code %d", code)
		}
		close(release)
		if answer := c.next(t); string(answer["id"]) != "9" || answer["result"] == nil {
			t.Errorf("the first call: %v", answer)
		}
	})
	t.Run("a line over the limit", func(t *testing.T) {
		t.Parallel()
		c := start(t, serverOptions{opts: Options{MaxFrameBytes: 512}})
		c.open(t)
		c.send(t, `{"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":"`+strings.Repeat("x", 100_000)+`"}}`, `{"jsonrpc":"2.0","id":6,"method":"ping"}`)
		if code, message := errorOf(t, c.next(t)); code != CodeInvalidRequest || !strings.Contains(message, "longer than 512 bytes") {
			t.Errorf("long line: %d %s", code, message)
		}
		if answer := c.next(t); string(answer["id"]) != "6" {
			t.Errorf("the line after: %v", answer)
		}
	})
	t.Run("batches under 2025-03-26", func(t *testing.T) {
		t.Parallel()
		c := start(t, serverOptions{opts: Options{MaxBatch: 2}})
		c.send(t, strings.Replace(initialize, "2025-06-18", "2025-03-26", 1), initialized)
		c.next(t)
		c.send(t, `[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"ping"}]`)
		ids := []string{string(c.next(t)["id"]), string(c.next(t)["id"])}
		if slices.Sort(ids); !slices.Equal(ids, []string{"2", "3"}) {
			t.Errorf("batch answered ids %v", ids)
		}
		c.send(t, `[{"jsonrpc":"2.0","id":4,"method":"ping"},{"jsonrpc":"2.0","id":5,"method":"ping"},{"jsonrpc":"2.0","id":6,"method":"ping"}]`)
		if code, message := errorOf(t, c.next(t)); code != CodeInvalidRequest || !strings.Contains(message, "at most 2") {
			t.Errorf("batch of 3: %d %s", code, message)
		}
	})
}

const blockCall = `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"block","arguments":{}}}`

// TestDrain: when the client closes its end, or a signal comes, the call
// in flight still gets its answer; new calls are refused; a call that
// outlives the grace period is reported.
func TestDrain(t *testing.T) {
	t.Parallel()
	served := func(t *testing.T, c *client) error {
		t.Helper()
		select {
		case err := <-c.served:
			return err
		case <-time.After(10 * time.Second): // a hang guard
			t.Fatal("Serve did not return")
		}
		return nil
	}
	t.Run("end of input", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		c := start(t, serverOptions{release: release})
		c.open(t)
		c.send(t, blockCall)
		_ = c.in.Close()
		close(release)
		if answer := c.next(t); string(answer["id"]) != "9" || answer["result"] == nil {
			t.Errorf("the call in flight: %v", answer)
		}
		if err := served(t, c); err != nil {
			t.Errorf("Serve = %v", err)
		}
	})
	t.Run("signal", func(t *testing.T) {
		t.Parallel()
		release, entered := make(chan struct{}), make(chan struct{}, 1)
		ctx, stop := context.WithCancel(t.Context())
		drained := make(chan struct{})
		c := start(t, serverOptions{release: release, entered: entered, ctx: ctx, opts: Options{OnDrain: func() { close(drained) }}})
		c.open(t)
		c.send(t, blockCall)
		<-entered
		stop()
		<-drained
		c.send(t, `{"jsonrpc":"2.0","id":10,"method":"tools/list"}`)
		if answer := c.next(t); string(answer["id"]) != "10" {
			t.Errorf("a call after the signal: %v", answer)
		} else if code, message := errorOf(t, answer); code != CodeShuttingDown || !strings.Contains(message, "shutting down") {
			t.Errorf("a call after the signal: %d %s", code, message)
		}
		close(release)
		if answer := c.next(t); string(answer["id"]) != "9" || answer["result"] == nil {
			t.Errorf("the call in flight: %v", answer)
		}
		if err := served(t, c); err != nil {
			t.Errorf("Serve = %v", err)
		}
	})
	t.Run("grace period ends", func(t *testing.T) {
		t.Parallel()
		c := start(t, serverOptions{release: make(chan struct{}), opts: Options{Grace: 50 * time.Millisecond}})
		c.open(t)
		c.send(t, blockCall)
		_ = c.in.Close()
		if err := served(t, c); !errors.Is(err, ErrUnanswered) || !strings.Contains(err.Error(), "9 tools/call") {
			t.Errorf("Serve = %v, want the unanswered call named", err)
		}
	})
}
