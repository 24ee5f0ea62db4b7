package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

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

// TestBoundedFlags: --max-calls-per-caller is 8 unless the flag or its
// variable says otherwise, and at least 1; --drain-delay is off unless
// asked for, 0 turns it off explicitly, and a negative or unreadable delay
// is refused. The flag wins over the variable; a refusal is the same by
// either.
func TestBoundedFlags(t *testing.T) {
	t.Parallel()
	const (
		callersVar = "SCALEWAY_IMAGES_MCP_MAX_CALLS_PER_CALLER"
		drainVar   = "SCALEWAY_IMAGES_MCP_DRAIN_DELAY"
	)
	callers := func(o *options) string { return strconv.Itoa(o.maxCallsPerCaller) }
	drain := func(o *options) string { return o.drainDelay.String() }
	tests := []struct {
		variable string
		got      func(*options) string
		args     []string
		env      string
		want     string // "": refused
	}{
		{callersVar, callers, nil, "", "8"},
		{callersVar, callers, []string{"--max-calls-per-caller", "3"}, "", "3"},
		{callersVar, callers, nil, "5", "5"},
		{callersVar, callers, []string{"--max-calls-per-caller", "3"}, "5", "3"},
		{callersVar, callers, []string{"--max-calls-per-caller", "0"}, "", ""},
		{callersVar, callers, []string{"--max-calls-per-caller", "-1"}, "", ""},
		{callersVar, callers, nil, "0", ""},
		{callersVar, callers, nil, "many", ""},
		{drainVar, drain, nil, "", "0s"},
		{drainVar, drain, []string{"--drain-delay", "5s"}, "", "5s"},
		{drainVar, drain, nil, "1500ms", "1.5s"},
		{drainVar, drain, nil, "0s", "0s"},
		{drainVar, drain, []string{"--drain-delay", "0"}, "5s", "0s"},
		{drainVar, drain, []string{"--drain-delay", "-1s"}, "", ""},
		{drainVar, drain, nil, "-1s", ""},
		{drainVar, drain, nil, "soon", ""},
	}
	for _, tt := range tests {
		env := func(name string) (string, bool) {
			return tt.env, name == tt.variable && tt.env != ""
		}
		opts, _, err := parseFlags(tt.args, env, io.Discard, io.Discard)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%v with %s=%q: accepted %s", tt.args, tt.variable, tt.env, tt.got(opts))
		case tt.want != "" && (err != nil || tt.got(opts) != tt.want):
			t.Errorf("%v with %s=%q: %v, want %s", tt.args, tt.variable, tt.env, err, tt.want)
		}
	}
}

// TestHelp: every way of asking for help prints usage on stdout and exits
// 0 (e2e's TestHelpFromTheBinary asks the built binary too); asking about
// what does not exist says what does, and exits 2.
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
}

// TestToolsListNeverChanges: the tool list is fixed at start, so the
// server must not advertise tools.listChanged in memory (what call uses;
// e2e's TestToolsListNeverChangesOverStdio checks the built binary).
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
	caps := inMemory.InitializeResult().Capabilities
	encoded, _ := json.Marshal(caps)
	if caps.Tools == nil || caps.Tools.ListChanged || strings.Contains(string(encoded), "listChanged") {
		t.Errorf("in memory: capabilities %s, want tools without listChanged", encoded)
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
