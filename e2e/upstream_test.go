package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// peakRSS is the process's VmHWM in bytes, from /proc.
func peakRSS(t *testing.T, pid int) int {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// TestHostileUpstreamMemory points the binary at an upstream that answers
// every page just under 4 MiB with an absurd X-Total-Count, the attack
// that once drove memory to gigabytes and a stdio line to 671 MB, and
// lists every page of every zone: with pages of many images (more than
// asked for) and of one huge image. The call ends (an error, or a list
// cut short), and the peak memory of the process and the size of its
// answer stay bounded.
func TestHostileUpstreamMemory(t *testing.T) {
	t.Parallel()
	for _, perPage := range []int{1, 100} {
		for _, imagesPerPage := range []int{1, 5000} {
			t.Run(fmt.Sprintf("per_page %d, %d images a page", perPage, imagesPerPage), func(t *testing.T) {
				t.Parallel()
				page := scalewaytest.HostileImagesPage(imagesPerPage)
				var requests atomic.Int64
				upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					requests.Add(1)
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("X-Total-Count", "999999")
					_, _ = w.Write(page)
				}))
				t.Cleanup(upstream.Close)
				env := []string{"SCW_API_URL=" + upstream.URL, "SCW_SECRET_KEY=" + scalewaytest.SandboxToken, "SCW_DEFAULT_ZONE=fr-par-1"}
				p := startStdio(t, env)
				res, err := p.session.CallTool(t.Context(), &mcp.CallToolParams{Name: tools.ListImagesTool, Arguments: map[string]any{"zone": "all", "all_pages": true, "per_page": perPage}})
				if err != nil {
					t.Fatalf("protocol error: %v", err)
				}
				peak, answer := peakRSS(t, p.cmd.Process.Pid), len(testutil.ResultText(res))
				t.Logf("%d upstream requests, peak RSS %d MiB, answer %d bytes: %.160s", requests.Load(), peak>>20, answer, testutil.ResultText(res))
				if peak > 256<<20 || answer > 2<<20 {
					t.Errorf("peak RSS %d MiB, answer %d bytes", peak>>20, answer)
				}
			})
		}
	}
}
