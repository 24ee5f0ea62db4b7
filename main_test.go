package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// binary is the program built once for the tests that run it as a user
// would: over stdio, over HTTP, with signals.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "scaleway-images-mcp-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "scaleway-images-mcp")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv is an environment with no Scaleway credentials or config, so
// tests never depend on the machine's.
func cleanEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "PATH=" + os.Getenv("PATH")}, extra...)
}

func connectStdio(t *testing.T, args ...string) *mcp.ClientSession {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = cleanEnv(t)
	client := mcp.NewClient(&mcp.Implementation{Name: "stdio-test", Version: "v0"}, nil)
	session, err := client.Connect(t.Context(), &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Close() })
	return session
}

func callJSON(t *testing.T, session *mcp.ClientSession, tool, args string, out any) {
	t.Helper()
	res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %s", tool, resultText(res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}

func TestStdioRoundTrip(t *testing.T) {
	t.Parallel()
	session := connectStdio(t, "--sandbox")
	init := session.InitializeResult()
	if init.ServerInfo.Name != "scaleway-images-mcp" || init.ServerInfo.Version == "" || !strings.Contains(init.ServerInfo.Description, "commit none") ||
		!strings.Contains(init.Instructions, "SANDBOX") || !strings.Contains(init.Instructions, tools.ListSnapshotsTool) {
		t.Errorf("initialize: %+v", init)
	}
	listed, err := session.ListTools(t.Context(), nil)
	if err != nil || len(listed.Tools) != 7 {
		t.Fatalf("tools/list: %v, %d tools", err, len(listed.Tools))
	}

	var list tools.ListImagesOutput
	callJSON(t, session, tools.ListImagesTool, `{}`, &list)
	before := list.TotalCount

	// The sandbox instructions point at list-snapshots: create from the
	// newest snapshot no image uses.
	var snapshots tools.ListSnapshotsOutput
	callJSON(t, session, tools.ListSnapshotsTool, `{"unused":true}`, &snapshots)
	if len(snapshots.Snapshots) == 0 {
		t.Fatalf("no unused snapshot in the sandbox: %+v", snapshots)
	}
	snapshot := snapshots.Snapshots[0].ID
	var created tools.CreateImageOutput
	callJSON(t, session, tools.CreateImageTool, `{"name":"stdio-test","root_volume":"`+snapshot+`","arch":"arm64","tags":["t"]}`, &created)
	id := created.Image.ID

	var got tools.ImageOutput
	callJSON(t, session, tools.GetImageTool, `{"image_id":"`+id+`"}`, &got)
	if got.Image.Name != "stdio-test" {
		t.Errorf("get: %+v", got.Image)
	}
	callJSON(t, session, tools.UpdateImageTool, `{"image_id":"`+id+`","name":"patched"}`, &got)
	callJSON(t, session, tools.SetImageTool, `{"id":"`+id+`","public":true}`, &got)
	if got.Image.Name != "patched" || !got.Image.Public || len(got.Image.Tags) != 1 {
		t.Errorf("patch then put: %+v", got.Image)
	}
	callJSON(t, session, tools.ListImagesTool, `{}`, &list)
	if list.TotalCount != before {
		// The image became public: it left the private list.
		t.Errorf("private images: %d, want %d", list.TotalCount, before)
	}
	var deleted tools.DeleteImageOutput
	callJSON(t, session, tools.DeleteImageTool, `{"image_id":"`+id+`"}`, &deleted)
	if len(deleted.RemainingSnapshots) != 1 || deleted.RemainingSnapshots[0].ID != snapshot || deleted.RemainingSnapshots[0].SizeGB == nil {
		t.Errorf("delete: %+v", deleted)
	}
}

func TestStdioReadOnlyAndAllowList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"--sandbox", "--read-only"}, 3},
		{[]string{"--sandbox", "--read-only", "--tools", "list-snapshots,create-instance-image"}, 1},
		{[]string{"--sandbox", "--tools", "get-instance-image,delete-instance-image"}, 2},
		{[]string{"--sandbox", "--read-only", "--tools", "delete-instance-image,list-instance-images"}, 1},
	}
	for _, tt := range tests {
		session := connectStdio(t, tt.args...)
		listed, err := session.ListTools(t.Context(), nil)
		if err != nil || len(listed.Tools) != tt.want {
			t.Errorf("%v: %v, %d tools, want %d", tt.args, err, len(listed.Tools), tt.want)
		}
	}
}

// TestStdoutCarriesOnlyJSONRPC drives the binary with raw JSON-RPC, debug
// logging on, and checks that every stdout line is a JSON-RPC message.
func TestStdoutCarriesOnlyJSONRPC(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "--sandbox", "--log-level", "debug")
	cmd.Env = cleanEnv(t)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	requests := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list-instance-images","arguments":{"public":true}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get-instance-image","arguments":{"image_id":"../etc"}}}`,
		`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"no-such-tool","arguments":{}}}`,
	}
	if _, err := io.WriteString(stdin, strings.Join(requests, "\n")+"\n"); err != nil {
		t.Fatal(err)
	}
	ids := map[float64]bool{}
	scanner := bufio.NewScanner(stdout)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for len(ids) < 5 && scanner.Scan() {
		var msg struct {
			JSONRPC string   `json:"jsonrpc"`
			ID      *float64 `json:"id"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &msg); err != nil || msg.JSONRPC != "2.0" {
			t.Fatalf("stdout line is not JSON-RPC: %q", scanner.Text())
		}
		if msg.ID != nil {
			ids[*msg.ID] = true
		}
	}
	stdin.Close()
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("binary exited with %v; stderr:\n%s", err, stderr.String())
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		t.Errorf("stdout carried more than the answers: %q", rest)
	}
	if len(ids) != 5 {
		t.Errorf("answers to %v, want 1 to 5", ids)
	}
	if !strings.Contains(stderr.String(), `"tool":"list-instance-images"`) {
		t.Errorf("stderr lacks the tool call log line:\n%s", stderr.String())
	}
}

// startBinary starts the binary with args and a clean environment, and
// stops it with SIGTERM when the test ends, failing the test unless it
// shuts down cleanly. It returns the binary's stderr, for the caller to
// read the addresses it logs and then drain.
func startBinary(t *testing.T, args ...string) io.ReadCloser {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = cleanEnv(t)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s did not shut down cleanly on SIGTERM: %v", args, err)
		}
	})
	return stderr
}

// startServing runs the binary with HTTP listeners and returns the
// addresses it logged, by listener name.
func startServing(t *testing.T, args ...string) map[string]string {
	t.Helper()
	stderr := startBinary(t, args...)
	want := strings.Count(strings.Join(args, " "), "127.0.0.1:0")
	addrs := map[string]string{}
	lines := bufio.NewScanner(stderr)
	for len(addrs) < want && lines.Scan() {
		var line struct{ Listener, Addr, Message string }
		if json.Unmarshal(lines.Bytes(), &line) == nil && line.Message == "listening" {
			addrs[line.Listener] = line.Addr
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	if len(addrs) < want {
		t.Fatalf("the binary logged %d listening addresses, want %d", len(addrs), want)
	}
	return addrs
}

func TestHTTPAndRESTInOneProcess(t *testing.T) {
	t.Parallel()
	addrs := startServing(t, "--sandbox", "--http", "127.0.0.1:0", "--rest", "127.0.0.1:0")

	client := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "v0"}, nil)
	session, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: "http://" + addrs["mcp"] + "/mcp"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	var list tools.ListImagesOutput
	callJSON(t, session, tools.ListImagesTool, `{"public":true,"per_page":3}`, &list)
	if len(list.Images) != 3 || list.NextPage != 2 {
		t.Errorf("list over HTTP: %+v", list)
	}

	resp, err := http.Get("http://" + addrs["rest"] + "/v1/instance/v1/zones/fr-par-1/images?public=true&per_page=2")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Images []map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(page.Images) != 2 || resp.Header.Get("X-Total-Count") != "14" {
		t.Errorf("REST list: %d, %d images, total %q", resp.StatusCode, len(page.Images), resp.Header.Get("X-Total-Count"))
	}
}

func TestHTTPRefusesToListenBeyondLoopbackWithoutToken(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "--sandbox", "--http", "0.0.0.0:0")
	cmd.Env = cleanEnv(t)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "token") {
		t.Errorf("started beyond loopback without a token: %v\n%s", err, out)
	}
}

func TestCallCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		wantErr  bool
		wantOut  string
		wantCode int
	}{
		{[]string{"--sandbox", "call", "list-instance-images", `{"zone":"fr-par-1"}`}, false, `"total_count": 3`, 0},
		{[]string{"--sandbox", "call", "get-instance-image", `{"image_id":"nope"}`}, true, `"isError": true`, 1},
		{[]string{"--sandbox", "call", "list-instance-images", `{not json`}, true, "", 1},
		{[]string{"--sandbox", "call"}, true, "update-image-2          Update an image\n      image_id*, arch,", 2},
		{[]string{"--sandbox", "call", "list-images"}, true, `no tool named "list-images" is served; the tools are create-instance-image, delete-instance-image, get-instance-image, list-instance-images, list-snapshots, update-image, update-image-2`, 1},
		{[]string{"--sandbox", "--read-only", "call", "delete-instance-image", `{}`}, true, "the tools are get-instance-image, list-instance-images, list-snapshots (--read-only and --tools narrow the list)", 1},
		{[]string{"--sandbox", "call", "--sandbox", "list-instance-images"}, true, "flag provided but not defined: -sandbox", 2},
		{[]string{"call", "list-instance-images"}, true, `SCW_SECRET_KEY`, 1},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		env := func(string) (string, bool) { return "", false }
		err := run(t.Context(), tt.args, env, strings.NewReader(""), &stdout, &stderr)
		code := exitCode(err)
		if code != tt.wantCode || !strings.Contains(stdout.String()+stderr.String()+errString(err), tt.wantOut) {
			t.Errorf("%v: exit %d (err %v), want %d and %q\nstdout: %s\nstderr: %s", tt.args, code, err, tt.wantCode, tt.wantOut, stdout.String(), stderr.String())
		}
	}
}

func exitCode(err error) int {
	switch e := err.(type) {
	case nil:
		return 0
	case exitError:
		return int(e)
	}
	if err == errUsage {
		return 2
	}
	return 1
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestVersionAndBadFlags(t *testing.T) {
	t.Parallel()
	env := func(k string) (string, bool) {
		if k == "SCALEWAY_IMAGES_MCP_READ_ONLY" {
			return "maybe", true
		}
		return "", false
	}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"--version"}, func(string) (string, bool) { return "", false }, nil, &stdout, &stderr); err != nil || !strings.HasPrefix(stdout.String(), "scaleway-images-mcp ") {
		t.Errorf("--version: %v %q", err, stdout.String())
	}
	if err := run(t.Context(), nil, env, nil, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "SCALEWAY_IMAGES_MCP_READ_ONLY") {
		t.Errorf("bad boolean variable: %v", err)
	}
	if err := run(t.Context(), []string{"--sandbox", "--log-level", "loud"}, func(string) (string, bool) { return "", false }, strings.NewReader(""), &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "--log-level") {
		t.Errorf("bad log level: %v", err)
	}
	if err := run(t.Context(), []string{"--sandbox", "--zone", "mars-1"}, func(string) (string, bool) { return "", false }, strings.NewReader(""), &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "mars-1") {
		t.Errorf("bad zone: %v", err)
	}
	if err := run(t.Context(), []string{"frobnicate"}, func(string) (string, bool) { return "", false }, nil, &stdout, &stderr); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
}

func TestFakeAPICommand(t *testing.T) {
	t.Parallel()
	stderr := startBinary(t, "fake-api", "--addr", "127.0.0.1:0", "--images", "20")
	lines := bufio.NewScanner(stderr)
	var base string
	for base == "" && lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), "on http://"); ok {
			base = "http://" + strings.Fields(after)[0]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	if base == "" {
		t.Fatal("fake-api did not say where it listens")
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/instance/v1/zones/fr-par-1/images?public=false", nil)
	req.Header.Set("X-Auth-Token", "5a4db0c5-0000-4000-8000-000000000000")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Total-Count") != "5" {
		t.Errorf("fake-api list: %d, total %q (3 seeded + 2 of the 20 extra)", resp.StatusCode, resp.Header.Get("X-Total-Count"))
	}
}

// TestHelp: every way of asking for help prints usage on stdout and exits
// 0, directly and through the built binary; asking about what does not
// exist says what does, and exits 2.
func TestHelp(t *testing.T) {
	t.Parallel()
	program := []string{"help [COMMAND]", "-allow-origin string", "-sandbox"}
	call := []string{"call TOOL [JSON-ARGUMENTS]", "Tools and their arguments", "list-instance-images    List images", "update-image            Replace an image\n      id*, arch,", "delete-instance-image   Delete an image\n      image_id*, zone"}
	doctor := []string{"doctor [--check]", "-check"}
	fakeAPI := []string{"fake-api [flags]", "-addr string", "-fail-rate float"}
	tests := []struct {
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{[]string{"help"}, 0, program, ""},
		{[]string{"--help"}, 0, program, ""},
		{[]string{"-h"}, 0, program, ""},
		{[]string{"help", "help"}, 0, program, ""},
		{[]string{"call", "--help"}, 0, call, ""},
		{[]string{"--sandbox", "call", "-h"}, 0, call, ""},
		{[]string{"help", "call"}, 0, call, ""},
		{[]string{"doctor", "--help"}, 0, doctor, ""},
		{[]string{"help", "doctor"}, 0, doctor, ""},
		{[]string{"fake-api", "--help"}, 0, fakeAPI, ""},
		{[]string{"help", "fake-api"}, 0, fakeAPI, ""},
		{[]string{"help", "serve"}, 2, nil, `unknown command "serve"; the commands are call, doctor, fake-api and help`},
		{[]string{"doctor", "--chek"}, 2, nil, "flag provided but not defined: -chek\nUsage: scaleway-images-mcp [flags] doctor [--check]"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, func(string) (string, bool) { return "", false }, strings.NewReader(""), &stdout, &stderr)
			if code := exitCode(err); code != tt.wantCode {
				t.Errorf("exit %d (%v), want %d\nstderr: %s", code, err, tt.wantCode, stderr.String())
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) || (tt.wantStderr == "" && stderr.Len() > 0) {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.wantStderr)
			}
		})
	}
	for _, args := range [][]string{{"help"}, {"call", "--help"}} {
		cmd := exec.Command(binary, args...)
		cmd.Env = cleanEnv(t)
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "Usage") {
			t.Errorf("binary %v: %v, stdout:\n%s", args, err, out)
		}
	}
}

// TestToolsListNeverChanges: the tool list is fixed at start, so the
// server must not advertise tools.listChanged, over stdio (the built
// binary) or in memory (what call uses).
func TestToolsListNeverChanges(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil, "--sandbox")
	server, err := a.mcpServer()
	if err != nil {
		t.Fatal(err)
	}
	inMemory, closeSession, err := connectInMemory(t.Context(), server, "dev")
	if err != nil {
		t.Fatal(err)
	}
	defer closeSession()
	sessions := map[string]*mcp.ClientSession{"stdio": connectStdio(t, "--sandbox"), "in memory": inMemory}
	for name, session := range sessions {
		caps := session.InitializeResult().Capabilities
		encoded, _ := json.Marshal(caps)
		if caps.Tools == nil || caps.Tools.ListChanged || strings.Contains(string(encoded), "listChanged") {
			t.Errorf("%s: capabilities %s, want tools without listChanged", name, encoded)
		}
	}
}

// TestInstructionsFollowTheSelection: the server's instructions name the
// way to make an image only when both tools it needs are served.
func TestInstructionsFollowTheSelection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args      []string
		makeImage bool
	}{
		{[]string{"--sandbox"}, true},
		{[]string{"--sandbox", "--read-only"}, false},
		{[]string{"--sandbox", "--tools", "create-instance-image,list-instance-images"}, false},
		{[]string{"--sandbox", "--tools", "create-instance-image,list-snapshots"}, true},
	}
	for _, tt := range tests {
		a := newTestApp(t, nil, tt.args...)
		got := a.instructions()
		if strings.Contains(got, "To make an image") != tt.makeImage || !strings.Contains(got, "SANDBOX") || !strings.Contains(got, "Default zone: fr-par-1") {
			t.Errorf("%v: instructions %q", tt.args, got)
		}
	}
}

// newTestApp is the app that args make, with env as its whole environment
// (nil: empty) and its logs discarded.
func newTestApp(tb testing.TB, env map[string]string, args ...string) *app {
	tb.Helper()
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	opts, _, err := parseFlags(append(args, "--log-level", "disabled"), lookup, io.Discard, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := newApp(opts, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// TestBuildReachesEveryPlace: the version a release links in is the one
// the MCP server, the REST adapter's OpenAPI document and the client's
// User-Agent state.
func TestBuildReachesEveryPlace(t *testing.T) {
	t.Parallel()
	opts, _, err := parseFlags([]string{"--sandbox", "--log-level", "disabled"}, func(string) (string, bool) { return "", false }, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	opts.build = buildInfo{version: "v9.8.7", commit: "abc1234", date: "2026-12-01"}
	a, err := newApp(opts, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	server, err := a.mcpServer()
	if err != nil {
		t.Fatal(err)
	}
	session, closeSession, err := connectInMemory(t.Context(), server, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer closeSession()
	if info := session.InitializeResult().ServerInfo; info.Version != "v9.8.7" || !strings.Contains(info.Description, "commit abc1234, built 2026-12-01") {
		t.Errorf("MCP server info: %+v", info)
	}
	if _, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	if ua := a.sandbox.Requests()[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "scaleway-images-mcp/v9.8.7 ") {
		t.Errorf("User-Agent %q", ua)
	}
	w := httptest.NewRecorder()
	a.restHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/openapi.json", nil))
	var doc struct{ Info struct{ Version string } }
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || doc.Info.Version != "v9.8.7" {
		t.Errorf("OpenAPI info.version %q (%v)", doc.Info.Version, err)
	}
}
