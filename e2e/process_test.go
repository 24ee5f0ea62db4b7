package e2e

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// process is the built binary running with every byte of its stdout and
// stderr kept, for the tests that must see all of it.
type process struct {
	cmd            *exec.Cmd
	stdout, stderr *testutil.Buffer
	addrs          map[string]string // listening addresses by listener name
	session        *mcp.ClientSession
}

// startStdio runs the binary serving MCP on stdio and connects a client;
// stdout is copied as the client reads it. When the test ends the client
// closes stdin, and the binary must then exit cleanly.
func startStdio(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	p := &process{stdout: &testutil.Buffer{}, stderr: &testutil.Buffer{}}
	var stdin io.WriteCloser
	var stdout io.Reader
	var err error
	p.cmd, stdin, stdout = spawnStdio(t, p.stderr, env, args...)
	transport := &mcp.IOTransport{Reader: io.NopCloser(io.TeeReader(stdout, p.stdout)), Writer: stdin}
	p.session, err = mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "v0"}, nil).Connect(t.Context(), transport, nil)
	if err != nil {
		t.Fatalf("connecting over stdio: %v\n%s", err, p.stderr)
	}
	t.Cleanup(func() {
		p.session.Close()
		stdin.Close()
		p.wait(t)
	})
	return p
}

// spawnStdio starts the binary with pipes on its stdin and stdout, its
// stderr kept in stderr.
func spawnStdio(t *testing.T, stderr *testutil.Buffer, env []string, args ...string) (*exec.Cmd, io.WriteCloser, io.Reader) {
	t.Helper()
	cmd := command(t, env, args...)
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdin, stdout
}

// startProcess starts the binary with its output kept, and stops it with
// SIGTERM when the test ends, failing the test unless it then exits
// cleanly.
func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: command(t, env, args...), stdout: &testutil.Buffer{}, stderr: &testutil.Buffer{}, addrs: map[string]string{}}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		p.wait(t)
	})
	return p
}

// startListeners runs the binary with HTTP listeners on 127.0.0.1:0 and
// waits for the addresses it logs.
func startListeners(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	p := startProcess(t, env, args...)
	want := strings.Count(strings.Join(args, " "), "127.0.0.1:0")
	p.awaitStderr(t, "every listening address", func(lines []string) bool {
		for _, line := range lines {
			var l struct{ Listener, Addr, Message string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Message == "listening" {
				p.addrs[l.Listener] = l.Addr
			}
		}
		return len(p.addrs) == want
	})
	return p
}

// awaitStderr polls the process's stderr, boundedly, until found says its
// complete lines hold what the test waits for (described by what).
func (p *process) awaitStderr(t *testing.T, what string, found func(lines []string) bool) {
	t.Helper()
	for range 1000 {
		stderr := p.stderr.String()
		if found(strings.Split(stderr[:strings.LastIndex(stderr, "\n")+1], "\n")) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the binary's stderr does not show %s:\n%s", what, p.stderr)
}

// wait reaps the process, killing it if it does not end within 10 s.
func (p *process) wait(t *testing.T) {
	timer := time.AfterFunc(10*time.Second, func() { _ = p.cmd.Process.Kill() })
	defer timer.Stop()
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("the binary did not exit cleanly: %v\n%s", err, p.stderr)
	}
}

// alive reports whether the process is still running.
func (p *process) alive() bool {
	return p.cmd.ProcessState == nil && p.cmd.Process.Signal(syscall.Signal(0)) == nil
}

// upstreamEnv points the binary at fake with key: the real client path,
// not the sandbox (which ignores the configured key).
func upstreamEnv(fake *scalewaytest.Server, key string) []string {
	return []string{
		"SCW_API_URL=" + fake.URL,
		"SCW_SECRET_KEY=" + key,
		"SCW_DEFAULT_PROJECT_ID=" + scalewaytest.DefaultProjectID,
		"SCW_DEFAULT_ZONE=fr-par-1",
	}
}
