package tools

// The input and output types of the tools. Their JSON Schemas are
// generated from these types by internal/schemagen (go generate ./...),
// which also fills the enums and patterns that depend on field names
// (zone, arch, ids), so that the rules live in package scaleway alone.

// ListImagesInput is the input of list-instance-images.
type ListImagesInput struct {
	Zone         string   `json:"zone,omitempty"`
	Organization string   `json:"organization,omitempty" jsonschema_description:"Owner organization"`
	Project      string   `json:"project,omitempty" jsonschema_description:"Owner project"`
	Name         string   `json:"name,omitempty" jsonschema_description:"Part of the name"`
	Public       *bool    `json:"public,omitempty" jsonschema_description:"true: Scaleway's (Ubuntu...); default false: yours"`
	Arch         string   `json:"arch,omitempty" jsonschema_description:"Only this arch"`
	Tags         []string `json:"tags,omitempty" jsonschema_description:"Has all these tags"`
	Page         int      `json:"page,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default 1"`
	PerPage      int      `json:"per_page,omitempty" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20"`
	AllPages     bool     `json:"all_pages,omitempty" jsonschema_description:"Every page, up to 500 rows"`
	Verbose      bool     `json:"verbose,omitempty" jsonschema_description:"Whole objects, not rows"`
}

// ListImagesOutput is a page (or all pages) of images. Compact images are
// rows whose values follow Columns; verbose images are whole objects.
type ListImagesOutput struct {
	Columns     []string     `json:"columns,omitempty"`
	Images      []ImageItem  `json:"images"`
	TotalCount  int          `json:"total_count"`
	Page        int          `json:"page"`
	PerPage     int          `json:"per_page"`
	NextPage    int          `json:"next_page,omitempty"`
	Truncated   bool         `json:"truncated,omitempty"`
	FailedZones []ZoneFailed `json:"failed_zones,omitempty"`
}

// ListSnapshotsInput is the input of list-snapshots.
type ListSnapshotsInput struct {
	Zone    string `json:"zone,omitempty"`
	Name    string `json:"name,omitempty" jsonschema_description:"Part of the name"`
	Project string `json:"project,omitempty" jsonschema_description:"Owner project"`
	Unused  bool   `json:"unused,omitempty" jsonschema_description:"Only those no image uses"`
	Verbose bool   `json:"verbose,omitempty" jsonschema_description:"Whole objects, not rows"`
}

// ListSnapshotsOutput is every snapshot found, newest first. Compact
// snapshots are rows whose values follow Columns; verbose ones are
// objects.
type ListSnapshotsOutput struct {
	Columns    []string       `json:"columns,omitempty"`
	Snapshots  []SnapshotItem `json:"snapshots"`
	TotalCount int            `json:"total_count"`
	Truncated  bool           `json:"truncated,omitempty"`
	// FailedZones are the zones not read in full: one whose Instance or
	// Block list failed still shows the other's snapshots.
	FailedZones []ZoneFailed `json:"failed_zones,omitempty"`
}

// ZoneFailed is a zone that a zone "all" list could not read.
type ZoneFailed struct {
	Zone  string `json:"zone"`
	Error string `json:"error"`
}

// CreateImageInput is the input of create-instance-image.
type CreateImageInput struct {
	Zone         string   `json:"zone,omitempty"`
	Name         string   `json:"name,omitempty" jsonschema_description:"Default: generated"`
	RootVolume   string   `json:"root_volume" jsonschema_description:"Snapshot id from list-snapshots"`
	Arch         string   `json:"arch" jsonschema_description:"CPU arch of the snapshot's OS"`
	ExtraVolumes []string `json:"extra_volumes,omitempty" jsonschema_description:"More snapshot ids, in order"`
	Project      string   `json:"project,omitempty" jsonschema_description:"Default: your default project"`
	Tags         []string `json:"tags,omitempty" jsonschema_description:"Labels"`
	Public       bool     `json:"public,omitempty" jsonschema_description:"Visible to all Scaleway users"`
	Wait         bool     `json:"wait,omitempty" jsonschema_description:"Return when available (progress sent)"`
	WaitTimeout  int      `json:"wait_timeout,omitempty" jsonschema:"minimum=1,maximum=3600" jsonschema_description:"Seconds; default 300"`
}

// CreateImageOutput is the created image, and how the wait went. A wait
// that ended before the image left "creating" (timed out, or interrupted
// because the server is shutting down) says in NextStep how to follow it.
type CreateImageOutput struct {
	Image           *Image  `json:"image"`
	Waited          bool    `json:"waited"`
	WaitTimedOut    bool    `json:"wait_timed_out,omitempty"`
	WaitInterrupted bool    `json:"wait_interrupted,omitempty"`
	WaitSeconds     float64 `json:"wait_seconds,omitempty"`
	NextStep        string  `json:"next_step,omitempty"`
}

// SetImageInput is the input of update-image (PUT). Absent fields keep
// their current value.
type SetImageInput struct {
	Zone string `json:"zone,omitempty"`
	ID   string `json:"id" jsonschema_description:"Image id (image_id elsewhere)"`
	ImageChanges
}

// ImageChanges are the fields both update tools can change; nil or empty
// means "leave as it is".
type ImageChanges struct {
	Name         *string   `json:"name,omitempty" jsonschema_description:"New name"`
	Arch         string    `json:"arch,omitempty" jsonschema_description:"New arch"`
	ExtraVolumes *[]string `json:"extra_volumes,omitempty" jsonschema_description:"Snapshot ids; replace all, [] removes"`
	Tags         *[]string `json:"tags,omitempty" jsonschema_description:"Replace all; [] clears"`
	Public       *bool     `json:"public,omitempty" jsonschema_description:"Visible to all Scaleway users"`
}

// ImageOutput is one image.
type ImageOutput struct {
	Image *Image `json:"image"`
}

// GetImageInput is the input of get-instance-image.
type GetImageInput struct {
	Zone    string `json:"zone,omitempty"`
	ImageID string `json:"image_id"`
}

// UpdateImageInput is the input of update-image-2 (PATCH).
type UpdateImageInput struct {
	Zone    string `json:"zone,omitempty"`
	ImageID string `json:"image_id"`
	ImageChanges
}

// DeleteImageInput is the input of delete-instance-image.
type DeleteImageInput struct {
	Zone    string `json:"zone,omitempty"`
	ImageID string `json:"image_id"`
}

// DeleteImageOutput says what was deleted and what is left to pay for.
type DeleteImageOutput struct {
	Deleted            DeletedImage        `json:"deleted"`
	RemainingSnapshots []RemainingSnapshot `json:"remaining_snapshots"`
	Message            string              `json:"message"`
}

// RemainingSnapshot is a snapshot that outlived its image, read after the
// delete from the API that serves it.
type RemainingSnapshot struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"` // SnapshotKindInstance or SnapshotKindBlock
	Name   string   `json:"name,omitempty"`
	SizeGB *float64 `json:"size_gb"` // null when it could not be read
	State  string   `json:"state,omitempty"`
	Error  string   `json:"error,omitempty"` // why it could not be read
}

// The kinds of snapshot: which API serves it, and so which scw command
// deletes it.
const (
	SnapshotKindInstance = "instance" // scw instance snapshot delete
	SnapshotKindBlock    = "block"    // scw block snapshot delete
)

// DeletedImage identifies the image that is gone.
type DeletedImage struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Zone string `json:"zone"`
}
