package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// binDir is the temporary folder the binary is built in, removed when the
// tests end.
var binDir string

// TestMain leaves every test out under -short, before anything is built:
// "go test -short ./..." is the unit tests alone.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: the whole-binary tests do not run under -short")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "scaleway-images-mcp-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binary builds the program from the module root the first time a test
// runs it, and only then: a run whose -run or -list picks no test here
// builds nothing.
var binary = sync.OnceValues(func() (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	path := filepath.Join(binDir, "scaleway-images-mcp")
	fmt.Fprintln(os.Stderr, "e2e: building the binary")
	build := exec.Command("go", "build", "-o", path, ".")
	build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	return path, nil
})

// command is the binary run with args in an environment with no Scaleway
// credentials or config but env, so tests never depend on the machine's.
func command(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	path, err := binary()
	if err != nil {
		t.Fatalf("building the binary: %v", err)
	}
	home := t.TempDir()
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "PATH=" + os.Getenv("PATH")}, env...)
	return cmd
}

func TestStdioRoundTrip(t *testing.T) {
	t.Parallel()
	session := startStdio(t, nil, "--sandbox").session
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
		session := startStdio(t, nil, tt.args...).session
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
	var stderr testutil.Buffer
	cmd, stdin, stdout := spawnStdio(t, &stderr, nil, "--sandbox", "--log-level", "debug")
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

func TestHTTPAndRESTInOneProcess(t *testing.T) {
	t.Parallel()
	addrs := startListeners(t, nil, "--sandbox", "--http", "127.0.0.1:0", "--rest", "127.0.0.1:0").addrs

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
	out, err := command(t, nil, "--sandbox", "--http", "0.0.0.0:0").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "token") {
		t.Errorf("started beyond loopback without a token: %v\n%s", err, out)
	}
}

func TestFakeAPICommand(t *testing.T) {
	t.Parallel()
	p := startProcess(t, nil, "fake-api", "--addr", "127.0.0.1:0", "--images", "20")
	var base string
	p.awaitStderr(t, "where fake-api listens", func(lines []string) bool {
		for _, line := range lines {
			if _, after, ok := strings.Cut(line, "on http://"); ok {
				base = "http://" + strings.Fields(after)[0]
			}
		}
		return base != ""
	})
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

// TestHelpFromTheBinary: asking the built binary for help prints usage on
// stdout and exits 0 (the root package's TestHelp checks every way of
// asking, in process).
func TestHelpFromTheBinary(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"call", "--help"}} {
		out, err := command(t, nil, args...).Output()
		if err != nil || !strings.Contains(string(out), "Usage") {
			t.Errorf("binary %v: %v, stdout:\n%s", args, err, out)
		}
	}
}

// TestToolsListNeverChangesOverStdio: the tool list is fixed at start, so
// the binary must not advertise tools.listChanged over stdio (the root
// package's TestToolsListNeverChanges checks the in-memory session that
// call uses).
func TestToolsListNeverChangesOverStdio(t *testing.T) {
	t.Parallel()
	caps := startStdio(t, nil, "--sandbox").session.InitializeResult().Capabilities
	encoded, _ := json.Marshal(caps)
	if caps.Tools == nil || caps.Tools.ListChanged || strings.Contains(string(encoded), "listChanged") {
		t.Errorf("stdio: capabilities %s, want tools without listChanged", encoded)
	}
}
