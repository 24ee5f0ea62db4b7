package scaleway_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantType    scaleway.ErrorType
		wantInMsg   []string
		check       func(t *testing.T, e *scaleway.Error)
	}{
		{
			name: "invalid_arguments", status: 400,
			body:      `{"type":"invalid_arguments","message":"invalid argument(s)","details":[{"argument_name":"root_volume","reason":"required","help_message":"required key not provided"},{"argument_name":"arch","reason":"required","help_message":"required key not provided"}]}`,
			wantType:  scaleway.TypeInvalidArguments,
			wantInMsg: []string{"root_volume is required", "arch is required", "required key not provided"},
		},
		{
			name: "denied_authentication", status: 401,
			body:      `{"type":"denied_authentication","message":"authentication is denied","method":"api_key","reason":"not_found"}`,
			wantType:  scaleway.TypeDeniedAuthentication,
			wantInMsg: []string{"denied authentication", "SCW_SECRET_KEY", "SCALEWAY_API_KEY"},
		},
		{
			name: "permissions_denied", status: 403,
			body:      `{"type":"permissions_denied","message":"insufficient permissions","details":[{"resource":"instance_image","action":"write"}]}`,
			wantType:  scaleway.TypePermissionsDenied,
			wantInMsg: []string{"write instance_image", "InstancesFullAccess"},
		},
		{
			name: "quotas_exceeded", status: 403,
			body:      `{"type":"quotas_exceeded","message":"quota(s) exceeded for this resource","details":[{"resource":"images","quota":5,"current":5}]}`,
			wantType:  scaleway.TypeQuotasExceeded,
			wantInMsg: []string{"quota exceeded for images", "5 of 5 used"},
		},
		{
			name: "not_found", status: 404,
			body:      `{"type":"not_found","message":"resource is not found","resource":"instance_image","resource_id":"6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"}`,
			wantType:  scaleway.TypeNotFound,
			wantInMsg: []string{"no instance_image 6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f", "zone"},
			check: func(t *testing.T, e *scaleway.Error) {
				if !scaleway.IsNotFound(e) || e.ResourceID != "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f" {
					t.Errorf("IsNotFound/ResourceID wrong: %+v", e)
				}
			},
		},
		{
			name: "transient_state", status: 409,
			body:      `{"type":"transient_state","message":"resource is in a transient state","resource":"instance_image","resource_id":"x","current_state":"creating"}`,
			wantType:  scaleway.TypeTransientState,
			wantInMsg: []string{"transient state (creating)", "wait"},
		},
		{
			name: "already_exists", status: 409,
			body:      `{"type":"already_exists","message":"resource already exists","resource":"instance_image","resource_id":"x","help_message":"pick another name"}`,
			wantType:  scaleway.TypeAlreadyExists,
			wantInMsg: []string{"already exists", "pick another name"},
		},
		{
			name: "resource_expired", status: 410,
			body:      `{"type":"resource_expired","message":"resource expired","resource":"token","resource_id":"x","expired_since":"2026-01-01T00:00:00Z"}`,
			wantType:  scaleway.TypeResourceExpired,
			wantInMsg: []string{"has expired since 2026-01-01T00:00:00Z"},
		},
		{
			name: "expired (JS name)", status: 410,
			body:     `{"type":"expired","message":"resource expired","resource":"token"}`,
			wantType: scaleway.TypeExpired, wantInMsg: []string{"has expired"},
		},
		{
			name: "precondition_failed", status: 412,
			body:      `{"type":"precondition_failed","message":"precondition failed","precondition":"resource_still_in_use","help_message":"detach it first"}`,
			wantType:  scaleway.TypePreconditionFailed,
			wantInMsg: []string{"resource_still_in_use", "detach it first"},
		},
		{
			name: "locked", status: 423,
			body:     `{"type":"locked","message":"resource is locked","resource":"instance_image","resource_id":"x"}`,
			wantType: scaleway.TypeLocked, wantInMsg: []string{"locked", "unlock"},
		},
		{
			name: "too_many_requests", status: 429,
			body:     `{"type":"too_many_requests","message":"too many requests","help_message":"slow down"}`,
			wantType: scaleway.TypeTooManyRequests, wantInMsg: []string{"rate limiting", "retry after 7s", "slow down"},
		},
		{
			name: "out_of_stock", status: 503,
			body:     `{"type":"out_of_stock","message":"out of stock","resource":"GP1-XL"}`,
			wantType: scaleway.TypeOutOfStock, wantInMsg: []string{"out of stock for GP1-XL", "another zone"},
		},
		{
			name: "legacy validation error", status: 400,
			body:      `{"fields":{"volumes.5.id":["\"x\" is not a valid UUID."],"arch":["bad"]},"message":"Validation Error","type":"invalid_request_error"}`,
			wantType:  scaleway.TypeInvalidRequest,
			wantInMsg: []string{"arch: bad; volumes.5.id: \"x\" is not a valid UUID."},
		},
		{
			name: "legacy quota", status: 403,
			body:     `{"message":"quota exceeded for this resource","resource":"compute_snapshots_type_b_ssd_available_volume","type":"invalid_request_error"}`,
			wantType: scaleway.TypeQuotasExceeded, wantInMsg: []string{"quota exceeded for compute_snapshots_type_b_ssd_available_volume"},
		},
		{
			// As the API has written it, capitalised: both official SDKs
			// match it without case.
			name: "legacy quota, capitalised", status: 403,
			body:     `{"type":"invalid_request_error","message":"Quota exceeded for this resource."}`,
			wantType: scaleway.TypeQuotasExceeded, wantInMsg: []string{"Scaleway quota exceeded", "ask Scaleway support to raise the quota"},
		},
		{
			name: "legacy unknown_resource", status: 404,
			body:      `{"message":"Security group '7a4dd6b9-8b55-4fd5-a8c7-2d1b2b4b0a0e' not found","type":"unknown_resource"}`,
			wantType:  scaleway.TypeUnknownResource,
			wantInMsg: []string{"no security_group 7a4dd6b9-8b55-4fd5-a8c7-2d1b2b4b0a0e"},
			check: func(t *testing.T, e *scaleway.Error) {
				if e.Resource != "security_group" || !scaleway.IsNotFound(e) {
					t.Errorf("legacy not found not recognised: %+v", e)
				}
			},
		},
		{
			name: "legacy conflict", status: 409,
			body:     `{"message":"Group is in use. You cannot delete it.","type":"conflict"}`,
			wantType: scaleway.TypeConflict, wantInMsg: []string{"Group is in use"},
		},
		{
			name: "html from a proxy", status: 502, contentType: "text/html",
			body:     `<html>Bad Gateway</html>`,
			wantType: scaleway.TypeUnknown, wantInMsg: []string{"502 Bad Gateway", "Scaleway asked to wait 7s before trying again"},
		},
		{
			name: "truncated json", status: 500,
			body:     `{"type":"internal`,
			wantType: scaleway.TypeUnknown, wantInMsg: []string{"500 Internal Server Error"},
		},
		{
			name: "unknown type keeps its name", status: 418,
			body:     `{"type":"teapot","message":"short and stout"}`,
			wantType: "teapot", wantInMsg: []string{"teapot: short and stout"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			resp := &http.Response{
				StatusCode: tt.status,
				Status:     fmt.Sprintf("%d %s", tt.status, http.StatusText(tt.status)),
				Header: http.Header{
					"Content-Type": {ct}, "X-Request-Id": {"req-1"}, "Retry-After": {"7"},
				},
			}
			e := scaleway.DecodeError(resp, []byte(tt.body))
			if e.Type != tt.wantType {
				t.Fatalf("type = %q, want %q", e.Type, tt.wantType)
			}
			if e.StatusCode != tt.status || e.RequestID != "req-1" || e.RetryAfter != 7*time.Second {
				t.Errorf("metadata = %d %q %s", e.StatusCode, e.RequestID, e.RetryAfter)
			}
			msg := e.Error()
			for _, want := range tt.wantInMsg {
				if !strings.Contains(msg, want) {
					t.Errorf("Error() = %q, want it to contain %q", msg, want)
				}
			}
			if !strings.Contains(msg, "request id req-1") {
				t.Errorf("Error() = %q lacks the request id", msg)
			}
			if !errors.Is(e, &scaleway.Error{Type: tt.wantType}) {
				t.Errorf("errors.Is by type failed")
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"-1", 0},
		{"1.5", 0},
		{"soon", 0},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second},
		{now.Add(-10 * time.Second).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := scaleway.ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
