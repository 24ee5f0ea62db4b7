package tools

import (
	"context"
	"errors"
	"fmt"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// notOwnedError is a write refused because the image is public and
// belongs to another organization. Scaleway answers it with the same
// permissions_denied as a missing IAM permission, but no IAM policy can
// allow it, so it says what can be done instead.
type notOwnedError struct {
	denied *scaleway.Error // Scaleway's answer
	image  *scaleway.Image
	action string // "changed" or "deleted"
}

func (e *notOwnedError) Error() string {
	return fmt.Sprintf("image %q (%s) cannot be %s: it is a public image owned by another organization (%s; marketplace images such as Ubuntu or Debian are Scaleway's), "+
		"and nobody but its owner can change or delete it, whatever your IAM policies. "+
		"To customise it, create your own image from a snapshot (of a server started from it, say) with %s; %s lists your own images.%s",
		e.image.Name, e.image.ID, e.action, e.image.Organization, CreateImageTool, ListImagesTool, e.denied.AnswerRef())
}

// Unwrap keeps Scaleway's answer reachable: its type heads the tool error.
func (e *notOwnedError) Unwrap() error { return e.denied }

// explainDenied returns err, unless it is a permissions_denied answer to
// a write on a public image of another organization: then a
// *notOwnedError saying the image cannot be action ("changed",
// "deleted"). image gives the image, read before the write or, only for
// such an answer, after it (nil if it cannot be read).
func (d *Deps) explainDenied(err error, action string, image func() *scaleway.Image) error {
	var denied *scaleway.Error
	if !errors.As(err, &denied) || denied.Type != scaleway.TypePermissionsDenied {
		return err
	}
	img := image()
	if img == nil || !img.Public || d.owns(img) {
		return err
	}
	return &notOwnedError{denied: denied, image: img, action: action}
}

// owns reports whether img is in the client's default project or
// organization: a write refused on one's own public image is a matter of
// IAM, as for a private one.
func (d *Deps) owns(img *scaleway.Image) bool {
	project, org := d.Client.DefaultProject(), d.Client.DefaultOrganization()
	return (project != "" && img.Project == project) || (org != "" && img.Organization == org)
}

// readAfterDenial reads an image whose write was refused, for
// explainDenied; nil when it cannot be read, and the refusal then stands
// as Scaleway worded it. The call's log line keeps the refusal's request
// id, not this read's.
func (d *Deps) readAfterDenial(ctx context.Context, zone scaleway.Zone, id string) *scaleway.Image {
	img, _, err := d.Client.GetImage(ctx, zone, id)
	if err != nil {
		d.Logger.Debug().Err(err).Str("image_id", id).Msg("image not readable after a refused write")
		return nil
	}
	return img
}
