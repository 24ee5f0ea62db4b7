package tools_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestRedirectEndsTheCall: an API URL that redirects (to another host,
// with the key in the target) ends each tool call with an isError result
// naming the redirect, and the target gets nothing.
func TestRedirectEndsTheCall(t *testing.T) {
	t.Parallel()
	const image = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"
	tests := []struct {
		tool, args string
	}{
		{tools.ListImagesTool, `{}`},
		{tools.GetImageTool, `{"image_id":"` + image + `"}`},
		{tools.CreateImageTool, `{"root_volume":"` + image + `","arch":"x86_64","name":"x"}`},
		{tools.UpdateImageTool, `{"image_id":"` + image + `","name":"x"}`},
		{tools.SetImageTool, `{"id":"` + image + `","name":"x"}`},
		{tools.DeleteImageTool, `{"image_id":"` + image + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.tool, func(t *testing.T) {
			t.Parallel()
			var targetHits, apiHits atomic.Int32
			target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { targetHits.Add(1) }))
			t.Cleanup(target.Close)
			e := newEnv(t, setup{upstream: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				apiHits.Add(1)
				http.Redirect(w, r, target.URL+"/steal?key="+scalewaytest.SandboxToken, http.StatusTemporaryRedirect)
			})})

			msg := e.callError(t, tt.tool, tt.args)
			for _, want := range []string{"redirect", target.URL + "/steal", "SCW_API_URL"} {
				if !strings.Contains(msg, want) {
					t.Errorf("tool error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, scalewaytest.SandboxToken) {
				t.Errorf("tool error %q shows the key", msg)
			}
			if apiHits.Load() != 1 || targetHits.Load() != 0 {
				t.Errorf("the API got %d requests and the redirect target %d; want 1 and none", apiHits.Load(), targetHits.Load())
			}
		})
	}
}
