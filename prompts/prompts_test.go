package prompts_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/prompts"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

var today = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

type env struct {
	fake    *scalewaytest.Server
	session *mcp.ClientSession
}

// newEnv connects a client, in memory, to a server with the prompts of
// the tools sel serves, whose completion reads a fake Scaleway API.
func newEnv(t testing.TB, sel tools.Selection) *env {
	t.Helper()
	fake := scalewaytest.NewServer(scalewaytest.Options{})
	t.Cleanup(fake.Close)
	client, err := scaleway.NewClient(scaleway.WithBaseURL(fake.URL), scaleway.WithHTTPClient(fake.Client()),
		scaleway.WithSecretKey(scalewaytest.SandboxToken), scaleway.WithDefaultProject(scalewaytest.DefaultProjectID),
		scaleway.WithRetryPolicy(scaleway.RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	d := &prompts.Deps{Client: client, DefaultZone: "fr-par-1", Logger: zerolog.Nop(), Now: func() time.Time { return today }}
	server := mcp.NewServer(&mcp.Implementation{Name: "test", Version: "v0"}, &mcp.ServerOptions{CompletionHandler: d.Complete})
	prompts.Register(server, d, sel.Serves)
	return &env{fake: fake, session: testutil.ConnectInMemory(t, server, nil)}
}

// TestPromptsListed: every prompt is listed with its arguments when every
// tool is served; a read-only server keeps only those whose plan changes
// nothing it cannot do.
func TestPromptsListed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sel  tools.Selection
		want []string
	}{
		{"every tool", tools.Selection{}, prompts.Names()},
		{"read-only", tools.Selection{ReadOnly: true}, []string{prompts.PublicAuditPrompt}},
		{"no list-snapshots", tools.Selection{Allow: []string{tools.ListImagesTool, tools.GetImageTool, tools.DeleteImageTool}}, []string{prompts.PublicAuditPrompt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.sel)
			listed, err := e.session.ListPrompts(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range listed.Prompts {
				names = append(names, p.Name)
				if p.Title == "" || p.Description == "" {
					t.Errorf("%s: no title or description", p.Name)
				}
				for _, a := range p.Arguments {
					if a.Description == "" {
						t.Errorf("%s: argument %s has no description", p.Name, a.Name)
					}
				}
			}
			slices.Sort(names)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(names, want) {
				t.Errorf("prompts %v, want %v", names, want)
			}
		})
	}
}

// TestPromptText: each plan names the tools to call, with the arguments
// given, in order.
func TestPromptText(t *testing.T) {
	t.Parallel()
	e := newEnv(t, tools.Selection{})
	tests := []struct {
		prompt string
		args   map[string]string
		want   []string
	}{
		{prompts.ImageFromSnapshotPrompt, nil, []string{"zone fr-par-1", "call list-snapshots with zone fr-par-1", "create-instance-image without root_volume", "wait true"}},
		{prompts.ImageFromSnapshotPrompt, map[string]string{"zone": "nl-ams-1", "snapshot": "snap-spare", "name": "web-v2"}, []string{"zone nl-ams-1", `name "snap-spare"`, `name "web-v2"`}},
		{prompts.ImageFromSnapshotPrompt, map[string]string{"snapshot": "11111111-2222-4333-8444-555555555555"}, []string{"The snapshot is 11111111-2222-4333-8444-555555555555"}},
		{prompts.CleanUpPrompt, nil, []string{"more than 90 days ago, before 2026-09-03 (today is 2026-12-02)", "list-instance-images with zone fr-par-1 and all_pages true", "Delete only those I name", "stay billed"}},
		{prompts.CleanUpPrompt, map[string]string{"zone": "all", "older_than_days": "30"}, []string{`every zone (zone "all")`, "before 2026-11-02", "with zone all"}},
		{prompts.PublicAuditPrompt, nil, []string{"public true, project " + scalewaytest.DefaultProjectID, "update-image-2 (image_id, zone, public false)"}},
		{prompts.RetireImagePrompt, map[string]string{"image": "postgres-16"}, []string{`name "postgres-16"`, "Only once I confirm, call delete-instance-image"}},
	}
	for _, tt := range tests {
		res, err := e.session.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: tt.prompt, Arguments: tt.args})
		if err != nil {
			t.Errorf("%s %v: %v", tt.prompt, tt.args, err)
			continue
		}
		if len(res.Messages) != 1 || res.Messages[0].Role != "user" {
			t.Fatalf("%s: messages %+v", tt.prompt, res.Messages)
		}
		text := res.Messages[0].Content.(*mcp.TextContent).Text
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %v: no %q in\n%s", tt.prompt, tt.args, w, text)
			}
		}
	}
}

// TestPromptArgumentsChecked: a bad argument is refused with an error
// that names it and says what is allowed.
func TestPromptArgumentsChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, tools.Selection{})
	tests := []struct {
		prompt string
		args   map[string]string
		want   string
	}{
		{prompts.ImageFromSnapshotPrompt, map[string]string{"zone": "par1"}, `argument zone is "par1", not an Instance zone; use one of fr-par-1`},
		{prompts.ImageFromSnapshotPrompt, map[string]string{"zone": "all"}, "use one of fr-par-1, fr-par-2"},
		{prompts.CleanUpPrompt, map[string]string{"zone": "everywhere"}, `it-mil-1, or "all"`},
		{prompts.CleanUpPrompt, map[string]string{"older_than_days": "ninety"}, "argument older_than_days is \"ninety\": give a whole number of days from 1 to 3650"},
		{prompts.CleanUpPrompt, map[string]string{"older_than_days": "0"}, "from 1 to 3650"},
		{prompts.CleanUpPrompt, map[string]string{"age": "3"}, `unknown argument "age"; this prompt takes zone, older_than_days`},
		{prompts.RetireImagePrompt, nil, "argument image is required: name or id of the image"},
		{prompts.RetireImagePrompt, map[string]string{"image": "web\u202e"}, "image contains the invisible character U+202E"},
	}
	for _, tt := range tests {
		_, err := e.session.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: tt.prompt, Arguments: tt.args})
		var rpcErr *jsonrpc.Error
		if !errors.As(err, &rpcErr) || rpcErr.Code != jsonrpc.CodeInvalidParams || !strings.Contains(rpcErr.Message, tt.want) {
			t.Errorf("%s %v: %v, want invalid params with %q", tt.prompt, tt.args, err, tt.want)
		}
	}
}

// TestComplete: zones and ages from lists, snapshots and images from one
// page of each API the account's answer needs, in the zone the other
// arguments name; an upstream failure suggests nothing.
func TestComplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prompt, arg, typed string
		zone               string // context argument
		fail               bool   // the API answers 500
		want               []string
		requests           int
	}{
		{prompts.ImageFromSnapshotPrompt, "zone", "fr", "", false, []string{"fr-par-1", "fr-par-2", "fr-par-3"}, 0},
		{prompts.ImageFromSnapshotPrompt, "zone", "al", "", false, []string{}, 0},
		{prompts.CleanUpPrompt, "zone", "al", "", false, []string{"all"}, 0},
		{prompts.CleanUpPrompt, "older_than_days", "3", "", false, []string{"30", "365"}, 0},
		{prompts.ImageFromSnapshotPrompt, "snapshot", "SPARE", "", false, []string{"snap-spare"}, 2},
		{prompts.ImageFromSnapshotPrompt, "snapshot", "snap-a", "nl-ams-1", false, []string{"snap-archive"}, 2},
		{prompts.RetireImagePrompt, "image", "post", "", false, []string{"postgres-16"}, 1},
		{prompts.RetireImagePrompt, "image", "post", "", true, []string{}, 1},
		{"no-such-prompt", "zone", "", "", false, []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.prompt+"/"+tt.arg+"/"+tt.typed, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tools.Selection{})
			if tt.fail {
				e.fake.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(500))
			}
			params := &mcp.CompleteParams{Ref: &mcp.CompleteReference{Type: "ref/prompt", Name: tt.prompt}, Argument: mcp.CompleteParamsArgument{Name: tt.arg, Value: tt.typed}}
			if tt.zone != "" {
				params.Context = &mcp.CompleteContext{Arguments: map[string]string{"zone": tt.zone}}
			}
			res, err := e.session.Complete(t.Context(), params)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Completion.Values, tt.want) || res.Completion.Total != len(tt.want) {
				t.Errorf("values %v (total %d), want %v", res.Completion.Values, res.Completion.Total, tt.want)
			}
			reqs := e.fake.Requests()
			if len(reqs) != tt.requests {
				t.Errorf("%d upstream requests, want %d", len(reqs), tt.requests)
			}
			for _, r := range reqs {
				if tt.zone != "" && !strings.Contains(r.Path, "/"+tt.zone+"/") {
					t.Errorf("request %s, not in zone %s", r.Path, tt.zone)
				}
			}
		})
	}
}
