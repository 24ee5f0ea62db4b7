package scaleway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
)

// Arch is the CPU architecture an image boots on.
type Arch string

// The architectures of the Instance API. An empty string on the wire means
// ArchUnknown.
const (
	ArchUnknown Arch = "unknown_arch"
	ArchX86_64  Arch = "x86_64"
	ArchArm     Arch = "arm"
	ArchArm64   Arch = "arm64"
)

// Arches lists the architectures a caller may choose when creating or
// updating an image.
var Arches = []Arch{ArchX86_64, ArchArm64, ArchArm}

// ParseArch checks that s names a settable architecture.
func ParseArch(field, s string) (Arch, error) {
	for _, a := range Arches {
		if string(a) == s {
			return a, nil
		}
	}
	if s == "" {
		return "", &ValidationError{Field: field, Kind: KindRequired, Reason: "is required; one of x86_64, arm64, arm"}
	}
	return "", &ValidationError{Field: field, Kind: KindConstraint, Value: s, Reason: "is not an architecture; use one of x86_64, arm64, arm"}
}

// ImageState is the lifecycle state of an image.
type ImageState string

// The states of an image. Only ImageStateCreating is transient.
const (
	ImageStateAvailable ImageState = "available"
	ImageStateCreating  ImageState = "creating"
	ImageStateError     ImageState = "error"
)

// VolumeType is the kind of volume or snapshot behind an image volume.
type VolumeType string

// The volume types that appear inside images.
const (
	VolumeTypeLSSD        VolumeType = "l_ssd"
	VolumeTypeBSSD        VolumeType = "b_ssd"
	VolumeTypeUnified     VolumeType = "unified"
	VolumeTypeScratch     VolumeType = "scratch"
	VolumeTypeSBSVolume   VolumeType = "sbs_volume"
	VolumeTypeSBSSnapshot VolumeType = "sbs_snapshot"
)

// VolumeTypes lists every volume type, for enums in schemas.
var VolumeTypes = []VolumeType{VolumeTypeLSSD, VolumeTypeBSSD, VolumeTypeUnified, VolumeTypeScratch, VolumeTypeSBSVolume, VolumeTypeSBSSnapshot}

// Timestamp is an RFC 3339 time as the Instance API writes it: microseconds
// and a numeric offset ("2025-11-04T10:11:53.049425+00:00"). The zero
// Timestamp encodes as null.
type Timestamp struct{ time.Time }

// BlockTimestamp is an RFC 3339 time as the Block API writes it:
// microseconds and "Z" ("2025-01-21T15:00:28.960512Z"). The zero
// BlockTimestamp encodes as null.
type BlockTimestamp struct{ time.Time }

// The layouts of the two APIs' timestamps (every recorded one has six
// fraction digits): "-07:00" keeps the Instance API's "+00:00" where
// "Z07:00" writes the Block API's "Z".
const (
	timestampLayout      = "2006-01-02T15:04:05.000000-07:00"
	blockTimestampLayout = "2006-01-02T15:04:05.000000Z07:00"
)

// NewTimestamp returns t truncated to the API's microsecond precision.
func NewTimestamp(t time.Time) Timestamp {
	return Timestamp{t.Truncate(time.Microsecond)}
}

// NewBlockTimestamp returns t truncated to the API's microsecond precision.
func NewBlockTimestamp(t time.Time) BlockTimestamp {
	return BlockTimestamp{t.Truncate(time.Microsecond)}
}

// MarshalJSON writes the Instance API's layout, or null for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) { return formatTime(t.Time, timestampLayout), nil }

// UnmarshalJSON accepts any RFC 3339 time, or null.
func (t *Timestamp) UnmarshalJSON(b []byte) (err error) {
	t.Time, err = parseTime(b)
	return err
}

// MarshalJSON writes the Block API's layout, or null for the zero time.
func (t BlockTimestamp) MarshalJSON() ([]byte, error) {
	return formatTime(t.UTC(), blockTimestampLayout), nil
}

// UnmarshalJSON accepts any RFC 3339 time, or null.
func (t *BlockTimestamp) UnmarshalJSON(b []byte) (err error) {
	t.Time, err = parseTime(b)
	return err
}

func formatTime(t time.Time, layout string) []byte {
	if t.IsZero() {
		return []byte("null")
	}
	return []byte(`"` + t.Format(layout) + `"`)
}

func parseTime(b []byte) (time.Time, error) {
	if bytes.Equal(b, []byte("null")) {
		return time.Time{}, nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return time.Time{}, fmt.Errorf("timestamp %s is not a JSON string", shorten.To(string(b), 40))
	}
	parsed, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		return time.Time{}, fmt.Errorf("parsing timestamp: %w", err)
	}
	return parsed, nil
}

// Image is an Instance image, with every field the API returns, in the
// API's own order. The jsonschema tags are read by internal/schemagen.
type Image struct {
	ID                string                  `json:"id" jsonschema_description:"Unique ID of the image."`
	Name              string                  `json:"name" jsonschema_description:"Name of the image."`
	Organization      string                  `json:"organization" jsonschema_description:"Organization that owns the image."`
	Project           string                  `json:"project" jsonschema_description:"Project that owns the image."`
	RootVolume        *VolumeSummary          `json:"root_volume" jsonschema:"nullable" jsonschema_description:"The snapshot the image boots from."`
	ExtraVolumes      map[string]*ImageVolume `json:"extra_volumes" jsonschema_description:"Additional snapshots of the image, keyed by position (the root volume is 0)."`
	Public            bool                    `json:"public" jsonschema_description:"Whether the image is public (marketplace images are)."`
	Arch              Arch                    `json:"arch" jsonschema_description:"CPU architecture the image boots on."`
	CreationDate      *Timestamp              `json:"creation_date" jsonschema:"nullable" jsonschema_description:"When the image was created (RFC 3339)."`
	ModificationDate  *Timestamp              `json:"modification_date" jsonschema:"nullable" jsonschema_description:"When the image was last changed (RFC 3339)."`
	DefaultBootscript *Bootscript             `json:"default_bootscript" jsonschema:"nullable" jsonschema_description:"Deprecated; always null."`
	FromServer        *string                 `json:"from_server" jsonschema:"nullable" jsonschema_description:"ID of the server the image was backed up from; empty (null before 2024) for images made from snapshots."`
	State             ImageState              `json:"state" jsonschema_description:"Lifecycle state; only creating is transient."`
	Tags              []string                `json:"tags" jsonschema_description:"Tags of the image."`
	Zone              Zone                    `json:"zone" jsonschema_description:"Zone of the image."`
}

// VolumeSummary describes the snapshot behind an image's root volume; its
// ID is the snapshot's id. Size is in bytes. For a Block Storage snapshot
// (VolumeTypeSBSSnapshot) the Instance API sends size 0 and an empty name:
// the real ones are in the Block API (Client.GetBlockSnapshot).
type VolumeSummary struct {
	ID         string     `json:"id" jsonschema_description:"ID of the snapshot."`
	Name       string     `json:"name" jsonschema_description:"Name of the snapshot; empty for Block Storage (sbs_snapshot) snapshots."`
	Size       uint64     `json:"size" jsonschema_description:"Size in bytes; 0 for Block Storage (sbs_snapshot) snapshots, whose size is unknown here."`
	VolumeType VolumeType `json:"volume_type" jsonschema_description:"Type of the snapshot's volume."`
}

// ImageVolume is an entry of Image.ExtraVolumes. The API's type is the full
// Volume, but inside images it only ever fills these four fields (and, as
// for VolumeSummary, size 0 and no name for a Block Storage snapshot).
type ImageVolume struct {
	ID         string     `json:"id" jsonschema_description:"ID of the snapshot."`
	Name       string     `json:"name" jsonschema_description:"Name of the snapshot; empty for Block Storage (sbs_snapshot) snapshots."`
	Size       uint64     `json:"size" jsonschema_description:"Size in bytes; 0 for Block Storage (sbs_snapshot) snapshots, whose size is unknown here."`
	VolumeType VolumeType `json:"volume_type" jsonschema_description:"Type of the snapshot's volume."`
}

// Bootscript is deprecated and null in every recorded answer; it is kept so
// that an image decodes and re-encodes as the API sent it.
type Bootscript struct {
	ID           string `json:"id"`
	Title        string `json:"title,omitempty"`
	Architecture Arch   `json:"architecture,omitempty"`
	Kernel       string `json:"kernel,omitempty"`
	Initrd       string `json:"initrd,omitempty"`
	Bootcmdargs  string `json:"bootcmdargs,omitempty"`
	Dtb          string `json:"dtb,omitempty"`
	Default      bool   `json:"default,omitempty"`
	Public       bool   `json:"public,omitempty"`
	Organization string `json:"organization,omitempty"`
	Project      string `json:"project,omitempty"`
	Zone         Zone   `json:"zone,omitempty"`
}

// SnapshotIDs returns the ids of the snapshots the image is made of, root
// first, then the extra volumes in key order ("1", "2", ...).
func (img *Image) SnapshotIDs() []string {
	var ids []string
	if img.RootVolume != nil && img.RootVolume.ID != "" {
		ids = append(ids, img.RootVolume.ID)
	}
	for _, key := range SortedVolumeKeys(img.ExtraVolumes) {
		if v := img.ExtraVolumes[key]; v != nil && v.ID != "" {
			ids = append(ids, v.ID)
		}
	}
	return ids
}

// VolumeTemplate names a snapshot to use as an extra volume of an image on
// create. Only ID is needed; the API fills the rest from the snapshot.
type VolumeTemplate struct {
	ID         string     `json:"id" jsonschema_description:"ID of the snapshot."`
	Name       string     `json:"name,omitempty" jsonschema_description:"Name of the volume."`
	Size       uint64     `json:"size,omitempty" jsonschema_description:"Size in bytes."`
	VolumeType VolumeType `json:"volume_type,omitempty" jsonschema_description:"Type of the volume."`
	Project    string     `json:"project,omitempty" jsonschema_description:"Project of the volume."`
}

// VolumeImageUpdateTemplate names a snapshot as an extra volume on PATCH.
type VolumeImageUpdateTemplate struct {
	ID string `json:"id" jsonschema_description:"ID of the snapshot."`
}

// ListImagesRequest holds the filters and page of a list call. Nil fields
// are not sent.
type ListImagesRequest struct {
	Organization *string
	Project      *string
	Name         *string
	Public       *bool
	Arch         *string
	Tags         *string // comma-separated
	Page         *int32
	PerPage      *uint32
}

// ListImagesResponse is one page of images. The body holds only the
// images; TotalCount comes from the X-Total-Count header, as the official
// SDKs do.
type ListImagesResponse struct {
	Images     []*Image `json:"images"`
	TotalCount uint32   `json:"-"`
}

// CreateImageRequest is the body of POST .../images.
type CreateImageRequest struct {
	Name         string                     `json:"name,omitempty" jsonschema_description:"Name of the image."`
	RootVolume   string                     `json:"root_volume,omitempty" jsonschema_description:"ID of the snapshot to boot from (a snapshot, not a volume)."`
	Arch         Arch                       `json:"arch,omitempty" jsonschema_description:"CPU architecture the image boots on."`
	ExtraVolumes map[string]*VolumeTemplate `json:"extra_volumes,omitempty" jsonschema_description:"Additional snapshots, keyed by position \"1\", \"2\"..."`
	Organization *string                    `json:"organization,omitempty" jsonschema_description:"Deprecated: use project. Organization that will own the image."`
	Project      *string                    `json:"project,omitempty" jsonschema_description:"Project that will own the image; give it or organization, not both."`
	Tags         []string                   `json:"tags,omitempty" jsonschema_description:"Tags of the image."`
	Public       *bool                      `json:"public,omitempty" jsonschema_description:"Whether the image is public."`
}

// SetImageRequest is the body of PUT .../images/{id}: the whole image as
// real clients sent it and the API accepted it (six recorded PUTs, from
// Scaleway's CLI and Terraform provider): with zone and id, without
// from_server and default_bootscript, the root volume and the extra volumes
// it keeps as read, and an extra volume known only by its snapshot id as
// {"id"}. The generated SDK type leaves zone and id out and always sends
// from_server; Scaleway's own Go SDK calls it "not usable". What the body
// leaves out is reset by the API, so build it with SetImageRequestFrom.
// Dates are sent as Go writes them ("2023-10-31T14:31:52.95343Z"), as the
// recorded clients did; the API owns them anyway.
type SetImageRequest struct {
	Zone             Zone                       `json:"zone" jsonschema_description:"Zone of the image; the path's when left empty."`
	ID               string                     `json:"id" jsonschema_description:"ID of the image; the path's when left empty."`
	Name             string                     `json:"name" jsonschema_description:"Name of the image."`
	Arch             Arch                       `json:"arch" jsonschema_description:"CPU architecture the image boots on."`
	CreationDate     *time.Time                 `json:"creation_date,omitempty" jsonschema_description:"As read; the API owns it."`
	ModificationDate *time.Time                 `json:"modification_date,omitempty" jsonschema_description:"As read; the API owns it."`
	ExtraVolumes     map[string]*SetImageVolume `json:"extra_volumes" jsonschema_description:"Additional snapshots, keyed by position; left out, none."`
	Organization     string                     `json:"organization" jsonschema_description:"Organization of the image (a UUID, or empty)."`
	Public           bool                       `json:"public" jsonschema_description:"Whether the image is public; left out, false."`
	RootVolume       *SetImageVolume            `json:"root_volume,omitempty" jsonschema_description:"The snapshot the image boots from; left out, kept."`
	State            ImageState                 `json:"state" jsonschema_description:"State of the image, as read."`
	Project          string                     `json:"project" jsonschema_description:"Project of the image (a UUID, or empty)."`
	Tags             *[]string                  `json:"tags,omitempty" jsonschema_description:"Tags of the image; left out, none."`
}

// SetImageVolume is a volume of a PUT body: a volume as read from the image
// (every field, even a Block Storage snapshot's empty name and zero size),
// or {"id"} alone for a snapshot known only by its id, whose name, size
// and type the API fills in (it ignores a name sent here anyway).
type SetImageVolume struct {
	ID         string     `json:"id" jsonschema_description:"ID of the snapshot."`
	Name       *string    `json:"name,omitempty" jsonschema_description:"Name of the snapshot, as read; ignored by the API."`
	Size       *uint64    `json:"size,omitempty" jsonschema_description:"Size in bytes, as read."`
	VolumeType VolumeType `json:"volume_type,omitempty" jsonschema_description:"Type of the snapshot's volume, as read."`
}

// asRead is the PUT form of a volume read from an image.
func asRead(id, name string, size uint64, volumeType VolumeType) *SetImageVolume {
	return &SetImageVolume{ID: id, Name: &name, Size: &size, VolumeType: volumeType}
}

// SetImageRequestFrom returns a PUT body that keeps every property of img,
// sent back as read.
func SetImageRequestFrom(img *Image) *SetImageRequest {
	tags := append([]string{}, img.Tags...)
	volumes := make(map[string]*SetImageVolume, len(img.ExtraVolumes))
	for k, v := range img.ExtraVolumes {
		if v != nil {
			volumes[k] = asRead(v.ID, v.Name, v.Size, v.VolumeType)
		}
	}
	req := &SetImageRequest{
		Zone:         img.Zone,
		ID:           img.ID,
		Name:         img.Name,
		Arch:         img.Arch,
		ExtraVolumes: volumes,
		Organization: img.Organization,
		Public:       img.Public,
		State:        img.State,
		Project:      img.Project,
		Tags:         &tags,
	}
	if rv := img.RootVolume; rv != nil {
		req.RootVolume = asRead(rv.ID, rv.Name, rv.Size, rv.VolumeType)
	}
	if img.CreationDate != nil && !img.CreationDate.IsZero() {
		req.CreationDate = &img.CreationDate.Time
	}
	if img.ModificationDate != nil && !img.ModificationDate.IsZero() {
		req.ModificationDate = &img.ModificationDate.Time
	}
	return req
}

// Apply makes the changes of a PATCH body to a PUT body, the way the API
// applies a PATCH to the image. An extra volume the image already has is
// kept as read; any other goes as {"id"}.
func (r *SetImageRequest) Apply(u *UpdateImageRequest) {
	if u.Name != nil {
		r.Name = *u.Name
	}
	if u.Arch != "" {
		r.Arch = u.Arch
	}
	if u.Tags != nil {
		tags := append([]string{}, (*u.Tags)...)
		r.Tags = &tags
	}
	if u.Public != nil {
		r.Public = *u.Public
	}
	if u.ExtraVolumes != nil {
		read := make(map[string]*SetImageVolume, len(r.ExtraVolumes))
		for _, v := range r.ExtraVolumes {
			read[v.ID] = v
		}
		r.ExtraVolumes = make(map[string]*SetImageVolume, len(u.ExtraVolumes))
		for key, v := range u.ExtraVolumes {
			switch {
			case v == nil:
			case read[v.ID] != nil:
				r.ExtraVolumes[key] = read[v.ID]
			default:
				r.ExtraVolumes[key] = &SetImageVolume{ID: v.ID}
			}
		}
	}
}

// UpdateImageRequest is the body of PATCH .../images/{image_id}. Nil fields
// are left unchanged; ExtraVolumes replaces the whole map when set.
type UpdateImageRequest struct {
	Name         *string                               `json:"name,omitempty" jsonschema_description:"New name."`
	Arch         Arch                                  `json:"arch,omitempty" jsonschema_description:"New CPU architecture."`
	ExtraVolumes map[string]*VolumeImageUpdateTemplate `json:"extra_volumes,omitempty" jsonschema_description:"Replaces every additional snapshot, keyed by position."`
	Tags         *[]string                             `json:"tags,omitempty" jsonschema_description:"Replaces the tags; [] clears them."`
	Public       *bool                                 `json:"public,omitempty" jsonschema_description:"Whether the image is public."`
}

// SnapshotState is the state of an Instance snapshot.
type SnapshotState string

// The states of an Instance snapshot that the recordings show, and error.
const (
	SnapshotStateAvailable    SnapshotState = "available"
	SnapshotStateSnapshotting SnapshotState = "snapshotting"
	SnapshotStateExporting    SnapshotState = "exporting"
	SnapshotStateImporting    SnapshotState = "importing"
	SnapshotStateError        SnapshotState = "error"
)

// Snapshot is an Instance snapshot (/instance/v1/.../snapshots): a local
// (l_ssd) snapshot, or a legacy b_ssd or unified one. Block Storage
// snapshots are not served there; see BlockSnapshot.
type Snapshot struct {
	ID               string              `json:"id"`
	Name             string              `json:"name"`
	VolumeType       VolumeType          `json:"volume_type"`
	CreationDate     *Timestamp          `json:"creation_date"`
	ModificationDate *Timestamp          `json:"modification_date"`
	Organization     string              `json:"organization"`
	Project          string              `json:"project"`
	Size             uint64              `json:"size"` // bytes
	State            SnapshotState       `json:"state"`
	BaseVolume       *SnapshotBaseVolume `json:"base_volume"` // null for an imported snapshot
	Tags             []string            `json:"tags"`
	Zone             Zone                `json:"zone"`
	// ErrorDetails is null in every recorded answer; its shape is not
	// known, so it is kept as the API sent it.
	ErrorDetails json.RawMessage `json:"error_details"`
}

// SnapshotBaseVolume is the volume an Instance snapshot was taken from.
type SnapshotBaseVolume struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ListSnapshotsRequest holds the filters and page of an Instance snapshot
// list. Nil fields are not sent.
type ListSnapshotsRequest struct {
	Organization *string
	Project      *string
	Name         *string
	Tags         *string // comma-separated
	BaseVolumeID *string
	Page         *int32
	PerPage      *uint32
}

// ListSnapshotsResponse is one page of Instance snapshots; TotalCount comes
// from X-Total-Count, as for images.
type ListSnapshotsResponse struct {
	Snapshots  []*Snapshot `json:"snapshots"`
	TotalCount uint32      `json:"-"`
}

// BlockSnapshotStatus is the status of a Block Storage snapshot.
type BlockSnapshotStatus string

// The statuses of a Block Storage snapshot (those recorded, and the others
// the SDKs name).
const (
	BlockSnapshotCreating  BlockSnapshotStatus = "creating"
	BlockSnapshotAvailable BlockSnapshotStatus = "available"
	BlockSnapshotInUse     BlockSnapshotStatus = "in_use" // referenced, by an image for instance
	BlockSnapshotExporting BlockSnapshotStatus = "exporting"
	BlockSnapshotDeleting  BlockSnapshotStatus = "deleting"
	BlockSnapshotDeleted   BlockSnapshotStatus = "deleted"
	BlockSnapshotLocked    BlockSnapshotStatus = "locked"
	BlockSnapshotError     BlockSnapshotStatus = "error"
)

// BlockSnapshot is a Block Storage snapshot (/block/v1alpha1): what most
// images are now made from. Inside an image the Instance API shows it as a
// volume of type sbs_snapshot, size 0 and no name; its real size and name
// are here. The Block API writes its objects unwrapped, with "Z" dates.
type BlockSnapshot struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	ParentVolume *BlockParentVolume `json:"parent_volume"` // null once the volume is deleted
	Size         uint64             `json:"size"`          // bytes
	ProjectID    string             `json:"project_id"`
	CreatedAt    *BlockTimestamp    `json:"created_at"`
	UpdatedAt    *BlockTimestamp    `json:"updated_at"`
	// References are the resources that use the snapshot, such as the
	// images made from it. A single GET always carries them; the recorded
	// list items do not, so nil (absent) and empty are kept apart.
	References []BlockReference    `json:"references,omitzero"`
	Status     BlockSnapshotStatus `json:"status"`
	Tags       []string            `json:"tags"`
	Class      string              `json:"class"` // "sbs"
	Zone       Zone                `json:"zone"`
}

// BlockParentVolume is the volume a Block Storage snapshot was taken from.
type BlockParentVolume struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"` // sbs_5k, sbs_15k
	Status string `json:"status"`
}

// BlockReference is a resource that uses a Block Storage snapshot.
type BlockReference struct {
	ID                  string          `json:"id"`
	ProductResourceType string          `json:"product_resource_type"` // instance_image for an image
	ProductResourceID   string          `json:"product_resource_id"`
	CreatedAt           *BlockTimestamp `json:"created_at"`
	Type                string          `json:"type"`   // link
	Status              string          `json:"status"` // attached
}

// ReferenceTypeImage is the product_resource_type of an image's reference
// to a Block Storage snapshot.
const ReferenceTypeImage = "instance_image"

// ListBlockSnapshotsRequest holds the filters and page of a Block snapshot
// list. Nil fields are not sent.
type ListBlockSnapshotsRequest struct {
	ProjectID      *string
	OrganizationID *string
	VolumeID       *string
	Name           *string
	Tags           []string // any of them matches
	OrderBy        *string  // created_at_asc (the API's default), created_at_desc, name_asc, name_desc
	Page           *int32
	PageSize       *uint32
}

// ListBlockSnapshotsResponse is one page of Block snapshots; unlike the
// Instance API, the Block API counts them in the body.
type ListBlockSnapshotsResponse struct {
	Snapshots  []*BlockSnapshot `json:"snapshots"`
	TotalCount uint64           `json:"total_count"`
}
