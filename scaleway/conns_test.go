package scaleway_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestClientReusesConnections counts the TCP connections the fake accepts
// while a client makes many calls, one after another and concurrently
// (all-pages lists): the client must keep them alive and reuse them, not
// open one per request.
func TestClientReusesConnections(t *testing.T) {
	t.Parallel()
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(scalewaytest.New(scalewaytest.Options{ExtraImages: 9970}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := scaleway.NewClient(scaleway.WithBaseURL(srv.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken))
	if err != nil {
		t.Fatal(err)
	}

	const sequential = 200
	id := scalewaytest.New(scalewaytest.Options{}).Images(zone)[0].ID
	for i := range sequential {
		if _, _, err := c.GetImage(t.Context(), zone, id); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if got := opened.Load(); got != 1 {
		t.Errorf("%d sequential calls opened %d connections, want 1", sequential, got)
	}

	// Ten all-pages lists of 1,000 images: page 1, then 9 pages at once.
	project, perPage := scalewaytest.DefaultProjectID, uint32(100)
	req := &scaleway.ListImagesRequest{Project: &project, PerPage: &perPage}
	for range 10 {
		all, err := c.ListAllImages(t.Context(), zone, req, 0)
		if err != nil || len(all.Items) != 1000 {
			t.Fatalf("all pages: %v, %d images", err, len(all.Items))
		}
	}
	// At most one connection per page fetched at once, whatever the
	// number of lists.
	if got := opened.Load(); got > 1+9 {
		t.Errorf("sequential calls then 10 all-pages lists opened %d connections, want at most 10", got)
	}
	t.Logf("%d connections for %d calls", opened.Load(), sequential+10*10)
}
