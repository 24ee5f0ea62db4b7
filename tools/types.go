package tools

import "github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"

// The input and output types of the six tools. Their JSON Schemas are
// generated from these types by internal/schemagen (go generate ./...),
// which also fills the enums and patterns that depend on field names
// (zone, arch, ids), so that the rules live in package scaleway alone.

// ListImagesInput is the input of list-instance-images.
type ListImagesInput struct {
	Zone         string   `json:"zone,omitempty" jsonschema_description:"Zone to list, or \"all\" for every zone at once. Defaults to the server's zone."`
	Organization string   `json:"organization,omitempty" jsonschema_description:"Only images of this organization (UUID)."`
	Project      string   `json:"project,omitempty" jsonschema_description:"Only images of this project (UUID)."`
	Name         string   `json:"name,omitempty" jsonschema_description:"Only images whose name contains this text."`
	Public       *bool    `json:"public,omitempty" jsonschema_description:"false (default): your own images. true: Scaleway's public images (Ubuntu, Debian...)."`
	Arch         string   `json:"arch,omitempty" jsonschema_description:"Only images of this architecture."`
	Tags         []string `json:"tags,omitempty" jsonschema_description:"Only images carrying all of these tags."`
	Page         int      `json:"page,omitempty" jsonschema:"minimum=1" jsonschema_description:"Page number, from 1."`
	PerPage      int      `json:"per_page,omitempty" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Images per page, 1 to 100 (default 20)."`
	AllPages     bool     `json:"all_pages,omitempty" jsonschema_description:"Fetch every page (up to a cap; truncated is true when the cap cut the list)."`
	Verbose      bool     `json:"verbose,omitempty" jsonschema_description:"Return whole image objects instead of compact items."`
}

// ListImagesOutput is a page (or all pages) of images.
type ListImagesOutput struct {
	Images      []ImageItem  `json:"images"`
	TotalCount  int          `json:"total_count" jsonschema_description:"How many images match, across all pages."`
	Page        int          `json:"page"`
	PerPage     int          `json:"per_page"`
	NextPage    int          `json:"next_page,omitempty" jsonschema_description:"The page to ask for next; absent on the last page."`
	Truncated   bool         `json:"truncated,omitempty" jsonschema_description:"all_pages stopped at its cap before the end of the list."`
	FailedZones []ZoneFailed `json:"failed_zones,omitempty" jsonschema_description:"Zones that could not be listed (zone \"all\" only)."`
}

// ZoneFailed is a zone that a zone "all" list could not read.
type ZoneFailed struct {
	Zone  string `json:"zone"`
	Error string `json:"error"`
}

// ImageItem is a listed image. The compact form (the default) has only the
// required fields; verbose adds the others, so both fit one schema.
type ImageItem struct {
	ID           string                           `json:"id"`
	Name         string                           `json:"name"`
	Arch         string                           `json:"arch"`
	State        string                           `json:"state"`
	Public       bool                             `json:"public"`
	Zone         string                           `json:"zone"`
	CreationDate string                           `json:"creation_date,omitempty" jsonschema:"format=date-time"`
	RootVolume   *RootVolumeItem                  `json:"root_volume,omitempty"`
	Tags         []string                         `json:"tags"`
	Organization string                           `json:"organization,omitempty"`
	Project      string                           `json:"project,omitempty"`
	ExtraVolumes map[string]*scaleway.ImageVolume `json:"extra_volumes,omitempty"`
	Modification string                           `json:"modification_date,omitempty" jsonschema:"format=date-time"`
	FromServer   string                           `json:"from_server,omitempty"`
}

// RootVolumeItem is the snapshot behind a listed image's root volume.
type RootVolumeItem struct {
	ID         string `json:"id" jsonschema_description:"The snapshot's id."`
	Name       string `json:"name,omitempty"`
	Size       uint64 `json:"size" jsonschema_description:"Size in bytes."`
	VolumeType string `json:"volume_type"`
}

// CreateImageInput is the input of create-instance-image.
type CreateImageInput struct {
	Zone         string   `json:"zone,omitempty" jsonschema_description:"Zone of the snapshots and of the new image. Defaults to the server's zone."`
	Name         string   `json:"name,omitempty" jsonschema_description:"Image name; one is generated (img-...) when absent."`
	RootVolume   string   `json:"root_volume" jsonschema_description:"Id of the snapshot that becomes the root volume (not a volume id)."`
	Arch         string   `json:"arch" jsonschema_description:"CPU architecture the image boots on."`
	ExtraVolumes []string `json:"extra_volumes,omitempty" jsonschema_description:"Snapshot ids of additional volumes, in order (positions 1, 2...)."`
	Project      string   `json:"project,omitempty" jsonschema_description:"Project to create the image in; defaults to the configured project."`
	Tags         []string `json:"tags,omitempty"`
	Public       bool     `json:"public,omitempty" jsonschema_description:"Share the image publicly (default false)."`
	Wait         bool     `json:"wait,omitempty" jsonschema_description:"Wait until the image leaves the creating state, reporting progress."`
	WaitTimeout  int      `json:"wait_timeout,omitempty" jsonschema:"minimum=1,maximum=3600" jsonschema_description:"Seconds to wait at most (default 300)."`
}

// CreateImageOutput is the created image, and how the wait went.
type CreateImageOutput struct {
	Image        *scaleway.Image `json:"image"`
	Waited       bool            `json:"waited" jsonschema_description:"The call waited for the image to leave the creating state."`
	WaitTimedOut bool            `json:"wait_timed_out,omitempty" jsonschema_description:"wait_timeout passed while the image was still creating."`
	WaitSeconds  float64         `json:"wait_seconds,omitempty"`
}

// SetImageInput is the input of update-image (PUT). Absent fields keep
// their current value.
type SetImageInput struct {
	Zone string `json:"zone,omitempty" jsonschema_description:"Zone of the image. Defaults to the server's zone."`
	ID   string `json:"id" jsonschema_description:"Id of the image to update."`
	ImageChanges
}

// ImageChanges are the fields both update tools can change; nil or empty
// means "leave as it is".
type ImageChanges struct {
	Name         *string   `json:"name,omitempty"`
	Arch         string    `json:"arch,omitempty"`
	ExtraVolumes *[]string `json:"extra_volumes,omitempty" jsonschema_description:"Snapshot ids of the additional volumes, in order; replaces the current list, [] removes them all."`
	Tags         *[]string `json:"tags,omitempty" jsonschema_description:"The new tags; [] removes them all."`
	Public       *bool     `json:"public,omitempty"`
}

// ImageOutput is one image.
type ImageOutput struct {
	Image *scaleway.Image `json:"image"`
}

// GetImageInput is the input of get-instance-image.
type GetImageInput struct {
	Zone    string `json:"zone,omitempty" jsonschema_description:"Zone of the image. Defaults to the server's zone."`
	ImageID string `json:"image_id" jsonschema_description:"Id of the image."`
}

// UpdateImageInput is the input of update-image-2 (PATCH).
type UpdateImageInput struct {
	Zone    string `json:"zone,omitempty" jsonschema_description:"Zone of the image. Defaults to the server's zone."`
	ImageID string `json:"image_id" jsonschema_description:"Id of the image to update."`
	ImageChanges
}

// DeleteImageInput is the input of delete-instance-image.
type DeleteImageInput struct {
	Zone    string `json:"zone,omitempty" jsonschema_description:"Zone of the image. Defaults to the server's zone."`
	ImageID string `json:"image_id" jsonschema_description:"Id of the image to delete."`
}

// DeleteImageOutput says what was deleted and what is left to pay for.
type DeleteImageOutput struct {
	Deleted            DeletedImage `json:"deleted"`
	RemainingSnapshots []string     `json:"remaining_snapshots" jsonschema_description:"Snapshots the image was made of; they still exist and are still billed."`
	Message            string       `json:"message"`
}

// DeletedImage identifies the image that is gone.
type DeletedImage struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Zone string `json:"zone"`
}
