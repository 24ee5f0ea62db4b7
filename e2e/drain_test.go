package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/stdio"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// rawStdio is the binary serving MCP on stdio, driven line by line, as a
// client that may misbehave or go away.
type rawStdio struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *testutil.Buffer
}

func startRawStdio(t *testing.T, env []string, args ...string) *rawStdio {
	t.Helper()
	p := &rawStdio{lines: make(chan string, 1000), stderr: &testutil.Buffer{}}
	var stdout io.Reader
	p.cmd, p.stdin, stdout = spawnStdio(t, p.stderr, env, args...)
	go func() {
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(nil, 4<<20)
		for scanner.Scan() {
			p.lines <- scanner.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		_ = p.stdin.Close()
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	})
	return p
}

func (p *rawStdio) send(t *testing.T, lines ...string) {
	t.Helper()
	for _, line := range lines {
		if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
			t.Fatalf("writing to the binary: %v\n%s", err, p.stderr)
		}
	}
}

// answer waits for the answer to the call with this id (a JSON value),
// failing if stdout ends first or carries anything but JSON-RPC.
func (p *rawStdio) answer(t *testing.T, id string) map[string]json.RawMessage {
	t.Helper()
	answer, _ := p.answerAfter(t, id)
	return answer
}

// answerAfter is answer, and also returns the messages written before it.
func (p *rawStdio) answerAfter(t *testing.T, id string) (answer map[string]json.RawMessage, before []map[string]json.RawMessage) {
	t.Helper()
	timeout := time.After(20 * time.Second) // a hang guard, not a speed check
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("stdout ended before the answer to %s\n%s", id, p.stderr)
			}
			var msg map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &msg); err != nil || string(msg["jsonrpc"]) != `"2.0"` {
				t.Fatalf("stdout carried %q, not a JSON-RPC message", line)
			}
			if string(msg["id"]) == id {
				return msg, before
			}
			before = append(before, msg)
		case <-timeout:
			t.Fatalf("no answer to %s\n%s", id, p.stderr)
		}
	}
}

// exit waits for the binary to end: nil when it exits 0.
func (p *rawStdio) exit(t *testing.T) error {
	t.Helper()
	timer := time.AfterFunc(20*time.Second, func() { _ = p.cmd.Process.Kill() })
	defer timer.Stop()
	return p.cmd.Wait()
}

const (
	rawInitialize  = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`
	rawInitialized = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
)

func (p *rawStdio) open(t *testing.T) {
	t.Helper()
	p.send(t, rawInitialize, rawInitialized)
	if answer := p.answer(t, "0"); answer["result"] == nil {
		t.Fatalf("initialize: %v", answer)
	}
}

// TestStdioDeliversAnswersAtShutdown holds a create in the API while the
// process is told to stop (SIGTERM, SIGINT) or its client closes stdin:
// the image is created and its answer is written, and the process exits 0.
func TestStdioDeliversAnswersAtShutdown(t *testing.T) {
	t.Parallel()
	for _, stop := range []string{"SIGTERM", "SIGINT", "end of stdin"} {
		t.Run(stop, func(t *testing.T) {
			t.Parallel()
			fake := scalewaytest.NewServer(scalewaytest.Options{})
			t.Cleanup(fake.Close)
			fake.Script(scalewaytest.RouteCreateImage, scalewaytest.Delay(time.Second))
			p := startRawStdio(t, upstreamEnv(fake, scalewaytest.SandboxToken))
			p.open(t)
			snapshot := fake.Snapshots("fr-par-1")[0].ID
			p.send(t, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create-instance-image","arguments":{"root_volume":"`+snapshot+`","arch":"x86_64","name":"during-shutdown"}}}`)
			for fake.RequestCount(scalewaytest.RouteCreateImage) == 0 { // the POST is in the API's hands
				time.Sleep(5 * time.Millisecond)
			}
			switch stop {
			case "SIGTERM":
				_ = p.cmd.Process.Signal(syscall.SIGTERM)
			case "SIGINT":
				_ = p.cmd.Process.Signal(syscall.SIGINT)
			default:
				_ = p.stdin.Close()
			}
			answer := p.answer(t, "7")
			var result struct {
				IsError           bool `json:"isError"`
				StructuredContent struct {
					Image struct{ ID, Name string }
				} `json:"structuredContent"`
			}
			if err := json.Unmarshal(answer["result"], &result); err != nil || result.IsError || result.StructuredContent.Image.Name != "during-shutdown" {
				t.Fatalf("the create's answer: %s (%v)", answer["result"], err)
			}
			if err := p.exit(t); err != nil {
				t.Errorf("exit: %v\n%s", err, p.stderr)
			}
			if !strings.Contains(p.stderr.String(), `"message":"draining"`) {
				t.Errorf("no drain logged:\n%s", p.stderr)
			}
		})
	}
}

// malformedFrames are frames that ended the SDK's stdio session before
// the gate, and more of their kind: each must get a JSON-RPC error (or,
// for a blank line, nothing) and leave the session running.
var malformedFrames = []string{
	`hello`, `{`, `}`, `[`, `nul`, `tru`, `"unterminated`, "\ufeff" + `{"jsonrpc":"2.0","id":1,"method":"ping"}`,
	"\x00", "\x00\x00\x00", "\xff\xfe", `{"jsonrpc":"2.0","id":14,"meth`, `{"jsonrpc":"2.0","id":8,"method":"ping"}{"jsonrpc":"2.0","id":9,"method":"ping"}`,
	`{"jsonrpc":"2.0","id":8,"method":"ping"} {"jsonrpc":"2.0","id":9,"method":"ping"}`, `42`, `-1`, `"x"`, `true`, `null`,
	`[]`, `[1]`, `[{"jsonrpc":"2.0","id":8,"method":"ping"},{"jsonrpc":"2.0","id":9,"method":"ping"}]`,
	strings.Repeat("[", 20000) + strings.Repeat("]", 20000), strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100),
	`{"jsonrpc":"2.0","id":{},"method":"ping"}`, `{"jsonrpc":"2.0","id":[],"method":"ping"}`, `{"jsonrpc":"2.0","id":true,"method":"ping"}`,
	`{"jsonrpc":"2.0","id":1e400,"method":"ping"}`, `{"jsonrpc":"2.0","id":1.5,"method":"ping"}`, `{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`,
	`{"jsonrpc":"2.0","id":null,"method":"ping"}`, `{"jsonrpc":"1.0","id":7,"method":"ping"}`, `{"jsonrpc":2,"id":7,"method":"ping"}`,
	`{"id":7,"method":"ping"}`, `{"jsonrpc":"2.0","id":11,"method":5}`, `{"jsonrpc":"2.0","id":11,"method":""}`,
	`{"jsonrpc":"2.0","ID":{},"method":"ping"}`, `{"jsonrpc":"2.0","id":3,"id":{},"method":"ping"}`, `{"JSONRPC":"2.0","id":3,"method":"ping"}`,
	`{"jsonrpc":"2.0","result":{}}`, `{"jsonrpc":"2.0","id":4,"error":"bad"}`, `{"jsonrpc":"2.0","id":4,"result":{},"error":{"code":1,"message":"m"}}`,
	`{"jsonrpc":"2.0","id":4}`, `{"jsonrpc":"2.0","id":"big","method":"ping","params":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`,
}

// TestStdioSurvivesMalformedFrames sends every malformed frame, each
// followed by a ping, to the binary: every frame is answered with a
// JSON-RPC error and every ping with its answer.
func TestStdioSurvivesMalformedFrames(t *testing.T) {
	t.Parallel()
	p := startRawStdio(t, []string{"SCALEWAY_IMAGES_MCP_SANDBOX=true"})
	p.open(t)
	survived, refused := 0, 0
	for i, frame := range malformedFrames {
		id := fmt.Sprintf(`"ping-%d"`, i)
		p.send(t, frame, `{"jsonrpc":"2.0","id":`+id+`,"method":"ping"}`)
		answer, before := p.answerAfter(t, id)
		if answer["result"] != nil {
			survived++
		}
		if len(before) == 1 && before[0]["error"] != nil {
			refused++
		} else {
			t.Errorf("frame %d (%.60q) was answered %v, want one JSON-RPC error", i, frame, before)
		}
	}
	if survived != len(malformedFrames) || refused != len(malformedFrames) {
		t.Errorf("%d of %d malformed frames survived, %d refused with an error", survived, len(malformedFrames), refused)
	}
	t.Logf("%d of %d malformed frames survived, each answered with a JSON-RPC error (the frame limit is %d bytes)", survived, len(malformedFrames), stdio.DefaultMaxFrameBytes)
}

// TestHTTPBatchFanOut sends the request that once made 5,000 upstream
// requests in 0.7 s: one 80 KB body holding a batch of 500 zone "all"
// lists. It is refused before any call starts.
func TestHTTPBatchFanOut(t *testing.T) {
	t.Parallel()
	fake := scalewaytest.NewServer(scalewaytest.Options{})
	t.Cleanup(fake.Close)
	p := startListeners(t, upstreamEnv(fake, scalewaytest.SandboxToken), "--http", "127.0.0.1:0")
	batch := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list-instance-images","arguments":{"zone":"all","all_pages":true,"per_page":1}}}`, i)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	headers := []string{"Content-Type", "application/json", "Accept", "application/json, text/event-stream", "Mcp-Protocol-Version", "2025-03-26"}
	big := batch(500)
	answer := restDo(t, p.addrs["mcp"], "POST", "/mcp", big, headers...)
	if answer.status != 400 || !strings.Contains(answer.body, "at most") {
		t.Errorf("a batch of 500 (%d bytes): %d %s", len(big), answer.status, answer.body)
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("the refused batch made %d upstream requests", n)
	}
	t.Logf("one %d-byte batch of 500 zone \"all\" lists: HTTP %d, %d upstream requests", len(big), answer.status, len(fake.Requests()))
}

// TestHTTPWaitAnswersAtShutdown: SIGTERM while a create waits for its
// image over streamable HTTP. The wait ends at once with an answer that
// says the image exists and how to check it later, the listener delivers
// it within its grace period, and the process exits 0.
func TestHTTPWaitAnswersAtShutdown(t *testing.T) {
	t.Parallel()
	fake := scalewaytest.NewServer(scalewaytest.Options{CreatingDuration: time.Hour})
	t.Cleanup(fake.Close)
	p := startListeners(t, upstreamEnv(fake, scalewaytest.SandboxToken), "--http", "127.0.0.1:0")
	session := httpSession(t, p.addrs["mcp"])
	type outcome struct {
		res *mcp.CallToolResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.CreateImageTool, Arguments: map[string]any{
			"root_volume": fake.Snapshots("fr-par-1")[0].ID, "arch": "x86_64", "name": "waiting", "wait": true,
		}})
		done <- outcome{res, err}
	}()
	for fake.RequestCount(scalewaytest.RouteCreateImage) == 0 { // the image exists, the wait has begun
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	got := <-done
	if got.err != nil || got.res.IsError {
		t.Fatalf("the waiting create: %v %s", got.err, testutil.ResultText(got.res))
	}
	var out tools.CreateImageOutput
	if err := json.Unmarshal([]byte(testutil.ResultText(got.res)), &out); err != nil {
		t.Fatal(err)
	}
	if !out.WaitInterrupted || out.Image == nil || out.Image.Name != "waiting" || !strings.Contains(out.NextStep, tools.GetImageTool) || !strings.Contains(out.NextStep, out.Image.ID) {
		t.Errorf("the answer: %+v", out)
	}
	// p.wait, in the cleanup, fails the test unless the process exits 0.
}
