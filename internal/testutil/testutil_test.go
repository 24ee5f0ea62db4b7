package testutil_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
)

func TestBufferTakesConcurrentWriters(t *testing.T) {
	t.Parallel()
	var b testutil.Buffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { fmt.Fprintf(&b, "%02d\n", i) })
	}
	wg.Wait()
	if got := len(b.String()); got != 50*3 {
		t.Errorf("%d bytes written, want %d", got, 50*3)
	}
}

func TestClockMovesOnlyWhenAdvanced(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	c := testutil.NewClock(start)
	first := c.Now()
	time.Sleep(time.Millisecond)
	if !first.Equal(start) || !c.Now().Equal(start) {
		t.Fatalf("the clock moved by itself: %v, then %v", first, c.Now())
	}
	c.Advance(90 * time.Second)
	if want := start.Add(90 * time.Second); !c.Now().Equal(want) {
		t.Errorf("after Advance: %v, want %v", c.Now(), want)
	}
}

func TestResultTextJoinsTheTextBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content []mcp.Content
		want    string
	}{
		{"none", nil, ""},
		{"one", []mcp.Content{&mcp.TextContent{Text: `{"a":1}`}}, `{"a":1}`},
		{"text around an image", []mcp.Content{&mcp.TextContent{Text: "a"}, &mcp.ImageContent{MIMEType: "image/png"}, &mcp.TextContent{Text: "b"}}, "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := testutil.ResultText(&mcp.CallToolResult{Content: tt.content}); got != tt.want {
				t.Errorf("ResultText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeaderTransportSetsItsPairsOnACopy(t *testing.T) {
	t.Parallel()
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.Header }))
	t.Cleanup(srv.Close)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", "mine")
	resp, err := testutil.HeaderTransport{"X-Auth-Token", "theirs", "Authorization", "Bearer t"}.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("X-Auth-Token") != "theirs" || got.Get("Authorization") != "Bearer t" {
		t.Errorf("the server saw %v", got)
	}
	if req.Header.Get("X-Auth-Token") != "mine" || req.Header.Get("Authorization") != "" {
		t.Errorf("the caller's request was changed: %v", req.Header)
	}
}
