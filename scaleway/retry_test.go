package scaleway_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// TestRetryAfterBeyondTheCapFailsAtOnce: a Retry-After (in seconds or as a
// date) longer than the policy's MaxRetryAfter ends the call at once with
// the 429, which says how long Scaleway asked to wait; one within the cap
// is waited for and retried.
func TestRetryAfterBeyondTheCapFailsAtOnce(t *testing.T) {
	t.Parallel()
	// A second is the shortest Retry-After the wire carries.
	oneSecondCap := scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond, MaxRetryAfter: time.Second}
	tests := []struct {
		name       string
		retryAfter string
		policy     scaleway.RetryPolicy
		wantHits   int32
		wantInMsg  string // "" for success
	}{
		{"999999 seconds, default policy", "999999", scaleway.DefaultRetryPolicy, 1, "Scaleway asked to wait 277h46m39s before trying again"},
		{"a day as a date, default policy", time.Now().Add(24 * time.Hour).UTC().Format(http.TimeFormat), scaleway.DefaultRetryPolicy, 1, "Scaleway asked to wait "},
		{"2 seconds over a 1-second cap", "2", oneSecondCap, 1, "Scaleway asked to wait 2s"},
		{"1 second within a 1-second cap", "1", oneSecondCap, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			c := newTestClient(t, scripted(&hits, status(http.StatusTooManyRequests, "Retry-After", tt.retryAfter)), scaleway.WithRetryPolicy(tt.policy))
			_, _, err := c.GetImage(t.Context(), "fr-par-1", testImage)
			if hits.Load() != tt.wantHits {
				t.Errorf("%d attempts, want %d", hits.Load(), tt.wantHits)
			}
			switch {
			case tt.wantInMsg == "" && err != nil:
				t.Errorf("err = %v, want a successful retry", err)
			case tt.wantInMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantInMsg)):
				t.Errorf("err = %v, want it to say %q", err, tt.wantInMsg)
			}
		})
	}
}

// TestRetryHint: what an error says about trying again.
func TestRetryHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *scaleway.Error
		want string
	}{
		{&scaleway.Error{Type: scaleway.TypeUnknown, StatusCode: 503}, "Scaleway answered Service Unavailable; this is usually temporary, try again shortly. (HTTP 503)"},
		{&scaleway.Error{Type: scaleway.TypeUnknown, StatusCode: 503, RetryAfter: time.Hour}, "Scaleway answered Service Unavailable; Scaleway asked to wait 1h0m0s before trying again. (HTTP 503)"},
		{&scaleway.Error{Type: "teapot", Message: "short", StatusCode: 418}, "Scaleway answered teapot: short. (HTTP 418)"},
		{&scaleway.Error{Type: scaleway.TypeTooManyRequests, StatusCode: 429, RetryAfter: 90 * time.Second}, "Scaleway is rate limiting requests: retry after 1m30s. (HTTP 429)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
