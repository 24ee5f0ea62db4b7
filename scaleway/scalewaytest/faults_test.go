package scalewaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// rawGet sends a GET on a fresh connection (so that the transport never
// retries on a reused one) and returns what the client saw, errors included.
func rawGet(ctx context.Context, srv *scalewaytest.Server, path string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestScriptedFaults(t *testing.T) {
	t.Parallel()
	transient := scaleway.Error{Type: scaleway.TypeTransientState, Message: "resource is in a transient state", Resource: "instance_image", ResourceID: "x", CurrentState: "creating"}
	tests := []struct {
		name  string
		fault scalewaytest.Fault
		check func(t *testing.T, resp *http.Response, body []byte, err error)
	}{
		{"error answer", scalewaytest.ErrorAnswer(http.StatusConflict, transient), func(t *testing.T, resp *http.Response, body []byte, err error) {
			var got scaleway.Error
			if err != nil || resp.StatusCode != http.StatusConflict || json.Unmarshal(body, &got) != nil ||
				got.Type != transient.Type || got.CurrentState != "creating" || got.ResourceID != "x" {
				t.Errorf("got %v %s (%v), want 409 transient_state", resp, body, err)
			}
		}},
		{"server error", scalewaytest.ServerError(http.StatusBadGateway), func(t *testing.T, resp *http.Response, body []byte, err error) {
			var got scaleway.Error
			if err != nil || resp.StatusCode != http.StatusBadGateway || json.Unmarshal(body, &got) != nil || got.Type == "" || got.Message == "" {
				t.Errorf("got %v %s (%v), want 502 with a Scaleway body", resp, body, err)
			}
		}},
		{"too many requests", scalewaytest.TooManyRequests(2500 * time.Millisecond), func(t *testing.T, resp *http.Response, body []byte, err error) {
			var got scaleway.Error
			if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" ||
				json.Unmarshal(body, &got) != nil || got.Type != scaleway.TypeTooManyRequests {
				t.Errorf("got %v %s (%v), want 429 with Retry-After: 3", resp, body, err)
			}
		}},
		{"malformed JSON", scalewaytest.MalformedJSON(), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || json.Valid(body) {
				t.Errorf("got %v %q (%v), want 200 application/json with invalid JSON", resp, body, err)
			}
		}},
		{"truncated body", scalewaytest.TruncatedBody(), func(t *testing.T, resp *http.Response, _ []byte, err error) {
			if resp == nil || resp.StatusCode != http.StatusOK || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("got %v (%v), want 200 then an unexpected EOF", resp, err)
			}
		}},
		{"dropped connection", scalewaytest.DroppedConnection(), func(t *testing.T, resp *http.Response, _ []byte, err error) {
			if err == nil || resp != nil {
				t.Errorf("got %v, want no answer", resp)
			}
		}},
		{"delay", scalewaytest.Delay(time.Millisecond), func(t *testing.T, resp *http.Response, body []byte, err error) {
			if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(body) {
				t.Errorf("got %v %s (%v), want the normal answer", resp, body, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, scalewaytest.Options{})
			path := imagePath(zone, srv.Images(zone)[0].ID)
			srv.Script(scalewaytest.RouteGetImage, tt.fault)

			imagesFrom(t, send(t, srv, http.MethodGet, imagesPath(zone), "").expectStatus(t, http.StatusOK)) // other routes are unaffected
			resp, body, err := rawGet(t.Context(), srv, path)
			tt.check(t, resp, body, err)
			imageFrom(t, send(t, srv, http.MethodGet, path, "").expectStatus(t, http.StatusOK)) // then back to normal
			if got := srv.RequestCount(scalewaytest.RouteGetImage); got != 2 {
				t.Errorf("RequestCount = %d, want 2: faulty requests are logged too", got)
			}
		})
	}
}

func TestScriptedFaultsPlayInOrder(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	srv.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(500), scalewaytest.TooManyRequests(time.Second))
	srv.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(503))
	var statuses []int
	for range 4 {
		statuses = append(statuses, send(t, srv, http.MethodGet, imagesPath(zone), "").status)
	}
	if want := []int{500, 429, 503, 200}; !slices.Equal(statuses, want) {
		t.Errorf("statuses = %v, want %v", statuses, want)
	}
}

func TestScriptedFaultsComeBeforeAuthentication(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	srv.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(503))
	sendAs(t, srv, "", http.MethodGet, imagesPath(zone), "").expectStatus(t, http.StatusServiceUnavailable)
	sendAs(t, srv, "", http.MethodGet, imagesPath(zone), "").expectStatus(t, http.StatusUnauthorized)
}

func TestWaitsEndWhenTheClientGivesUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   scalewaytest.Options
		script []scalewaytest.Fault
	}{
		{"latency", scalewaytest.Options{Latency: time.Hour}, nil},
		{"scripted delay", scalewaytest.Options{}, []scalewaytest.Fault{scalewaytest.Delay(time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Close waits for handlers in flight: if they ignored the
			// cancellation, this test would hang instead of passing.
			srv := newServer(t, tt.opts)
			srv.Script(scalewaytest.RouteListImages, tt.script...)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			if _, _, err := rawGet(ctx, srv, imagesPath(zone)); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want the client's deadline", err)
			}
		})
	}
}

func TestFailureRate(t *testing.T) {
	t.Parallel()
	statuses := func(opts scalewaytest.Options) []int {
		fake := scalewaytest.New(opts)
		var out []int
		for range 60 {
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, imagesPath(zone), nil)
			req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
			fake.ServeHTTP(rec, req)
			out = append(out, rec.Code)
			if rec.Code == http.StatusServiceUnavailable {
				var e scaleway.Error
				if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Type == "" || rec.Header().Get("Content-Type") != "application/json" {
					t.Errorf("503 body = %s, want a Scaleway-style JSON error", rec.Body)
				}
			}
		}
		return out
	}
	count := func(codes []int, code int) int {
		n := 0
		for _, c := range codes {
			if c == code {
				n++
			}
		}
		return n
	}
	if got := statuses(scalewaytest.Options{FailureRate: 1}); count(got, 503) != len(got) {
		t.Errorf("rate 1: %v, want only 503s", got)
	}
	if got := statuses(scalewaytest.Options{}); count(got, 200) != len(got) {
		t.Errorf("rate 0: %v, want only 200s", got)
	}
	half := statuses(scalewaytest.Options{FailureRate: 0.5, FailureSeed: 7})
	if count(half, 503) == 0 || count(half, 200) == 0 || count(half, 503)+count(half, 200) != len(half) {
		t.Errorf("rate 0.5: %v, want a mix of 200s and 503s", half)
	}
	if again := statuses(scalewaytest.Options{FailureRate: 0.5, FailureSeed: 7}); !slices.Equal(again, half) {
		t.Errorf("same seed gave %v then %v, want the same sequence", half, again)
	}
}
