package scalewaytest_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

var listeningOn = regexp.MustCompile(`on (http://\S+)`)

// startListenAndServe runs ListenAndServe on a free port and returns its
// base URL, its log lines and its result.
func startListenAndServe(t *testing.T, ctx context.Context, opts scalewaytest.Options) (string, <-chan string, <-chan error) {
	t.Helper()
	lines := make(chan string, 100)
	result := make(chan error, 1)
	go func() {
		result <- scalewaytest.ListenAndServe(ctx, "127.0.0.1:0", opts, func(format string, args ...any) {
			lines <- fmt.Sprintf(format, args...)
		})
	}()
	select {
	case line := <-lines:
		m := listeningOn.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first log line %q does not name the address", line)
		}
		return m[1], lines, result
	case err := <-result:
		t.Fatalf("ListenAndServe returned early: %v", err)
	}
	return "", nil, nil
}

func TestListenAndServe(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	baseURL, lines, result := startListenAndServe(t, ctx, scalewaytest.Options{})

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+imagesPath(zone)+"?per_page=1", nil)
	req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Total-Count") != "17" {
		t.Errorf("answer = %d, X-Total-Count %s", resp.StatusCode, resp.Header.Get("X-Total-Count"))
	}
	if line := <-lines; !strings.Contains(line, "GET /instance/v1/zones/fr-par-1/images?per_page=1") || strings.Contains(line, scalewaytest.SandboxToken) {
		t.Errorf("request log line = %q", line)
	}

	cancel()
	if err := <-result; err != nil {
		t.Errorf("ListenAndServe after cancel = %v, want nil", err)
	}
	if _, err := http.Get(baseURL + imagesPath(zone)); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

func TestListenAndServeShutsDownWithRequestsInFlight(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	baseURL, lines, result := startListenAndServe(t, ctx, scalewaytest.Options{Latency: time.Hour})

	answered := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+imagesPath(zone), nil)
		req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	<-lines // the request reached the handler
	cancel()
	if err := <-result; err != nil {
		t.Errorf("ListenAndServe = %v, want a clean shutdown", err)
	}
	if err := <-answered; err == nil {
		t.Error("the waiting request got an answer, want the connection closed")
	}
}

func TestListenAndServeReportsListenErrors(t *testing.T) {
	t.Parallel()
	err := scalewaytest.ListenAndServe(t.Context(), "256.0.0.1:bad", scalewaytest.Options{}, nil)
	if err == nil || !strings.Contains(err.Error(), "listening on") {
		t.Errorf("err = %v, want a listen error", err)
	}
}
