package scalewaytest_test

import (
	"net/http"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const (
	acceptedToken = "aaaaaaaa-0000-4000-8000-000000000001"
	readOnlyToken = "aaaaaaaa-0000-4000-8000-000000000002"
	unknownToken  = "aaaaaaaa-0000-4000-8000-000000000003"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	open := newServer(t, scalewaytest.Options{})
	restricted := newServer(t, scalewaytest.Options{AcceptedTokens: []string{acceptedToken}, ReadOnlyTokens: []string{readOnlyToken}})
	tests := []struct {
		name       string
		srv        *scalewaytest.Server
		token      string
		wantReason string // "" when accepted
	}{
		{"no token", open, "", "invalid_argument"},
		{"malformed token", open, "SCWXXXXXXXXXXXXXXXXX", "invalid_argument"},
		{"any UUID by default", open, unknownToken, ""},
		{"sandbox token by default", open, scalewaytest.SandboxToken, ""},
		{"restricted: unknown UUID", restricted, unknownToken, "not_found"},
		{"restricted: sandbox token", restricted, scalewaytest.SandboxToken, "not_found"},
		{"restricted: no token", restricted, "", "invalid_argument"},
		{"restricted: accepted", restricted, acceptedToken, ""},
		{"restricted: read-only reads", restricted, readOnlyToken, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := sendAs(t, tt.srv, tt.token, http.MethodGet, imagesPath(zone), "")
			if tt.wantReason == "" {
				imagesFrom(t, a.expectStatus(t, http.StatusOK))
				return
			}
			e := apiError(t, a, http.StatusUnauthorized)
			want := scaleway.Error{Type: "denied_authentication", Message: "authentication is denied", Method: "api_key", Reason: tt.wantReason}
			if e.Type != want.Type || e.Message != want.Message || e.Method != want.Method || e.Reason != want.Reason {
				t.Errorf("error = %+v, want %+v", e, want)
			}
		})
	}
}

func TestReadOnlyTokensCannotWrite(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{ReadOnlyTokens: []string{readOnlyToken}})
	img := seededImage(t, srv, zone, isPrivate)
	tests := []struct{ method, path, body string }{
		{http.MethodPost, imagesPath(zone), jsonBody(t, createBody(srv, zone, 0))},
		{http.MethodPut, imagePath(zone, img.ID), `{"name":"x","arch":"x86_64"}`},
		{http.MethodPatch, imagePath(zone, img.ID), `{"name":"x"}`},
		{http.MethodDelete, imagePath(zone, img.ID), ""},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, sendAs(t, srv, readOnlyToken, tt.method, tt.path, tt.body), http.StatusForbidden)
			if e.Type != scaleway.TypePermissionsDenied || e.Message != "insufficient permissions" ||
				len(e.Details) != 1 || e.Details[0] != (scaleway.ErrorDetail{Resource: "instance_image", Action: "write"}) {
				t.Errorf("error = %+v", e)
			}
		})
	}
	t.Run("reads", func(t *testing.T) {
		t.Parallel()
		imageFrom(t, sendAs(t, srv, readOnlyToken, http.MethodGet, imagePath(zone, img.ID), "").expectStatus(t, http.StatusOK))
		sendAs(t, srv, readOnlyToken, http.MethodGet, "/instance/v1/zones/fr-par-1/snapshots", "").expectStatus(t, http.StatusOK)
	})
	t.Cleanup(func() {
		got := srv.Images(zone)
		if len(got) != seededPerZone {
			t.Errorf("read-only writes changed the images: %d, want %d", len(got), seededPerZone)
		}
		for _, stored := range got {
			if stored.ID == img.ID && stored.Name != img.Name {
				t.Errorf("read-only PATCH renamed the image to %q", stored.Name)
			}
		}
	})
}
