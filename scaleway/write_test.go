package scaleway_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// heldUpstream holds every request until release is closed, after saying
// so on arrived, then answers the method's success.
type heldUpstream struct {
	arrived chan struct{}
	release chan struct{}
	hits    atomic.Int32
}

func newHeldUpstream() *heldUpstream {
	return &heldUpstream{arrived: make(chan struct{}, 8), release: make(chan struct{})}
}

func (h *heldUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// net/http notices a client that hangs up (and cancels r.Context())
	// only once the body is read.
	_, _ = io.Copy(io.Discard, r.Body)
	h.hits.Add(1)
	h.arrived <- struct{}{}
	select {
	case <-h.release:
	case <-r.Context().Done(): // the client gave up
		return
	}
	switch r.Method {
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		writeJSON(w, http.StatusCreated, imageBody)
	default:
		writeJSON(w, http.StatusOK, imageBody)
	}
}

// contextRecorder hands over the context of each request the client sends.
type contextRecorder struct {
	sent chan context.Context
}

func (rec *contextRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rec.sent <- r.Context()
	return http.DefaultTransport.RoundTrip(r)
}

// TestSentWriteOutlivesCancellation cancels each call while upstream holds
// its request. A GET is abandoned at once; a write keeps its request alive
// and, once upstream answers, returns that answer: the caller must learn
// whether the image was created, changed or deleted.
func TestSentWriteOutlivesCancellation(t *testing.T) {
	t.Parallel()
	for _, m := range everyMethod {
		t.Run(m.method, func(t *testing.T) {
			t.Parallel()
			upstream := newHeldUpstream()
			rec := &contextRecorder{sent: make(chan context.Context, 1)}
			c := newTestClient(t, upstream, scaleway.WithHTTPClient(&http.Client{Transport: rec}))
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- m.call(ctx, c) }()

			<-upstream.arrived
			sent := <-rec.sent
			cancel()
			// Cancellation reaches a context's children before cancel
			// returns: no waiting needed to see whether it reached the
			// request.
			isGet := m.method == http.MethodGet
			if (sent.Err() != nil) != isGet {
				t.Errorf("request cancelled with its caller: %v; want %v", sent.Err() != nil, isGet)
			}
			close(upstream.release)
			err := <-done
			switch {
			case isGet && !errors.Is(err, context.Canceled):
				t.Errorf("GET err = %v, want the cancellation", err)
			case !isGet && err != nil:
				t.Errorf("%s err = %v, want upstream's answer", m.method, err)
			}
			if got := upstream.hits.Load(); got != 1 {
				t.Errorf("upstream saw %d requests, want 1", got)
			}
		})
	}
}

// TestSentWriteKeepsTheCallersDeadline: detached from cancellation, a write
// still ends at the caller's deadline.
func TestSentWriteKeepsTheCallersDeadline(t *testing.T) {
	t.Parallel()
	upstream := newHeldUpstream()
	defer close(upstream.release) // after the call: it must end without
	c := newTestClient(t, upstream)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{Name: "x", RootVolume: testSnap, Arch: scaleway.ArchX86_64})
	var transportErr *scaleway.TransportError
	if !errors.As(err, &transportErr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a transport error at the deadline", err)
	}
	if got := upstream.hits.Load(); got != 1 {
		t.Errorf("upstream saw %d requests, want 1", got)
	}
}

// TestCancelledBeforeSendingSendsNothing: a call whose context is already
// cancelled, write or not, never reaches upstream.
func TestCancelledBeforeSendingSendsNothing(t *testing.T) {
	t.Parallel()
	for _, m := range everyMethod {
		t.Run(m.method, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			c := newTestClient(t, scripted(&hits))
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			if err := m.call(ctx, c); !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want the cancellation", err)
			}
			if hits.Load() != 0 {
				t.Errorf("upstream saw %d requests, want none", hits.Load())
			}
		})
	}
}

// bodyRead says on read when the client has read an answer in full and
// closed its body: the attempt is over.
type bodyRead struct {
	read chan struct{}
}

func (b *bodyRead) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		resp.Body = signalOnClose{resp.Body, b.read}
	}
	return resp, err
}

type signalOnClose struct {
	io.ReadCloser
	closed chan struct{}
}

func (s signalOnClose) Close() error {
	err := s.ReadCloser.Close()
	s.closed <- struct{}{}
	return err
}

// TestCancelDuringRetryWait: upstream asks to wait an hour, which the
// policy allows; cancelling the call ends the wait. A wait that ignored the
// cancellation would hang the test, not make it slow.
func TestCancelDuringRetryWait(t *testing.T) {
	t.Parallel()
	for _, m := range everyMethod {
		if m.method == http.MethodPost { // a POST that got an answer is never retried
			continue
		}
		t.Run(m.method, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			answer := &bodyRead{read: make(chan struct{}, 1)}
			c := newTestClient(t, scripted(&hits, status(http.StatusServiceUnavailable, "Retry-After", "3600")),
				scaleway.WithRetryPolicy(scaleway.RetryPolicy{MaxRetries: 3, MaxRetryAfter: 2 * time.Hour}), scaleway.WithHTTPClient(&http.Client{Transport: answer}))
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { done <- m.call(ctx, c) }()
			<-answer.read
			cancel()
			err := <-done
			var apiErr *scaleway.Error
			if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("err = %v, want the cancellation and the last attempt's 503", err)
			}
			if hits.Load() != 1 {
				t.Errorf("upstream saw %d requests, want 1", hits.Load())
			}
		})
	}
}
