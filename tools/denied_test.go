package tools_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestWritesToPublicImagesSayWhy: Scaleway refuses a write to a public
// image of another organization (a marketplace image) with the same
// permissions_denied as a missing IAM permission, but no IAM policy can
// allow it; the tools say so, and what to do instead. A refusal on one's
// own image, private or public, keeps the IAM advice.
func TestWritesToPublicImagesSayWhy(t *testing.T) {
	t.Parallel()
	notOwned := []string{"permissions_denied", "is a public image owned by another organization (" + scalewaytest.MarketplaceOrganizationID,
		"nobody but its owner can change or delete it", "create your own image from a snapshot", "with create-instance-image; list-instance-images lists your own images", "(HTTP 403"}
	iam := []string{"permissions_denied", "InstancesFullAccess"}
	readOnlyKey := setup{fake: scalewaytest.Options{ReadOnlyTokens: []string{scalewaytest.SandboxToken}}}
	denyNextPatch := func(e *env) {
		e.fake.Script(scalewaytest.RouteUpdateImage, scalewaytest.ErrorAnswer(403, scaleway.Error{Type: scaleway.TypePermissionsDenied, Message: "insufficient permissions"}))
	}
	tests := []struct {
		name      string
		setup     setup
		public    bool
		prepare   func(t *testing.T, e *env, id string) // before the call
		tool      string
		args      string // %s is the image id
		want      []string
		wantNotIn string
	}{
		{"update-image on a marketplace image", setup{}, true, nil, tools.SetImageTool, `{"id":%q,"name":"mine"}`, append(notOwned, "cannot be changed"), "InstancesFullAccess"},
		{"update-image-2 on a marketplace image", setup{}, true, nil, tools.UpdateImageTool, `{"image_id":%q,"tags":["mine"]}`, append(notOwned, "cannot be changed"), "InstancesFullAccess"},
		{"delete-instance-image on a marketplace image", setup{}, true, nil, tools.DeleteImageTool, `{"image_id":%q}`, append(notOwned, "cannot be deleted"), "InstancesFullAccess"},
		{"update-image-2 on a marketplace image that cannot be read again", setup{}, true, func(_ *testing.T, e *env, _ string) {
			e.fake.Script(scalewaytest.RouteGetImage, scalewaytest.ErrorAnswer(404, scaleway.Error{Type: scaleway.TypeNotFound, Resource: "instance_image"}))
		}, tools.UpdateImageTool, `{"image_id":%q,"tags":["mine"]}`, iam, "public image"},

		{"update-image on a private image with a read-only key", readOnlyKey, false, nil, tools.SetImageTool, `{"id":%q,"name":"mine"}`, iam, "public image"},
		{"update-image-2 on a private image with a read-only key", readOnlyKey, false, nil, tools.UpdateImageTool, `{"image_id":%q,"name":"mine"}`, iam, "public image"},
		{"delete-instance-image on a private image with a read-only key", readOnlyKey, false, nil, tools.DeleteImageTool, `{"image_id":%q}`, iam, "public image"},
		{"update-image-2 on one's own public image", setup{}, false, func(t *testing.T, e *env, id string) {
			e.call(t, tools.UpdateImageTool, fmt.Sprintf(`{"image_id":%q,"public":true}`, id), nil)
			denyNextPatch(e)
		}, tools.UpdateImageTool, `{"image_id":%q,"name":"mine"}`, iam, "public image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.setup)
			id := ""
			for _, img := range e.fake.Images("fr-par-1") {
				if img.Public == tt.public {
					id = img.ID
					break
				}
			}
			if tt.prepare != nil {
				tt.prepare(t, e, id)
			}
			msg := e.callError(t, tt.tool, fmt.Sprintf(tt.args, id))
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, tt.wantNotIn) {
				t.Errorf("error %q says %q", msg, tt.wantNotIn)
			}
		})
	}
}
