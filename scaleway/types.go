package scaleway

import (
	"bytes"
	"fmt"
	"time"
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

// timestampLayout is the layout of the API's timestamps; "-07:00" keeps
// "+00:00" where RFC 3339's "Z07:00" would write "Z".
const timestampLayout = "2006-01-02T15:04:05.000000-07:00"

// NewTimestamp returns t truncated to the API's microsecond precision.
func NewTimestamp(t time.Time) Timestamp {
	return Timestamp{t.Truncate(time.Microsecond)}
}

// MarshalJSON writes the API's layout, or null for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.Format(timestampLayout) + `"`), nil
}

// UnmarshalJSON accepts any RFC 3339 time, or null.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Timestamp{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("timestamp %s is not a JSON string", shorten(string(b), 40))
	}
	parsed, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		return fmt.Errorf("parsing timestamp: %w", err)
	}
	t.Time = parsed
	return nil
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
	FromServer        string                  `json:"from_server" jsonschema_description:"ID of the server the image was backed up from, or empty for images made from snapshots."`
	State             ImageState              `json:"state" jsonschema_description:"Lifecycle state; only creating is transient."`
	Tags              []string                `json:"tags" jsonschema_description:"Tags of the image."`
	Zone              Zone                    `json:"zone" jsonschema_description:"Zone of the image."`
}

// VolumeSummary describes the snapshot behind an image's root volume; its
// ID is the snapshot's id. Size is in bytes.
type VolumeSummary struct {
	ID         string     `json:"id" jsonschema_description:"ID of the snapshot."`
	Name       string     `json:"name" jsonschema_description:"Name of the snapshot (empty for Block Storage snapshots)."`
	Size       uint64     `json:"size" jsonschema_description:"Size in bytes (0 for Block Storage snapshots)."`
	VolumeType VolumeType `json:"volume_type" jsonschema_description:"Type of the snapshot's volume."`
}

// ImageVolume is an entry of Image.ExtraVolumes. The API's type is the full
// Volume, but inside images it only ever fills these four fields.
type ImageVolume struct {
	ID         string     `json:"id" jsonschema_description:"ID of the snapshot."`
	Name       string     `json:"name" jsonschema_description:"Name of the snapshot."`
	Size       uint64     `json:"size" jsonschema_description:"Size in bytes."`
	VolumeType VolumeType `json:"volume_type" jsonschema_description:"Type of the snapshot's volume."`
}

// Bootscript is deprecated and always null in current responses; it is kept
// so that a full-object PUT round-trips what the API sent.
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

// ListImagesResponse is one page of images. TotalCount comes from the
// X-Total-Count header, as the official SDKs do.
type ListImagesResponse struct {
	Images     []*Image `json:"images"`
	TotalCount uint32   `json:"total_count"`
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

// SetImageRequest is the body of PUT .../images/{id}: the whole image minus
// its id and zone. Fields that are not sent are reset by the API, which is
// why callers should start from the current image (see SetImageRequestFrom).
type SetImageRequest struct {
	Name              string                  `json:"name" jsonschema_description:"Name of the image."`
	Arch              Arch                    `json:"arch" jsonschema_description:"CPU architecture the image boots on."`
	CreationDate      *Timestamp              `json:"creation_date,omitempty" jsonschema_description:"Ignored: the server owns it."`
	ModificationDate  *Timestamp              `json:"modification_date,omitempty" jsonschema_description:"Ignored: the server owns it."`
	DefaultBootscript *Bootscript             `json:"default_bootscript,omitempty" jsonschema_description:"Deprecated; ignored."`
	ExtraVolumes      map[string]*ImageVolume `json:"extra_volumes" jsonschema_description:"Additional snapshots, keyed by position; left out, none."`
	FromServer        string                  `json:"from_server" jsonschema_description:"ID of the server the image was backed up from, or empty."`
	Organization      string                  `json:"organization" jsonschema_description:"Organization of the image (a UUID, or empty)."`
	Public            bool                    `json:"public" jsonschema_description:"Whether the image is public; left out, false."`
	RootVolume        *VolumeSummary          `json:"root_volume,omitempty" jsonschema_description:"The snapshot the image boots from; left out, kept."`
	State             ImageState              `json:"state" jsonschema_description:"State of the image."`
	Project           string                  `json:"project" jsonschema_description:"Project of the image (a UUID, or empty)."`
	Tags              *[]string               `json:"tags,omitempty" jsonschema_description:"Tags of the image; left out, none."`
}

// SetImageRequestFrom returns a PUT body that keeps every property of img.
func SetImageRequestFrom(img *Image) *SetImageRequest {
	tags := append([]string{}, img.Tags...)
	volumes := make(map[string]*ImageVolume, len(img.ExtraVolumes))
	for k, v := range img.ExtraVolumes {
		copied := *v
		volumes[k] = &copied
	}
	var root *VolumeSummary
	if img.RootVolume != nil {
		copied := *img.RootVolume
		root = &copied
	}
	return &SetImageRequest{
		Name:              img.Name,
		Arch:              img.Arch,
		CreationDate:      img.CreationDate,
		ModificationDate:  img.ModificationDate,
		DefaultBootscript: img.DefaultBootscript,
		ExtraVolumes:      volumes,
		FromServer:        img.FromServer,
		Organization:      img.Organization,
		Public:            img.Public,
		RootVolume:        root,
		State:             img.State,
		Project:           img.Project,
		Tags:              &tags,
	}
}

// Apply makes the changes of a PATCH body to a PUT body, the way the API
// applies a PATCH to the image.
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
		r.ExtraVolumes = make(map[string]*ImageVolume, len(u.ExtraVolumes))
		for key, v := range u.ExtraVolumes {
			if v != nil {
				r.ExtraVolumes[key] = &ImageVolume{ID: v.ID}
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

// Snapshot is the part of an Instance snapshot that image work needs.
type Snapshot struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Organization     string     `json:"organization"`
	Project          string     `json:"project"`
	Tags             []string   `json:"tags"`
	VolumeType       VolumeType `json:"volume_type"`
	Size             uint64     `json:"size"`
	State            string     `json:"state"`
	CreationDate     *Timestamp `json:"creation_date"`
	ModificationDate *Timestamp `json:"modification_date"`
	Zone             Zone       `json:"zone"`
}
