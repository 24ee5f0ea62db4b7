package tools_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// One fuzz target per tool: each feeds arbitrary JSON arguments through a
// real MCP session and checks the properties every input must keep.
// scripts/fuzz.sh runs them one at a time; as plain tests they run the
// seeds below.

func FuzzListImagesArguments(f *testing.F) {
	fuzzTool(f, tools.ListImagesTool,
		`{}`, `{"zone":"all","all_pages":true,"per_page":3}`, `{"public":true,"arch":"arm64","tags":["a"],"name":"x"}`,
		`{"page":-1}`, `{"per_page":"3"}`, `{"zone":"../x"}`, `{"project":"%2e%2e"}`, `{"tags":[null]}`, `null`, `[]`)
}

func FuzzCreateImageArguments(f *testing.F) {
	fuzzTool(f, tools.CreateImageTool,
		`{"root_volume":"`+fuzzSnapshot+`","arch":"x86_64"}`,
		`{"root_volume":"`+fuzzSnapshot+`","arch":"arm64","name":"n","tags":["t"],"extra_volumes":["`+fuzzSnapshot+`"],"wait":true,"wait_timeout":1}`,
		`{"root_volume":"../`+fuzzSnapshot+`","arch":"x86_64"}`, `{"arch":1}`, `{"wait_timeout":-1}`, `{"project":"x"}`, `{"extra_volumes":{}}`)
}

func FuzzSetImageArguments(f *testing.F) {
	fuzzTool(f, tools.SetImageTool,
		`{"id":"`+fuzzImage+`","name":"n"}`, `{"id":"`+fuzzImage+`","tags":[],"extra_volumes":[],"public":true,"arch":"arm64"}`,
		`{"id":"a/b"}`, `{"id":"`+fuzzImage+`","name":"\u0000"}`, `{"id":null}`, `{"id":"`+fuzzImage+`","zone":"fr-par-1/.."}`)
}

func FuzzGetImageArguments(f *testing.F) {
	fuzzTool(f, tools.GetImageTool,
		`{"image_id":"`+fuzzImage+`"}`, `{"image_id":"`+fuzzImage+`","zone":"nl-ams-1"}`, `{"image_id":"%2e%2e%2f"}`,
		`{"image_id":"`+fuzzImage+`/../../x"}`, `{"image_id":42}`, `{"image_id":"`+fuzzImage+`","x":1}`)
}

func FuzzUpdateImageArguments(f *testing.F) {
	fuzzTool(f, tools.UpdateImageTool,
		`{"image_id":"`+fuzzImage+`","name":"n"}`, `{"image_id":"`+fuzzImage+`","tags":["a","b"],"public":false,"extra_volumes":["`+fuzzSnapshot+`"]}`,
		`{"image_id":"`+fuzzImage+`","tags":[""]}`, `{"image_id":"`+fuzzImage+`","arch":"mips"}`, `{"image_id":"`+strings.ToUpper(fuzzImage)+`"}`)
}

func FuzzDeleteImageArguments(f *testing.F) {
	fuzzTool(f, tools.DeleteImageTool,
		`{"image_id":"`+fuzzImage+`"}`, `{"image_id":"`+fuzzImage+`","zone":"pl-waw-3"}`, `{"image_id":" `+fuzzImage+`"}`, `{}`, `{"zone":null}`,
		`{"image_id":"`+fuzzImage+`","Image_ID":"`+fuzzImage+`"}`, `{"image_id":"`+fuzzImage+`","image_id":"`+fuzzImage+`"}`)
}

func FuzzListSnapshotsArguments(f *testing.F) {
	fuzzTool(f, tools.ListSnapshotsTool,
		`{}`, `{"zone":"all","unused":true,"verbose":true}`, `{"name":"snap","project":"`+scalewaytest.DefaultProjectID+`"}`,
		`{"name":"%2f.."}`, `{"project":"../x"}`, `{"zone":"fr-par-1/.."}`, `{"unused":1}`, `{"page":2}`, `null`)
}

// The fake's first snapshot and private image in fr-par-1, so that seeds
// reach the success paths too.
var (
	fuzzSeed     = scalewaytest.New(scalewaytest.Options{})
	fuzzSnapshot = fuzzSeed.Snapshots("fr-par-1")[0].ID
	fuzzImage    = func() string {
		for _, img := range fuzzSeed.Images("fr-par-1") {
			if !img.Public {
				return img.ID
			}
		}
		return ""
	}()
)

// upstreamPath is every path a valid call may send: a known zone, the
// images collection or one image named by a UUID, or one snapshot of
// either API (read to size volumes, and after a delete). Anything else
// reaching the API (a "..", an encoded slash, a control character) is a
// bug.
var upstreamPath = regexp.MustCompile(`^/(instance/v1/zones/[a-z]{2}-[a-z]{3}-[1-9]/(images|snapshots)|block/v1alpha1/zones/[a-z]{2}-[a-z]{3}-[1-9]/snapshots)(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$`)

// fuzzTool fuzzes one tool's arguments. For any JSON value it checks that
// the call gets a result, never a protocol error or a panic turned into
// an internal error; that an error result is one bounded message; that no
// request with a path outside upstreamPath reaches the API; and that the
// API never had to refuse the arguments itself (invalid_arguments), which
// would mean a check is missing on our side.
func fuzzTool(f *testing.F, tool string, seeds ...string) {
	for _, seed := range seeds {
		f.Add([]byte(seed))
	}
	fake := scalewaytest.NewServer(scalewaytest.Options{})
	f.Cleanup(fake.Close)
	client, err := scaleway.NewClient(
		scaleway.WithBaseURL(fake.URL),
		scaleway.WithSecretKey(scalewaytest.SandboxToken),
		scaleway.WithRetryPolicy(scaleway.NoRetries),
		scaleway.WithHTTPClient(fake.Client()),
		scaleway.WithDefaultProject(scalewaytest.DefaultProjectID),
	)
	if err != nil {
		f.Fatal(err)
	}
	logs := &testutil.Buffer{}
	deps := &tools.Deps{
		Client:           client,
		DefaultZone:      "fr-par-1",
		Logger:           zerolog.New(logs),
		WaitPollInterval: time.Millisecond,
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "fuzz", Version: "v0"}, nil)
	if _, err := tools.Register(server, deps, tools.Selection{Allow: []string{tool}}); err != nil {
		f.Fatal(err)
	}
	session := testutil.ConnectInMemory(f, server, nil)

	f.Fuzz(func(t *testing.T, args []byte) {
		if !json.Valid(args) {
			// The client cannot send it: arguments travel inside a
			// JSON-RPC message.
			t.Skip()
		}
		fake.ResetRequests()
		res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
		if err != nil {
			t.Fatalf("%s %s: protocol error: %v", tool, args, err)
		}
		msg := testutil.ResultText(res)
		if res.IsError {
			if strings.Contains(msg, "internal error") {
				t.Fatalf("%s %s: the handler panicked: %s", tool, args, msg)
			}
			if strings.Contains(msg, "Scaleway error "+string(scaleway.TypeInvalidArguments)) {
				t.Fatalf("%s %s: the API had to refuse arguments we let through: %s", tool, args, msg)
			}
			if msg == "" || len(msg) > 16<<10 {
				t.Fatalf("%s %s: error of %d bytes", tool, args, len(msg))
			}
		} else if res.StructuredContent == nil {
			t.Fatalf("%s %s: success without structuredContent", tool, args)
		}
		for _, r := range fake.Requests() {
			if r.Route == "" || !upstreamPath.MatchString(r.Path) {
				t.Fatalf("%s %s: reached the API as %s %q", tool, args, r.Method, r.Path)
			}
		}
	})
}
