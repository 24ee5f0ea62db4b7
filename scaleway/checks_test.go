package scaleway_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestEachCheckRunsOnce calls the client through both adapters, the REST
// routes and the MCP tools, and counts the checks that run for each
// request: every check (a zone, an id, a body, each id inside a body) runs
// exactly once, and the expected ones do run. The adapters only parse and
// the client checks; a request the adapter refuses without calling the
// client (a body that does not decode) is checked there, once too.
//
// Each case makes one client call: a tool that makes several (delete reads
// the image first, get reads Block sizes, create waits by reading again)
// checks each call's own arguments once per call, which the client's own
// tests cover.
//
// It does not run in parallel: the count is the process's.
func TestEachCheckRunsOnce(t *testing.T) {
	srv := startFake(t, scalewaytest.Options{})
	client := newClient(t, srv, scaleway.WithDefaultProject(scalewaytest.DefaultProjectID))
	adapter := httptest.NewServer(rest.NewHandler(rest.Options{Client: client, Logger: zerolog.Nop()}))
	t.Cleanup(adapter.Close)
	session := toolSession(t, client)
	// viaREST and viaTool make one request; refused says whether the
	// answer must be a refusal (400, or a tool error) or a success.
	viaREST := func(method, path, body string) func(t *testing.T) (refused bool) {
		return func(t *testing.T) bool {
			req, err := http.NewRequestWithContext(t.Context(), method, adapter.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := adapter.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
			return resp.StatusCode == http.StatusBadRequest
		}
	}
	viaTool := func(tool, args string) func(t *testing.T) (refused bool) {
		return func(t *testing.T) bool {
			res, err := session.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
			if err != nil {
				t.Fatal(err)
			}
			return res.IsError
		}
	}

	var local scaleway.Image // a private image without Block volumes: get reads nothing more
	for _, img := range srv.Images(zone) {
		if !img.Public && img.RootVolume.VolumeType == scaleway.VolumeTypeLSSD && len(img.ExtraVolumes) == 0 {
			local = img
		}
	}
	snap := snapshotNamed(t, srv, zone, "snap-spare").ID
	images := "/v1/instance/v1/zones/" + string(zone) + "/images"
	image := images + "/" + local.ID
	body := `{"name":"counted","root_volume":"` + snap + `","arch":"x86_64","extra_volumes":{"1":{"id":"` + snap + `"}}}`

	tests := []struct {
		name    string
		call    func(t *testing.T) (refused bool)
		refused bool
		want    []string // checks that must run, each once
	}{
		{"REST list", viaREST("GET", images+"?project="+scalewaytest.DefaultProjectID, ""), false, []string{"zone fr-par-1", "ListImagesRequest", "uuid project"}},
		{"REST get", viaREST("GET", image, ""), false, []string{"zone fr-par-1", "uuid image_id"}},
		{"REST create", viaREST("POST", images, body), false, []string{"zone fr-par-1", "CreateImageRequest", "uuid root_volume", "uuid extra_volumes.1.id", "uuid project"}},
		{"REST PUT", viaREST("PUT", image, `{"name":"put","arch":"x86_64"}`), false, []string{"zone fr-par-1", "uuid id", "SetImageRequest"}},
		{"REST PATCH", viaREST("PATCH", image, `{"name":"patched"}`), false, []string{"zone fr-par-1", "uuid image_id", "UpdateImageRequest"}},
		{"REST refusal by the client", viaREST("PATCH", "/v1/instance/v1/zones/mars-1/images/nope", `{"name":""}`), true, []string{"zone mars-1", "uuid image_id", "UpdateImageRequest"}},
		{"REST body that does not decode", viaREST("PUT", images+"/nope", `{"name":5}`), true, []string{"zone fr-par-1", "uuid id"}},
		{"REST query that does not parse", viaREST("GET", "/v1/instance/v1/zones/nowhere/images?page=x&arch=z", ""), true, []string{"zone nowhere", "ListImagesRequest"}},

		{"tool list", viaTool(tools.ListImagesTool, `{"project":"`+scalewaytest.DefaultProjectID+`"}`), false, []string{"zone fr-par-1", "ListImagesRequest", "uuid project"}},
		{"tool list of every page", viaTool(tools.ListImagesTool, `{"all_pages":true}`), false, []string{"zone fr-par-1", "ListImagesRequest"}},
		{"tool list of every zone", viaTool(tools.ListImagesTool, `{"zone":"all"}`), false, append(zoneChecks(), "ListImagesRequest")},
		{"tool get", viaTool(tools.GetImageTool, `{"image_id":"`+local.ID+`"}`), false, []string{"zone fr-par-1", "uuid image_id"}},
		{"tool create", viaTool(tools.CreateImageTool, `{"root_volume":"`+snap+`","arch":"x86_64","extra_volumes":["`+snap+`"]}`), false, []string{"zone fr-par-1", "CreateImageRequest", "uuid root_volume", "uuid extra_volumes.1.id", "uuid project"}},
		{"tool update-image (read, read, PUT)", viaTool(tools.SetImageTool, `{"id":"`+local.ID+`","extra_volumes":["`+snap+`"]}`), false, []string{"zone fr-par-1", "uuid id", "UpdateImageRequest", "uuid extra_volumes.1.id"}},
		{"tool update-image-2", viaTool(tools.UpdateImageTool, `{"image_id":"`+local.ID+`","name":"patched"}`), false, []string{"zone fr-par-1", "uuid image_id", "UpdateImageRequest"}},
		{"tool list-snapshots", viaTool(tools.ListSnapshotsTool, `{"project":"`+scalewaytest.DefaultProjectID+`"}`), false, []string{"zone fr-par-1", "ListSnapshotsRequest", "uuid project"}},
		{"tool list-snapshots of every zone", viaTool(tools.ListSnapshotsTool, `{"zone":"all"}`), false, append(zoneChecks(), "ListSnapshotsRequest")},
		{"tool refusal of every argument", viaTool(tools.GetImageTool, `{"zone":"mars-1","image_id":"nope"}`), true, []string{"zone mars-1", "uuid image_id"}},
		{"tool refusal of a change", viaTool(tools.SetImageTool, `{"id":"nope","name":""}`), true, []string{"zone fr-par-1", "uuid id", "UpdateImageRequest"}},
		{"tool refusal of a delete", viaTool(tools.DeleteImageTool, `{"image_id":"nope"}`), true, []string{"zone fr-par-1", "uuid image_id"}},
	}
	take, stop := scaleway.CountChecks()
	t.Cleanup(stop)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			take()
			if refused := tt.call(t); refused != tt.refused {
				t.Errorf("refused = %v; want %v", refused, tt.refused)
			}
			counts := take()
			for check, n := range counts {
				if n != 1 {
					t.Errorf("check %q ran %d times", check, n)
				}
			}
			for _, check := range tt.want {
				if counts[check] == 0 {
					t.Errorf("check %q did not run; ran %v", check, counts)
				}
			}
		})
	}
}

// zoneChecks are the checks of every zone.
func zoneChecks() []string {
	var checks []string
	for _, z := range scaleway.Zones {
		checks = append(checks, "zone "+string(z))
	}
	return checks
}

// toolSession is an MCP client session, in memory, with the tools on
// client.
func toolSession(t *testing.T, client *scaleway.Client) *mcp.ClientSession {
	t.Helper()
	server := mcp.NewServer(&mcp.Implementation{Name: "checks", Version: "v0"}, nil)
	if _, err := tools.Register(server, &tools.Deps{Client: client, DefaultZone: zone, Logger: zerolog.Nop()}, tools.Selection{}); err != nil {
		t.Fatal(err)
	}
	return testutil.ConnectInMemory(t, server, nil)
}
