package listener

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serveInBackground runs Serve and returns the bound address and a channel
// with Serve's result.
func serveInBackground(t *testing.T, ctx context.Context, opts Options, h http.Handler) (string, <-chan error) {
	t.Helper()
	bound := make(chan net.Addr, 1)
	opts.OnListen = func(addr net.Addr) { bound <- addr }
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, opts, h) }()
	select {
	case addr := <-bound:
		return addr.String(), done
	case err := <-done:
		t.Fatalf("Serve() returned before listening: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve() did not listen within 5s")
	}
	return "", nil
}

// waitServe waits for Serve's result, failing the test after limit.
func waitServe(t *testing.T, done <-chan error, limit time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("Serve() did not return within %s", limit)
		return nil
	}
}

// newClient returns a client whose idle connections the test closes, so
// that goleak sees no transport goroutine left.
func newClient(t *testing.T) *http.Client {
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport, Timeout: 10 * time.Second}
}

func TestServeAnswersThenStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addr, done := serveInBackground(t, ctx, Options{Addr: "127.0.0.1:0", Token: testToken}, echo)
	client := newClient(t)

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+addr+"/mcp", strings.NewReader("hello"))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "5" {
		t.Fatalf("answer = %d %q; want 200 \"5\"", resp.StatusCode, body)
	}
	resp, err = client.Get("http://" + addr + "/mcp")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status without token = %d; want 401 (Serve must apply Wrap's rules)", resp.StatusCode)
	}

	cancel()
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve() = %v; want nil after cancellation", err)
	}
	if _, err := client.Get("http://" + addr + "/mcp"); err == nil {
		t.Fatal("the server still answers after Serve returned")
	}
}

func TestServeRefusesBeyondLoopbackWithoutToken(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		err := Serve(t.Context(), Options{Addr: addr}, echo)
		if !errors.Is(err, ErrTokenRequired) || !strings.Contains(err.Error(), "set a bearer token to listen beyond loopback") {
			t.Errorf("Serve(%s) = %v; want ErrTokenRequired", addr, err)
		}
	}
}

func TestServeFailsWhenPortIsTaken(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	err = Serve(t.Context(), Options{Addr: taken.Addr().String()}, echo)
	if err == nil || !strings.Contains(err.Error(), "listening on "+taken.Addr().String()) {
		t.Fatalf("Serve() = %v; want a listening error", err)
	}
}

func TestServeLetsRequestsInFlightFinish(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	started, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	addr, done := serveInBackground(t, ctx, Options{Addr: "127.0.0.1:0"}, slow)
	client := newClient(t)

	answer := make(chan string, 1)
	go func() {
		resp, err := client.Get("http://" + addr + "/slow")
		if err != nil {
			answer <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- string(body)
	}()
	<-started
	cancel()
	time.Sleep(50 * time.Millisecond) // shutdown has begun and is waiting
	close(release)
	if got := <-answer; got != "finished" {
		t.Fatalf("request in flight got %q; want it to finish during shutdown", got)
	}
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve() = %v; want nil", err)
	}
}

func TestServeEndsEventStreamsAtOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	streaming := make(chan struct{})
	stream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_ = http.NewResponseController(w).Flush()
		close(streaming)
		<-r.Context().Done()
	})
	// A grace period far longer than the test's limit proves the stream
	// did not hold shutdown.
	addr, done := serveInBackground(t, ctx, Options{Addr: "127.0.0.1:0", ShutdownTimeout: time.Minute}, stream)
	client := newClient(t)

	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/mcp", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-streaming
	cancel()
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve() = %v; want nil", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
}

func TestServeCutsOffRequestsAfterGracePeriod(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	started := make(chan struct{})
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	addr, done := serveInBackground(t, ctx, Options{Addr: "127.0.0.1:0", ShutdownTimeout: 100 * time.Millisecond}, stuck)
	client := newClient(t)

	failed := make(chan error, 1)
	go func() {
		resp, err := client.Get("http://" + addr + "/stuck")
		if err == nil {
			resp.Body.Close()
		}
		failed <- err
	}()
	<-started
	cancel()
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve() = %v; want nil after cutting off", err)
	}
	if err := <-failed; err == nil {
		t.Fatal("the stuck request got an answer; want its connection closed")
	}
}

// TestServeDrainsBeforeStopping: once cancelled with a DrainDelay, the
// listener goes on serving (a write that a load balancer still sends runs
// and is answered) while /healthz answers 503 and every answer closes its
// connection; only after the delay does it stop taking connections.
func TestServeDrainsBeforeStopping(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	const delay = 300 * time.Millisecond
	addr, done := serveInBackground(t, ctx, Options{Addr: "127.0.0.1:0", DrainDelay: delay}, echo)
	client := newClient(t)
	// resp.Close says whether the answer closed its connection (the
	// client takes Connection: close out of the header).
	get := func(path string) (int, bool, error) {
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			return 0, false, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Close, nil
	}
	if status, closed, err := get("/healthz"); err != nil || status != http.StatusOK || closed {
		t.Fatalf("before the drain: /healthz %d, closed %v, %v; want 200, kept alive", status, closed, err)
	}

	cancel()
	stopped := time.Now().Add(delay)
	time.Sleep(delay / 6) // the drain has begun
	if status, closed, err := get("/healthz"); err != nil || status != http.StatusServiceUnavailable || !closed {
		t.Errorf("draining: /healthz %d, closed %v, %v; want 503, closed", status, closed, err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/mcp", strings.NewReader("write"))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("draining: a request was not served: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "5" || !resp.Close {
		t.Errorf("draining: %d %q, closed %v; want 200 \"5\", closed", resp.StatusCode, body, resp.Close)
	}
	if err := waitServe(t, done, 5*time.Second); err != nil {
		t.Fatalf("Serve() = %v; want nil after the drain", err)
	}
	if time.Now().Before(stopped) {
		t.Errorf("Serve returned before the drain delay was over")
	}
	if _, _, err := get("/healthz"); err == nil {
		t.Error("the listener still answers after the drain")
	}
}
