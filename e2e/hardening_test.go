package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// newUUID is a random version 4 UUID.
func newUUID(t testing.TB) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// justUnderLimit is "a 1 MiB string" that still fits in the listeners'
// 1 MiB body limit with its JSON-RPC envelope, so that the tool, not the
// listener, refuses it (over the limit is a 413: TestHTTPSecurity).
const justUnderLimit = 1<<20 - 4<<10

// hostileToolCalls are arguments no tool may send upstream, with the field
// the error must name.
func hostileToolCalls() []struct{ name, tool, args, field string } {
	const id = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	huge := strings.Repeat("n", justUnderLimit)
	manyTags := `["` + strings.Repeat(`t","`, 100_000) + `t"]`
	manyVolumes := `["` + strings.Repeat(id+`","`, 5_000) + id + `"]`
	return []struct{ name, tool, args, field string }{
		{"dot-dot id", tools.GetImageTool, `{"image_id":"../../servers"}`, "image_id"},
		{"encoded dot-dot id", tools.DeleteImageTool, `{"image_id":"%2e%2e%2f%2e%2e"}`, "image_id"},
		{"encoded slash in id", tools.GetImageTool, `{"image_id":"` + id + `%2F..%2Fx"}`, "image_id"},
		{"slash in id", tools.UpdateImageTool, `{"image_id":"` + id + `/../x","name":"x"}`, "image_id"},
		{"dot-dot id on PUT", tools.SetImageTool, `{"id":"../` + id + `","name":"x"}`, "id"},
		{"dot-dot snapshot", tools.CreateImageTool, `{"root_volume":"../snapshots","arch":"x86_64"}`, "root_volume"},
		{"control character in id", tools.GetImageTool, `{"image_id":"` + id + `\u0000"}`, "image_id"},
		{"newline in name", tools.UpdateImageTool, `{"image_id":"` + id + `","name":"x\r\n{\"level\":\"error\"}"}`, "name"},
		{"escape in tag", tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","tags":["ok","\u001b[31mred"]}`, "tags[1]"},
		{"1 MiB id", tools.GetImageTool, `{"image_id":"` + huge + `"}`, "image_id"},
		{"1 MiB name", tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","name":"` + huge + `"}`, "name"},
		{"1 MiB zone", tools.ListImagesTool, `{"zone":"` + huge + `"}`, "zone"},
		{"1 MiB name filter", tools.ListImagesTool, `{"name":"` + huge + `"}`, "name"},
		{"number for id", tools.GetImageTool, `{"image_id":42}`, "image_id"},
		{"string for per_page", tools.ListImagesTool, `{"per_page":"10"}`, "per_page"},
		{"string for public", tools.ListImagesTool, `{"public":"yes"}`, "public"},
		{"string for tags", tools.UpdateImageTool, `{"image_id":"` + id + `","tags":"a,b"}`, "tags"},
		{"object for arch", tools.CreateImageTool, `{"root_volume":"` + id + `","arch":{"x":1}}`, "arch"},
		{"unknown field", tools.GetImageTool, `{"image_id":"` + id + `","path":"../../"}`, "path"},
		{"null arguments", tools.DeleteImageTool, `null`, "image_id"},
		{"null id", tools.GetImageTool, `{"image_id":null}`, "image_id"},
		{"array arguments", tools.ListImagesTool, `[{"zone":"fr-par-1"}]`, "JSON object"},
		{"100,000 tags", tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","tags":` + manyTags + `}`, "tags"},
		{"5,001 extra volumes", tools.CreateImageTool, `{"root_volume":"` + id + `","arch":"x86_64","extra_volumes":` + manyVolumes + `}`, "extra_volumes"},
		{"100,000 tag filters", tools.ListImagesTool, `{"tags":` + manyTags + `}`, "tags"},
		{"unknown zone", tools.ListImagesTool, `{"zone":"mars-1"}`, "zone"},
		{"legacy zone", tools.GetImageTool, `{"zone":"par1","image_id":"` + id + `"}`, "zone"},
		{"zone with a path", tools.DeleteImageTool, `{"zone":"fr-par-1/../../servers","image_id":"` + id + `"}`, "zone"},
		{"project not a UUID", tools.ListImagesTool, `{"project":"../x"}`, "project"},
		{"page out of range", tools.ListImagesTool, `{"page":-1}`, "page"},
		{"per_page out of range", tools.ListImagesTool, `{"per_page":1000000}`, "per_page"},
	}
}

// hostileRESTRequests are requests the adapter must answer 400 without
// calling upstream, with a field its details must name.
func hostileRESTRequests() []struct{ name, method, path, body, field string } {
	const id = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	images := "/v1/instance/v1/zones/fr-par-1/images"
	huge := strings.Repeat("n", justUnderLimit)
	return []struct{ name, method, path, body, field string }{
		{"dot-dot id", "GET", images + "/../../servers", "", "image_id"},
		{"encoded dot-dot id", "DELETE", images + "/%2e%2e", "", "image_id"},
		{"encoded slash in id", "GET", images + "/" + id + "%2Fservers", "", "image_id"},
		{"encoded slash and dot-dot after an id", "GET", images + "/" + id + "%2F..%2Fx", "", "path"},
		{"encoded NUL in id", "GET", images + "/" + id + "%00", "", "image_id"},
		{"encoded CRLF in id", "PATCH", images + "/x%0d%0aX-Injected:%201", `{"name":"x"}`, "image_id"},
		{"dot-dot PUT id", "PUT", images + "/..%2f" + id, `{"name":"x","arch":"x86_64"}`, "id"},
		{"unknown zone", "GET", "/v1/instance/v1/zones/mars-1/images", "", "zone"},
		{"encoded dot-dot zone", "GET", "/v1/instance/v1/zones/%2e%2e/images", "", "zone"},
		{"control character in a filter", "GET", images + "?name=a%07b", "", "name"},
		{"per_page not a number", "GET", images + "?per_page=ten", "", "per_page"},
		{"public not a boolean", "GET", images + "?public=yes", "", "public"},
		{"project not a UUID", "GET", images + "?project=..%2F..", "", "project"},
		{"1 MiB name", "POST", images, `{"root_volume":"` + id + `","arch":"x86_64","name":"` + huge + `"}`, "name"},
		{"number for name", "POST", images, `{"root_volume":"` + id + `","arch":"x86_64","name":5}`, "name"},
		{"string for tags", "PATCH", images + "/" + id, `{"tags":"a,b"}`, "tags"},
		{"null body", "POST", images, `null`, "root_volume"},
		{"array body", "POST", images, `[1,2,3]`, "body"},
		{"malformed JSON", "POST", images, `{"arch":`, "body"},
		{"1,000 tags", "PATCH", images + "/" + id, `{"tags":["` + strings.Repeat(`t","`, 999) + `t"]}`, "tags"},
		{"control character in a tag", "PATCH", images + "/" + id, `{"tags":["\u001b[2J"]}`, "tags[0]"},
		{"volume key not a position", "POST", images, `{"root_volume":"` + id + `","arch":"x86_64","extra_volumes":{"../1":{"id":"` + id + `"}}}`, "extra_volumes"},
	}
}

// TestHostileInputThroughTheBinary sends every hostile input to the built
// binary over stdio, over streamable HTTP and to the REST adapter: each is
// refused with an error naming the field, nothing reaches the API (the
// fake's request log stays empty), and both processes live on and still
// serve a valid call.
func TestHostileInputThroughTheBinary(t *testing.T) {
	t.Parallel()
	key := newUUID(t)
	fake := scalewaytest.NewServer(scalewaytest.Options{AcceptedTokens: []string{key}})
	t.Cleanup(fake.Close)
	env := upstreamEnv(fake, key)
	stdio := startStdio(t, env)
	served := startListeners(t, env, "--http", "127.0.0.1:0", "--rest", "127.0.0.1:0")
	sessions := map[string]*mcp.ClientSession{"stdio": stdio.session, "http": httpSession(t, served.addrs["mcp"])}

	t.Run("tools", func(t *testing.T) {
		for _, tc := range hostileToolCalls() {
			for transport, session := range sessions {
				t.Run(transport+"/"+tc.name, func(t *testing.T) {
					t.Parallel()
					res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tc.tool, Arguments: json.RawMessage(tc.args)})
					if err != nil {
						t.Fatalf("protocol error: %v", err)
					}
					msg := testutil.ResultText(res)
					if !res.IsError || !strings.Contains(msg, tc.field) {
						t.Errorf("result (isError %v) %.300q does not refuse %q", res.IsError, msg, tc.field)
					}
					if len(msg) > 2000 {
						t.Errorf("error of %d bytes: a hostile value is echoed", len(msg))
					}
				})
			}
		}
	})
	t.Run("rest", func(t *testing.T) {
		for _, tc := range hostileRESTRequests() {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				a := restDo(t, served.addrs["rest"], tc.method, tc.path, tc.body)
				var body scaleway.Error
				if a.status != http.StatusBadRequest || json.Unmarshal([]byte(a.body), &body) != nil {
					t.Fatalf("answer %d %.300s, want a 400", a.status, a.body)
				}
				var fields []string
				for _, d := range body.Details {
					fields = append(fields, d.ArgumentName)
				}
				if body.Type != scaleway.TypeInvalidArguments || !strings.Contains(strings.Join(fields, " "), tc.field) {
					t.Errorf("400 names %v, want %q: %.300s", fields, tc.field, a.body)
				}
				if len(a.body) > 4000 {
					t.Errorf("400 of %d bytes: a hostile value is echoed", len(a.body))
				}
			})
		}
	})

	if requests := fake.Requests(); len(requests) != 0 {
		t.Errorf("hostile input reached the API: %d requests, first %s %q", len(requests), requests[0].Method, requests[0].Path)
	}
	for name, p := range map[string]*process{"stdio": stdio, "http": served} {
		if !p.alive() {
			t.Fatalf("the %s process died:\n%s", name, p.stderr)
		}
	}
	for transport, session := range sessions {
		var out tools.ListImagesOutput
		callJSON(t, session, tools.ListImagesTool, `{}`, &out)
		if out.TotalCount != 3 {
			t.Errorf("%s: valid call after the hostile ones: %+v", transport, out)
		}
	}
	if a := restDo(t, served.addrs["rest"], "GET", "/v1/instance/v1/zones/fr-par-1/images", ""); a.status != 200 {
		t.Errorf("REST after the hostile requests: %d %s", a.status, a.body)
	}
}

// TestHTTPSecurity checks the listener rules on both listeners of the
// built binary: a non-loopback Host, a cross-site Origin, a wrong or
// missing token and an oversized body are refused before any handler,
// and a listener beyond loopback without a token refuses to start.
func TestHTTPSecurity(t *testing.T) {
	t.Parallel()
	open := startListeners(t, nil, "--sandbox", "--http", "127.0.0.1:0", "--rest", "127.0.0.1:0")
	mcpToken, restToken := newUUID(t), newUUID(t)
	guarded := startListeners(t, nil, "--sandbox", "--http", "127.0.0.1:0", "--http-token", mcpToken, "--rest", "127.0.0.1:0", "--rest-token", restToken)

	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"s","version":"0"}}}`
	mcpHeaders := []string{"Content-Type", "application/json", "Accept", "application/json, text/event-stream"}
	create := `{"root_volume":"` + newUUID(t) + `","arch":"x86_64","name":"` + strings.Repeat("n", 2<<20) + `"}`
	type target struct{ method, path, body string }
	targets := map[string]target{
		"mcp":  {"POST", "/mcp", initialize},
		"rest": {"GET", "/v1/instance/v1/zones/fr-par-1/images", ""},
	}
	tokens := map[string]string{"mcp": mcpToken, "rest": restToken}
	tests := []struct {
		name     string
		guarded  bool
		big      bool // send a body over the 1 MiB limit
		headers  []string
		host     string
		want     int
		wantType scaleway.ErrorType // the REST listener's error type; the MCP listener answers plain JSON
	}{
		{name: "plain request", want: 200},
		{name: "rebinding Host", host: "evil.example", want: 403, wantType: scaleway.TypePermissionsDenied},
		{name: "LAN Host", host: "192.168.1.20:9090", want: 403, wantType: scaleway.TypePermissionsDenied},
		{name: "cross-site Origin", headers: []string{"Origin", "https://evil.example"}, want: 403, wantType: scaleway.TypePermissionsDenied},
		{name: "cross-site fetch", headers: []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://localhost:1"}, want: 403, wantType: scaleway.TypePermissionsDenied},
		{name: "body over the limit", big: true, want: 413, wantType: scaleway.TypeInvalidRequest},
		{name: "no token", guarded: true, want: 401, wantType: scaleway.TypeDeniedAuthentication},
		{name: "wrong token", guarded: true, headers: []string{"Authorization", "Bearer " + newUUID(t)}, want: 401, wantType: scaleway.TypeDeniedAuthentication},
		{name: "right token", guarded: true, headers: []string{"Authorization", "Bearer TOKEN"}, want: 200},
		{name: "right token, rebinding Host", guarded: true, headers: []string{"Authorization", "Bearer TOKEN"}, host: "evil.example", want: 403, wantType: scaleway.TypePermissionsDenied},
	}
	for _, tt := range tests {
		for _, listener := range []string{"mcp", "rest"} {
			t.Run(listener+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				p := open
				if tt.guarded {
					p = guarded
				}
				tg := targets[listener]
				if tt.big {
					tg = target{"POST", tg.path, `{"x":"` + strings.Repeat("x", 2<<20) + `"}`}
					if listener == "rest" {
						tg.body = create
					}
				}
				req, err := http.NewRequestWithContext(t.Context(), tg.method, "http://"+p.addrs[listener]+tg.path, strings.NewReader(tg.body))
				if err != nil {
					t.Fatal(err)
				}
				if tt.host != "" {
					req.Host = tt.host
				}
				headers := append([]string{}, tt.headers...)
				if listener == "mcp" {
					headers = append(headers, mcpHeaders...)
				}
				for i := 0; i+1 < len(headers); i += 2 {
					req.Header.Set(headers[i], strings.ReplaceAll(headers[i+1], "TOKEN", tokens[listener]))
				}
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != tt.want {
					t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.want, body)
				}
				if tt.wantType == "" {
					return
				}
				if listener == "mcp" {
					// The MCP listener's refusals are plain JSON: it
					// fronts no Scaleway API.
					var refusal struct {
						Error  string
						Status int
					}
					if err := json.Unmarshal(body, &refusal); err != nil || refusal.Status != tt.want || refusal.Error == "" {
						t.Errorf("body %.300s, want {\"error\": ..., \"status\": %d}", body, tt.want)
					}
					return
				}
				var e scaleway.Error
				if err := json.Unmarshal(body, &e); err != nil || e.Type != tt.wantType {
					t.Errorf("body %.300s, want a %s error", body, tt.wantType)
				}
			})
		}
	}

	refusals := [][]string{
		{"--sandbox", "--http", "0.0.0.0:0"},
		{"--sandbox", "--rest", "0.0.0.0:0"},
		{"--sandbox", "--rest", ":0"},
		{"--sandbox", "--http", "127.0.0.1:0", "--rest", "[::]:0"},
		{"--sandbox", "--http", "0.0.0.0:0", "--http-token", "short"},
	}
	for _, args := range refusals {
		t.Run("refuses "+strings.Join(args[1:], " "), func(t *testing.T) {
			t.Parallel()
			cmd := command(t, nil, args...)
			timer := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
			defer timer.Stop()
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 || !strings.Contains(string(out), "token") {
				t.Errorf("exit %d (%v), want 1 with a message about the token:\n%s", code, err, out)
			}
		})
	}
}

// leakChecker collects every byte the program showed, and finds secrets
// in it: the whole secret, and for a UUID key the part that redaction
// hides (its first 8 characters are shown on purpose, as scw does).
type leakChecker struct {
	secrets []string
	seen    []struct{ where, text string }
}

func (l *leakChecker) add(where, text string) {
	l.seen = append(l.seen, struct{ where, text string }{where, text})
}

func (l *leakChecker) addResult(where string, res *mcp.CallToolResult, err error) {
	if err != nil {
		l.add(where+" (protocol error)", err.Error())
		return
	}
	encoded, _ := json.Marshal(res)
	l.add(where, string(encoded))
}

func (l *leakChecker) addREST(where string, a restAnswer) {
	var headers strings.Builder
	_ = a.header.Write(&headers)
	l.add(where, headers.String()+"\n"+a.body)
}

// found lists where a secret shows, with some context.
func (l *leakChecker) found() []string {
	var out []string
	for _, s := range l.seen {
		for _, secret := range l.secrets {
			hidden := secret
			if scaleway.IsUUID(secret) {
				hidden = secret[8:]
			}
			if i := strings.Index(s.text, hidden); i >= 0 {
				out = append(out, fmt.Sprintf("%s: ...%s...", s.where, s.text[max(0, i-120):min(len(s.text), i+len(hidden)+40)]))
			}
		}
	}
	return out
}

// canaryCalls are the tool calls of the canary test: every tool on its
// success path, then its error paths, some with an upstream fault
// scripted first. {{snapshot}} and {{image}} are filled in as it runs.
var canaryCalls = []struct {
	tool, args string
	route      scalewaytest.Route
	faults     []scalewaytest.Fault
}{
	{tool: tools.ListImagesTool, args: `{"verbose":true}`},
	{tool: tools.ListImagesTool, args: `{"zone":"all","all_pages":true,"public":true}`},
	{tool: tools.CreateImageTool, args: `{"root_volume":"{{snapshot}}","arch":"x86_64","name":"canary","tags":["a"],"wait":true,"wait_timeout":5}`},
	{tool: tools.GetImageTool, args: `{"image_id":"{{image}}"}`},
	{tool: tools.UpdateImageTool, args: `{"image_id":"{{image}}","name":"canary-2","tags":["b"]}`},
	{tool: tools.SetImageTool, args: `{"id":"{{image}}","public":false}`},
	{tool: tools.DeleteImageTool, args: `{"image_id":"{{image}}"}`},
	{tool: tools.GetImageTool, args: `{"image_id":"{{image}}"}`}, // not found
	{tool: tools.GetImageTool, args: `{"image_id":"../{{image}}"}`},
	{tool: tools.CreateImageTool, args: `{"root_volume":"{{image}}","arch":"x86_64"}`}, // unknown snapshot
	{tool: tools.ListImagesTool, args: `{"per_page":"x"}`},
	{tool: "no-such-tool", args: `{}`},
	{tool: tools.ListImagesTool, args: `{}`, route: scalewaytest.RouteListImages, faults: []scalewaytest.Fault{
		scalewaytest.ErrorAnswer(401, scaleway.Error{Type: scaleway.TypeDeniedAuthentication, Method: "api_key", Reason: "not_found"})}},
	{tool: tools.ListImagesTool, args: `{}`, route: scalewaytest.RouteListImages, faults: []scalewaytest.Fault{
		scalewaytest.ErrorAnswer(403, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions", Details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "read"}}})}},
	{tool: tools.GetImageTool, args: `{"image_id":"{{image}}"}`, route: scalewaytest.RouteGetImage, faults: []scalewaytest.Fault{
		scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504), scalewaytest.ServerError(503)}},
	{tool: tools.ListImagesTool, args: `{}`, route: scalewaytest.RouteListImages, faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second)}},
	{tool: tools.ListImagesTool, args: `{}`, route: scalewaytest.RouteListImages, faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()}},
	{tool: tools.CreateImageTool, args: `{"root_volume":"{{snapshot}}","arch":"x86_64"}`, route: scalewaytest.RouteCreateImage, faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()}},
	{tool: tools.DeleteImageTool, args: `{"image_id":"{{image}}"}`, route: scalewaytest.RouteGetImage, faults: []scalewaytest.Fault{
		scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection()}},
}

// runCanaryCalls plays canaryCalls on session, recording every result.
func runCanaryCalls(t *testing.T, where string, session *mcp.ClientSession, fake *scalewaytest.Server, leaks *leakChecker) {
	t.Helper()
	snapshot := fake.Snapshots("fr-par-1")[0].ID
	image := ""
	for i, c := range canaryCalls {
		fake.Script(c.route, c.faults...)
		args := strings.NewReplacer("{{snapshot}}", snapshot, "{{image}}", image).Replace(c.args)
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: c.tool, Arguments: json.RawMessage(args)})
		leaks.addResult(fmt.Sprintf("%s result %d (%s)", where, i, c.tool), res, err)
		if c.tool == tools.CreateImageTool && image == "" {
			if err != nil || res.IsError {
				t.Fatalf("%s: create: %v %s", where, err, testutil.ResultText(res))
			}
			var out tools.CreateImageOutput
			encoded, _ := json.Marshal(res.StructuredContent)
			if err := json.Unmarshal(encoded, &out); err != nil || out.Image == nil {
				t.Fatalf("%s: create result: %s", where, encoded)
			}
			image = out.Image.ID
		}
	}
}

// TestSecretsNeverLeak runs every tool, every error path and debug
// logging with canary secrets (the Scaleway key, the listeners' bearer
// tokens), over stdio, streamable HTTP, REST and the call and doctor
// commands, and finds none of them in stdout, stderr (where the binary
// also prints the error it ends with), logs, tool results or REST answers.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	key, mcpToken, restToken := newUUID(t), newUUID(t), newUUID(t)
	leaks := &leakChecker{secrets: []string{key, mcpToken, restToken}}
	fake := scalewaytest.NewServer(scalewaytest.Options{AcceptedTokens: []string{key}})
	t.Cleanup(fake.Close)
	env := upstreamEnv(fake, key)
	// Their output is read once the subtests have stopped them.
	processes := map[string]*process{}

	t.Run("stdio", func(t *testing.T) {
		p := startStdio(t, env, "--log-level", "debug")
		processes["stdio"] = p
		runCanaryCalls(t, "stdio", p.session, fake, leaks)
	})

	t.Run("http and rest", func(t *testing.T) {
		p := startListeners(t, env, "--log-level", "debug", "--http", "127.0.0.1:0", "--http-token", mcpToken, "--rest", "127.0.0.1:0", "--rest-token", restToken)
		t.Cleanup(func() {
			leaks.add("listeners stdout", p.stdout.String())
			leaks.add("listeners stderr", p.stderr.String())
		})
		runCanaryCalls(t, "http", httpSession(t, p.addrs["mcp"], "Authorization", "Bearer "+mcpToken), fake, leaks)
		// The same key sent by the caller, per request.
		runCanaryCalls(t, "http with caller key", httpSession(t, p.addrs["mcp"], "Authorization", "Bearer "+mcpToken, "X-Auth-Token", key), fake, leaks)

		rest := p.addrs["rest"]
		images := "/v1/instance/v1/zones/fr-par-1/images"
		auth := []string{"Authorization", "Bearer " + restToken}
		withKey := append([]string{"X-Auth-Token", key}, auth...)
		created := restDo(t, rest, "POST", images, `{"root_volume":"`+fake.Snapshots("fr-par-1")[0].ID+`","arch":"arm64","name":"canary-rest"}`, withKey...)
		leaks.addREST("REST create", created)
		var body struct{ Image scaleway.Image }
		if err := json.Unmarshal([]byte(created.body), &body); err != nil || created.status != 201 {
			t.Fatalf("REST create: %d %s", created.status, created.body)
		}
		image := images + "/" + body.Image.ID
		requests := []struct {
			method, path, body string
			headers            []string
			route              scalewaytest.Route
			fault              *scalewaytest.Fault
		}{
			{method: "GET", path: images + "?per_page=2", headers: auth},
			{method: "GET", path: image, headers: withKey},
			{method: "PATCH", path: image, body: `{"name":"renamed"}`, headers: auth},
			{method: "PUT", path: image, body: `{"name":"put","arch":"arm64"}`, headers: withKey},
			{method: "DELETE", path: image, headers: auth},
			{method: "GET", path: image, headers: auth}, // not found
			{method: "GET", path: images + "/%2e%2e", headers: auth},
			{method: "POST", path: images, body: `{"name":5}`, headers: auth},
			{method: "GET", path: images, headers: []string{"Authorization", "Bearer " + key}},            // wrong token: the key
			{method: "GET", path: images, headers: []string{"Authorization", "Bearer " + restToken[:20]}}, // a prefix of the token
			{method: "GET", path: images, headers: []string{"X-Auth-Token", key}},                         // no token
			{method: "GET", path: images, headers: append([]string{"X-Auth-Token", "not-a-key"}, auth...)},
			{method: "GET", path: images, headers: auth, route: scalewaytest.RouteListImages, fault: &[]scalewaytest.Fault{scalewaytest.ErrorAnswer(401, scaleway.Error{Type: scaleway.TypeDeniedAuthentication, Method: "api_key", Reason: "not_found"})}[0]},
			{method: "GET", path: images, headers: auth, route: scalewaytest.RouteListImages, fault: &[]scalewaytest.Fault{scalewaytest.MalformedJSON()}[0]},
			{method: "POST", path: images, body: `{"root_volume":"` + fake.Snapshots("fr-par-1")[0].ID + `","arch":"arm64"}`, headers: auth, route: scalewaytest.RouteCreateImage, fault: &[]scalewaytest.Fault{scalewaytest.DroppedConnection()}[0]},
			{method: "POST", path: images, body: `{"x":"` + strings.Repeat("x", 2<<20) + `"}`, headers: auth},
		}
		for i, r := range requests {
			if r.fault != nil {
				fake.Script(r.route, *r.fault)
			}
			leaks.addREST(fmt.Sprintf("REST %d %s %s", i, r.method, r.path), restDo(t, rest, r.method, r.path, r.body, r.headers...))
		}
		// An MCP request with a wrong bearer token.
		leaks.addREST("MCP wrong token", restDo(t, p.addrs["mcp"], "POST", "/mcp", `{}`, "Authorization", "Bearer "+key, "X-Auth-Token", key))
	})

	t.Run("call and doctor", func(t *testing.T) {
		image := ""
		for _, img := range fake.Images("fr-par-1") {
			if !img.Public {
				image = img.ID
			}
		}
		commands := [][]string{
			{"call", tools.ListImagesTool, `{"verbose":true}`},
			{"call", tools.GetImageTool, `{"image_id":"` + image + `"}`},
			{"call", tools.UpdateImageTool, `{"image_id":"` + image + `","tags":["c"]}`},
			{"call", tools.SetImageTool, `{"id":"` + image + `","name":"called"}`},
			{"call", tools.CreateImageTool, `{"root_volume":"` + fake.Snapshots("fr-par-1")[1].ID + `","arch":"x86_64"}`},
			{"call", tools.DeleteImageTool, `{"image_id":"` + image + `"}`},
			{"call", tools.GetImageTool, `{"image_id":"` + image + `"}`},
			{"call", tools.GetImageTool, `{"image_id":"nope"}`},
			{"call", tools.ListImagesTool, `{not json`},
			{"doctor"},
			{"doctor", "--check"},
			{"--zone", "mars-1", "doctor"},
		}
		for _, args := range commands {
			stdout, stderr := runToTheEnd(t, env, append([]string{"--log-level", "debug"}, args...)...)
			leaks.add(fmt.Sprintf("run %v", args), stdout+stderr)
		}
		// A key that is not a UUID is masked whole, and refused upstream.
		malformed := "canary-" + strings.ReplaceAll(newUUID(t), "-", "")
		leaks.secrets = append(leaks.secrets, malformed)
		for _, args := range [][]string{{"call", tools.ListImagesTool}, {"doctor", "--check"}} {
			// The last value of a variable set twice is the one the binary sees.
			stdout, stderr := runToTheEnd(t, append(env[:len(env):len(env)], "SCW_SECRET_KEY="+malformed), append([]string{"--log-level", "debug"}, args...)...)
			leaks.add(fmt.Sprintf("run %v with a malformed key", args), stdout+stderr)
			if !strings.Contains(stdout+stderr, "denied") && !strings.Contains(stdout+stderr, "not a UUID") {
				t.Errorf("%v with a malformed key: the refusal is not reported:\n%s%s", args, stdout, stderr)
			}
		}
	})
	for name, p := range processes {
		// The SDK's session log lines show only at --log-level debug.
		if !strings.Contains(p.stderr.String(), `"component":"mcp"`) || !strings.Contains(p.stderr.String(), `"message":"tool call"`) {
			t.Errorf("%s: no SDK or tool call log lines: debug logging was not exercised:\n%s", name, p.stderr)
		}
		leaks.add(name+" stdout", p.stdout.String())
		leaks.add(name+" stderr", p.stderr.String())
	}
	for _, leak := range leaks.found() {
		t.Errorf("a secret leaked in %s", leak)
	}
	// The checker itself finds a planted secret.
	probe := &leakChecker{secrets: []string{key}}
	probe.add("probe", "X-Auth-Token: "+key)
	if len(probe.found()) != 1 {
		t.Errorf("the leak checker misses a planted key")
	}
	if len(leaks.seen) < 60 {
		t.Errorf("only %d outputs were checked", len(leaks.seen))
	}
	if n := fake.RequestCount(scalewaytest.RouteCreateImage); n < 3 {
		t.Errorf("the canary calls reached the API %d times for create, want at least 3: the run did not exercise the tools", n)
	}
}

// runToTheEnd runs the binary once, as a command line would, and returns
// what it printed, whatever its exit status.
func runToTheEnd(t *testing.T, env []string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := command(t, env, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		t.Fatalf("%v: %v\n%s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}
