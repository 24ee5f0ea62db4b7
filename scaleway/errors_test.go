package scaleway_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
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

func TestFakeErrors(t *testing.T) {
	t.Parallel()
	type env struct {
		srv   *scalewaytest.Server
		c     *scaleway.Client
		clock *testutil.Clock
	}
	create := func(t *testing.T, e env, z scaleway.Zone, root string) error {
		_, _, err := e.c.CreateImage(t.Context(), z, &scaleway.CreateImageRequest{Name: "x", RootVolume: root, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID)})
		return err
	}
	tests := []struct {
		name       string
		opts       scalewaytest.Options
		key        string // the client's secret key; "" means the sandbox token
		call       func(t *testing.T, e env) (route scalewaytest.Route, err error)
		status     int
		typ        scaleway.ErrorType
		resource   string
		resourceID func(t *testing.T, e env) string
		details    []scaleway.ErrorDetail
		check      func(t *testing.T, e env, apiErr *scaleway.Error)
	}{
		{
			name: "401 unknown key", opts: scalewaytest.Options{AcceptedTokens: []string{keyA}}, key: keyB,
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.GetImage(t.Context(), zone, imageNamed(t, e.srv, zone, "ci-runner").ID)
				return scalewaytest.RouteGetImage, err
			},
			status: 401, typ: scaleway.TypeDeniedAuthentication,
			check: func(t *testing.T, _ env, apiErr *scaleway.Error) {
				if apiErr.Method != "api_key" || apiErr.Reason != "not_found" {
					t.Errorf("method/reason = %q/%q, want api_key/not_found", apiErr.Method, apiErr.Reason)
				}
			},
		},
		{
			name: "401 malformed key", key: "not-a-uuid",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.ListImages(t.Context(), zone, nil)
				return scalewaytest.RouteListImages, err
			},
			status: 401, typ: scaleway.TypeDeniedAuthentication,
			check: func(t *testing.T, _ env, apiErr *scaleway.Error) {
				if apiErr.Reason != "invalid_argument" {
					t.Errorf("reason = %q, want invalid_argument", apiErr.Reason)
				}
			},
		},
		{
			name: "403 read-only key may not write", opts: scalewaytest.Options{ReadOnlyTokens: []string{keyA}}, key: keyA,
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				id := imageNamed(t, e.srv, zone, "ci-runner").ID
				if _, _, err := e.c.GetImage(t.Context(), zone, id); err != nil {
					t.Fatalf("a read-only key may read: %v", err)
				}
				_, _, err := e.c.UpdateImage(t.Context(), zone, id, &scaleway.UpdateImageRequest{Name: ptr("nope")})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 403, typ: scaleway.TypePermissionsDenied,
			details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
			check: func(t *testing.T, e env, _ *scaleway.Error) {
				if got := imageNamed(t, e.srv, zone, "ci-runner").Name; got != "ci-runner" {
					t.Errorf("image renamed to %q despite the 403", got)
				}
			},
		},
		{
			name: "403 read-only key may not create",
			opts: scalewaytest.Options{ReadOnlyTokens: []string{keyA}}, key: keyA,
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, zone, "snap-spare").ID)
			},
			status: 403, typ: scaleway.TypePermissionsDenied,
			details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
		},
		{
			name: "403 marketplace image delete",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, err := e.c.DeleteImage(t.Context(), zone, marketplaceImage(t, e.srv, zone).ID)
				return scalewaytest.RouteDeleteImage, err
			},
			status: 403, typ: scaleway.TypePermissionsDenied,
			details: []scaleway.ErrorDetail{{Resource: "instance_image", Action: "write"}},
			check: func(t *testing.T, e env, _ *scaleway.Error) {
				if got := len(e.srv.Images(zone)); got != 17 {
					t.Errorf("zone holds %d images, want 17", got)
				}
			},
		},
		{
			name: "403 quotas exceeded", opts: scalewaytest.Options{PrivateImageQuota: 3},
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, zone, "snap-spare").ID)
			},
			status: 403, typ: scaleway.TypeQuotasExceeded,
			details: []scaleway.ErrorDetail{{Resource: "images", Quota: ptr[int64](3), Current: ptr[int64](3)}},
			check: func(t *testing.T, e env, apiErr *scaleway.Error) {
				if !strings.Contains(apiErr.Error(), "(3 of 3 used)") {
					t.Errorf("message %q does not give the quota", apiErr.Error())
				}
				// The quota is per project and zone, and public images do not count.
				if err := create(t, e, "nl-ams-1", snapshotNamed(t, e.srv, "nl-ams-1", "snap-spare").ID); err == nil {
					t.Error("the quota of fr-par-1 also blocked nl-ams-1")
				}
				_, _, err := e.c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
					Name: "pub", RootVolume: snapshotNamed(t, e.srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64,
					Project: ptr(scalewaytest.DefaultProjectID), Public: ptr(true),
				})
				if err != nil {
					t.Errorf("a public image is not under the private image quota: %v", err)
				}
			},
		},
		{
			name: "404 image",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.GetImage(t.Context(), zone, unknownID)
				return scalewaytest.RouteGetImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_image", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "404 image of another zone",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.UpdateImage(t.Context(), zone, imageNamed(t, e.srv, "nl-ams-1", "ci-runner").ID, &scaleway.UpdateImageRequest{Public: ptr(true)})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_image",
			resourceID: func(t *testing.T, e env) string { return imageNamed(t, e.srv, "nl-ams-1", "ci-runner").ID },
		},
		{
			name: "404 image on PUT",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.SetImage(t.Context(), zone, unknownID, &scaleway.SetImageRequest{Name: "x", Arch: scaleway.ArchX86_64})
				return scalewaytest.RouteSetImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_image", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "404 unknown root snapshot on create",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, unknownID)
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_snapshot", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "404 snapshot of another zone on create",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, "pl-waw-1", "snap-web-root").ID)
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_snapshot",
			resourceID: func(t *testing.T, e env) string { return snapshotNamed(t, e.srv, "pl-waw-1", "snap-web-root").ID },
		},
		{
			name: "404 unknown extra volume snapshot on PATCH",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.UpdateImage(t.Context(), zone, imageNamed(t, e.srv, zone, "postgres-16").ID, &scaleway.UpdateImageRequest{
					Name:         ptr("renamed"),
					ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{"1": {ID: unknownID}},
				})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 404, typ: scaleway.TypeNotFound, resource: "instance_snapshot", resourceID: func(*testing.T, env) string { return unknownID },
			check: func(t *testing.T, e env, _ *scaleway.Error) {
				if imageNamed(t, e.srv, zone, "postgres-16").Name != "postgres-16" {
					t.Error("a failed PATCH changed the image")
				}
			},
		},
		{
			name: "409 transient state while creating", opts: scalewaytest.Options{CreatingDuration: 10 * time.Minute},
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				img, _, err := e.c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{
					Name: "slow", RootVolume: snapshotNamed(t, e.srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64, Project: ptr(scalewaytest.DefaultProjectID),
				})
				if err != nil {
					t.Fatalf("CreateImage: %v", err)
				}
				if img.State != scaleway.ImageStateCreating {
					t.Fatalf("new image state = %q, want creating", img.State)
				}
				e.clock.Advance(9 * time.Minute)
				_, _, err = e.c.UpdateImage(t.Context(), zone, img.ID, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
				return scalewaytest.RouteUpdateImage, err
			},
			status: 409, typ: scaleway.TypeTransientState, resource: "instance_image",
			resourceID: func(t *testing.T, e env) string { return imageNamed(t, e.srv, zone, "slow").ID },
			check: func(t *testing.T, e env, apiErr *scaleway.Error) {
				if apiErr.CurrentState != "creating" {
					t.Errorf("current_state = %q, want creating", apiErr.CurrentState)
				}
				id := apiErr.ResourceID
				if _, err := e.c.DeleteImage(t.Context(), zone, id); err == nil {
					t.Error("DeleteImage of a creating image succeeded")
				} else {
					apiError(t, err, http.StatusConflict, scaleway.TypeTransientState)
				}
				e.clock.Advance(time.Minute)
				img, _, err := e.c.UpdateImage(t.Context(), zone, id, &scaleway.UpdateImageRequest{Name: ptr("renamed")})
				if err != nil {
					t.Fatalf("UpdateImage once available: %v", err)
				}
				if img.State != scaleway.ImageStateAvailable || img.Name != "renamed" {
					t.Errorf("after the creating period: state %q name %q", img.State, img.Name)
				}
			},
		},
		{
			// The client sends a create without project or organization
			// (it has no default project to fill in); the fake refuses it.
			name: "400 invalid arguments from the fake",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				_, _, err := e.c.CreateImage(t.Context(), zone, &scaleway.CreateImageRequest{Name: "x", RootVolume: snapshotNamed(t, e.srv, zone, "snap-spare").ID, Arch: scaleway.ArchX86_64})
				return scalewaytest.RouteCreateImage, err
			},
			status: 400, typ: scaleway.TypeInvalidArguments,
			details: []scaleway.ErrorDetail{{ArgumentName: "project", Reason: "required", HelpMessage: "required key not provided"}},
			check: func(t *testing.T, _ env, apiErr *scaleway.Error) {
				if len(scaleway.ValidationErrors(apiErr)) != 0 {
					t.Error("an API 400 must not read as a client-side ValidationError")
				}
				if !strings.Contains(apiErr.Error(), "project is required") {
					t.Errorf("message %q does not name the argument", apiErr.Error())
				}
			},
		},
		{
			name: "400 scripted",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteListImages, scalewaytest.ErrorAnswer(http.StatusBadRequest, scaleway.Error{
					Type: scaleway.TypeInvalidArguments, Message: "invalid argument(s)",
					Details: []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint", HelpMessage: "must be between 1 and 100"}},
				}))
				_, _, err := e.c.ListImages(t.Context(), zone, nil)
				return scalewaytest.RouteListImages, err
			},
			status: 400, typ: scaleway.TypeInvalidArguments,
			details: []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint", HelpMessage: "must be between 1 and 100"}},
		},
		{
			name: "legacy quota error reads as quotas_exceeded",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteCreateImage, scalewaytest.ErrorAnswer(http.StatusForbidden, scaleway.Error{
					Type: scaleway.TypeInvalidRequest, Message: "quota exceeded for this resource", Resource: "images",
				}))
				return scalewaytest.RouteCreateImage, create(t, e, zone, snapshotNamed(t, e.srv, zone, "snap-spare").ID)
			},
			status: 403, typ: scaleway.TypeQuotasExceeded, resource: "images",
		},
		{
			name: "legacy unknown_resource is not found",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteGetImage, scalewaytest.ErrorAnswer(http.StatusNotFound, scaleway.Error{
					Type: scaleway.TypeUnknownResource, Message: `Image "` + unknownID + `" not found`,
				}))
				_, _, err := e.c.GetImage(t.Context(), zone, unknownID)
				if !scaleway.IsNotFound(err) {
					t.Errorf("IsNotFound(%v) = false", err)
				}
				return scalewaytest.RouteGetImage, err
			},
			status: 404, typ: scaleway.TypeUnknownResource, resource: "image", resourceID: func(*testing.T, env) string { return unknownID },
		},
		{
			name: "500 is not retried",
			call: func(t *testing.T, e env) (scalewaytest.Route, error) {
				e.srv.Script(scalewaytest.RouteGetImage, scalewaytest.ServerError(http.StatusInternalServerError))
				_, _, err := e.c.GetImage(t.Context(), zone, imageNamed(t, e.srv, zone, "ci-runner").ID)
				return scalewaytest.RouteGetImage, err
			},
			status: 500, typ: "server_error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clock := newTestClock()
			opts := tt.opts
			opts.Clock = clock.Now
			srv := startFake(t, opts)
			key := tt.key
			if key == "" {
				key = scalewaytest.SandboxToken
			}
			e := env{srv: srv, c: newClient(t, srv, scaleway.WithSecretKey(key)), clock: clock}

			route, err := tt.call(t, e)
			if err == nil {
				t.Fatal("call succeeded, want an error")
			}
			apiErr := apiError(t, err, tt.status, tt.typ)
			if !errors.Is(err, &scaleway.Error{Type: tt.typ}) {
				t.Errorf("errors.Is(err, &Error{Type: %q}) = false", tt.typ)
			}
			if apiErr.Resource != tt.resource {
				t.Errorf("resource = %q, want %q", apiErr.Resource, tt.resource)
			}
			wantID := ""
			if tt.resourceID != nil {
				wantID = tt.resourceID(t, e)
			}
			if apiErr.ResourceID != wantID {
				t.Errorf("resource_id = %q, want %q", apiErr.ResourceID, wantID)
			}
			if jsonOf(t, apiErr.Details) != jsonOf(t, tt.details) && !(len(apiErr.Details) == 0 && len(tt.details) == 0) {
				t.Errorf("details = %s, want %s", jsonOf(t, apiErr.Details), jsonOf(t, tt.details))
			}
			// None of these errors is retryable: the failing call was
			// sent once, with the client's key.
			if got := srv.RequestCount(route); got != 1 {
				t.Errorf("fake received %d %s requests, want 1 (not retried)", got, route)
			}
			for _, req := range srv.Requests() {
				if got := req.Header.Get("X-Auth-Token"); got != key {
					t.Errorf("fake received X-Auth-Token %q, want %q", got, key)
				}
			}
			if tt.check != nil {
				tt.check(t, e, apiErr)
			}
		})
	}
}
