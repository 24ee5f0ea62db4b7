package scaleway

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
)

// Limits on free-text input. Scaleway does not publish its own; these are
// generous for real use and keep a hostile caller from sending megabytes.
const (
	MaxNameLength    = 255
	MaxTags          = 64
	MaxTagLength     = 128
	MaxExtraVolumes  = 16
	MaxPerPage       = 100
	DefaultPerPage   = 50
	maxFilterLength  = 255
	maxVolumeKeySize = 2
)

// ValidationError reports input that the client refuses to send upstream.
// It is raised before any request is built.
type ValidationError struct {
	Field  string         // the JSON name of the argument, e.g. "image_id"
	Kind   ValidationKind // what kind of wrong, in Scaleway's words
	Value  string         // the offending value, shortened; empty when missing
	Reason string         // what is wrong and what is allowed
}

// ValidationKind is the reason Scaleway gives in an invalid_arguments
// detail, so that an adapter can answer as the API would.
type ValidationKind string

// The kinds of invalid argument.
const (
	KindRequired   ValidationKind = "required"   // missing
	KindFormat     ValidationKind = "format"     // does not parse as its type
	KindConstraint ValidationKind = "constraint" // parses, but is not allowed
)

func (e *ValidationError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid %s %q: %s", e.Field, shorten.To(e.Value, 64), e.Reason)
}

// ValidationErrors returns every *ValidationError inside err (which may be
// one, or several joined with errors.Join), in order.
func ValidationErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if v, ok := e.(*ValidationError); ok {
			out = append(out, v)
			return
		}
		if joined, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range joined.Unwrap() {
				walk(inner)
			}
			return
		}
		walk(errors.Unwrap(e))
	}
	walk(err)
	return out
}

// checkRan, when set, is told the name of each check as it runs. Only
// the test that counts that no call checks an input twice sets it
// (export_test.go); it is atomic because calls run concurrently.
var checkRan atomic.Pointer[func(check string)]

// ran reports a check to checkRan.
func ran(check string) {
	if f := checkRan.Load(); f != nil {
		(*f)(check)
	}
}

// CheckPath reports every problem of the zone and id that name one image
// or snapshot in a path; idField is the id's name in the API's path
// template. The client checks its own calls: an adapter needs CheckPath
// only to name these problems together with its own when it refuses a
// request without calling the client (a body it cannot decode, say).
func CheckPath(zone Zone, idField, id string) error {
	return errors.Join(CheckZone(zone), checkUUID(idField, id))
}

// CheckZone is ParseZone for a zone already typed. As for CheckPath, the
// client checks its own calls' zones.
func CheckZone(zone Zone) error {
	_, err := ParseZone(string(zone))
	return err
}

// checkList reports every problem of a list call's zone and filters.
func checkList(zone Zone, r listRequest) error {
	return errors.Join(CheckZone(zone), r.Validate())
}

// uuidPattern is the textual form Scaleway uses for every id: lower or upper
// case hexadecimal in 8-4-4-4-12 groups.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// UUIDPattern is uuidPattern's source, for JSON Schemas.
const UUIDPattern = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

// IsUUID reports whether s is a well-formed UUID.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// checkUUID returns a *ValidationError naming field when value is not a
// well-formed UUID. Adapters check a path's ids with CheckPath.
func checkUUID(field, value string) error {
	ran("uuid " + field)
	if value == "" {
		return &ValidationError{Field: field, Kind: KindRequired, Reason: "is required (a UUID such as 11111111-2222-3333-4444-555555555555)"}
	}
	if !IsUUID(value) {
		return &ValidationError{Field: field, Kind: KindFormat, Value: value, Reason: "is not a UUID (expected 8-4-4-4-12 hexadecimal digits)"}
	}
	return nil
}

// checkText rejects text that is too long, not UTF-8, or carries control
// characters (which have no place in names and tags, and make logs lie)
// or format characters (see checkInvisible).
func checkText(field, value string, maxLen int) error {
	if len(value) > maxLen {
		return &ValidationError{Field: field, Kind: KindConstraint, Reason: fmt.Sprintf("is %d bytes long; at most %d are allowed", len(value), maxLen)}
	}
	if !utf8.ValidString(value) {
		return &ValidationError{Field: field, Kind: KindFormat, Reason: "is not valid UTF-8"}
	}
	for _, r := range value {
		if unicode.IsControl(r) {
			return &ValidationError{Field: field, Kind: KindFormat, Value: value, Reason: "contains control characters"}
		}
		if err := checkInvisible(field, r); err != nil {
			return err
		}
	}
	return nil
}

// checkInvisible refuses a Unicode format character (category Cf): the
// bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F) reorder
// what a person reads, and the zero-width ones (U+200B-U+200D, U+2060,
// U+FEFF, the tag characters) hide text from them while a model or a
// program still sees it, so a name on an approval screen could say other
// than what is stored. The value is not echoed: it would carry the hidden
// text into the message.
func checkInvisible(field string, r rune) error {
	if !unicode.Is(unicode.Cf, r) {
		return nil
	}
	return &ValidationError{Field: field, Kind: KindFormat, Reason: fmt.Sprintf("contains the invisible character %U; names and tags must not hide text, so remove it", r)}
}

// CheckName checks a name given outside a request (a prompt's argument,
// say) as the client checks an image's: at most 255 bytes of UTF-8, no
// control or invisible characters. Empty is allowed.
func CheckName(field, name string) error { return checkName(field, name, false) }

func checkName(field, name string, required bool) error {
	if name == "" {
		if required {
			return &ValidationError{Field: field, Kind: KindRequired, Reason: "is required (a non-empty name)"}
		}
		return nil
	}
	return checkText(field, name, MaxNameLength)
}

func checkTags(field string, tags []string) error {
	if len(tags) > MaxTags {
		return &ValidationError{Field: field, Kind: KindConstraint, Reason: fmt.Sprintf("has %d tags; at most %d are allowed", len(tags), MaxTags)}
	}
	var errs []error
	for i, tag := range tags {
		name := fmt.Sprintf("%s[%d]", field, i)
		if tag == "" {
			errs = append(errs, &ValidationError{Field: name, Kind: KindConstraint, Reason: "is empty; tags must be non-empty strings"})
			continue
		}
		errs = append(errs, checkText(name, tag, MaxTagLength))
	}
	return errors.Join(errs...)
}

func checkOptionalUUID(field string, value *string) error {
	if value == nil {
		return nil
	}
	return checkUUID(field, *value)
}

// checkVolumeKey accepts the positions Scaleway uses for extra volumes:
// "1", "2", ... (the root volume is position 0).
func checkVolumeKey(field, key string) error {
	n, err := strconv.Atoi(key)
	if err != nil || n < 1 || n > MaxExtraVolumes || strconv.Itoa(n) != key || len(key) > maxVolumeKeySize {
		return &ValidationError{Field: field, Kind: KindFormat, Value: key, Reason: fmt.Sprintf("is not a volume position; keys are \"1\" to \"%d\" (the root volume is 0)", MaxExtraVolumes)}
	}
	return nil
}

// snapshotRef is any extra volume entry: each names its snapshot by id.
// snapshotID reports false for a nil entry (JSON null).
type snapshotRef interface{ snapshotID() (string, bool) }

func (v *VolumeTemplate) snapshotID() (string, bool) {
	if v == nil {
		return "", false
	}
	return v.ID, true
}

func (v *SetImageVolume) snapshotID() (string, bool) {
	if v == nil {
		return "", false
	}
	return v.ID, true
}

func (v *VolumeImageUpdateTemplate) snapshotID() (string, bool) {
	if v == nil {
		return "", false
	}
	return v.ID, true
}

// checkExtraVolumes checks the keys and snapshot ids of an extra_volumes map
// of any of the three request shapes.
func checkExtraVolumes[V snapshotRef](volumes map[string]V) error {
	if len(volumes) > MaxExtraVolumes {
		return &ValidationError{Field: "extra_volumes", Kind: KindConstraint, Reason: fmt.Sprintf("has %d volumes; at most %d are allowed", len(volumes), MaxExtraVolumes)}
	}
	var errs []error
	for _, key := range SortedVolumeKeys(volumes) {
		field := "extra_volumes." + key
		errs = append(errs, checkVolumeKey("extra_volumes", key))
		if id, ok := volumes[key].snapshotID(); ok {
			errs = append(errs, checkUUID(field+".id", id))
		} else {
			errs = append(errs, &ValidationError{Field: field, Kind: KindRequired, Reason: "is empty; give {\"id\": \"<snapshot id>\"}"})
		}
	}
	return errors.Join(errs...)
}

// Validate checks the filters and page before anything is sent.
func (r *ListImagesRequest) Validate() error {
	ran("ListImagesRequest")
	if r == nil {
		return nil
	}
	var errs []error
	errs = append(errs, checkOptionalUUID("organization", r.Organization), checkOptionalUUID("project", r.Project))
	if r.Name != nil {
		errs = append(errs, checkText("name", *r.Name, maxFilterLength))
	}
	if r.Arch != nil {
		if _, err := ParseArch("arch", *r.Arch); err != nil {
			errs = append(errs, err)
		}
	}
	if r.Tags != nil {
		errs = append(errs, checkText("tags", *r.Tags, MaxTags*MaxTagLength))
	}
	errs = append(errs, checkPage("page", r.Page, "per_page", r.PerPage))
	return errors.Join(errs...)
}

// checkPage checks a 1-based page number and a page size of at most
// MaxPerPage, the bounds of both the Instance and the Block API.
func checkPage(pageField string, page *int32, sizeField string, size *uint32) error {
	var errs []error
	if page != nil && *page < 1 {
		errs = append(errs, &ValidationError{Field: pageField, Kind: KindConstraint, Value: strconv.Itoa(int(*page)), Reason: "must be 1 or more"})
	}
	if size != nil && (*size < 1 || *size > MaxPerPage) {
		errs = append(errs, &ValidationError{Field: sizeField, Kind: KindConstraint, Value: strconv.Itoa(int(*size)), Reason: fmt.Sprintf("must be between 1 and %d", MaxPerPage)})
	}
	return errors.Join(errs...)
}

// Validate checks the filters and page before anything is sent.
func (r *ListSnapshotsRequest) Validate() error {
	ran("ListSnapshotsRequest")
	if r == nil {
		return nil
	}
	errs := []error{
		checkOptionalUUID("organization", r.Organization),
		checkOptionalUUID("project", r.Project),
		checkOptionalUUID("base_volume_id", r.BaseVolumeID),
		checkPage("page", r.Page, "per_page", r.PerPage),
	}
	if r.Name != nil {
		errs = append(errs, checkText("name", *r.Name, maxFilterLength))
	}
	if r.Tags != nil {
		errs = append(errs, checkText("tags", *r.Tags, MaxTags*MaxTagLength))
	}
	return errors.Join(errs...)
}

// Validate checks the filters and page before anything is sent.
func (r *ListBlockSnapshotsRequest) Validate() error {
	ran("ListBlockSnapshotsRequest")
	if r == nil {
		return nil
	}
	errs := []error{
		checkOptionalUUID("project_id", r.ProjectID),
		checkOptionalUUID("organization_id", r.OrganizationID),
		checkOptionalUUID("volume_id", r.VolumeID),
		checkTags("tags", r.Tags),
		checkPage("page", r.Page, "page_size", r.PageSize),
	}
	if r.Name != nil {
		errs = append(errs, checkText("name", *r.Name, maxFilterLength))
	}
	if r.OrderBy != nil && !slices.Contains(BlockSnapshotOrders, *r.OrderBy) {
		errs = append(errs, &ValidationError{Field: "order_by", Kind: KindConstraint, Value: *r.OrderBy, Reason: fmt.Sprintf("is not an order; use one of %v", BlockSnapshotOrders)})
	}
	return errors.Join(errs...)
}

// Validate checks a create body: root_volume and arch are required, every
// id is a UUID, extra volume keys are positions.
func (r *CreateImageRequest) Validate() error {
	ran("CreateImageRequest")
	var errs []error
	errs = append(errs, checkName("name", r.Name, false))
	errs = append(errs, checkUUID("root_volume", r.RootVolume))
	if _, err := ParseArch("arch", string(r.Arch)); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, checkExtraVolumes(r.ExtraVolumes))
	errs = append(errs, checkOptionalUUID("organization", r.Organization), checkOptionalUUID("project", r.Project))
	if r.Organization != nil && r.Project != nil {
		errs = append(errs, &ValidationError{Field: "project", Kind: KindConstraint, Reason: "and organization are exclusive; give only project"})
	}
	errs = append(errs, checkTags("tags", r.Tags))
	return errors.Join(errs...)
}

// Validate checks a PUT body. Its zone and id are the path's: SetImage
// checks them against it (matchPath).
func (r *SetImageRequest) Validate() error {
	ran("SetImageRequest")
	var errs []error
	errs = append(errs, checkName("name", r.Name, true))
	if _, err := ParseArch("arch", string(r.Arch)); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, checkExtraVolumes(r.ExtraVolumes))
	if r.RootVolume != nil {
		errs = append(errs, checkUUID("root_volume.id", r.RootVolume.ID))
	}
	if r.Organization != "" {
		errs = append(errs, checkUUID("organization", r.Organization))
	}
	if r.Project != "" {
		errs = append(errs, checkUUID("project", r.Project))
	}
	if r.Tags != nil {
		errs = append(errs, checkTags("tags", *r.Tags))
	}
	return errors.Join(errs...)
}

// matchPath fills an empty body zone and id from the path, as every
// recorded client sent them, and refuses a body that names another image
// than the path: the API would answer 400, or worse, apply it.
func (r *SetImageRequest) matchPath(zone Zone, id string) error {
	var errs []error
	switch {
	case r.Zone == "":
		r.Zone = zone
	case r.Zone != zone:
		errs = append(errs, &ValidationError{Field: "zone", Kind: KindConstraint, Value: string(r.Zone), Reason: "in the body differs from the path's zone " + string(zone) + "; leave it out or make them equal"})
	}
	switch {
	case r.ID == "":
		r.ID = id
	case !strings.EqualFold(r.ID, id):
		errs = append(errs, &ValidationError{Field: "id", Kind: KindConstraint, Value: r.ID, Reason: "in the body differs from the path's id " + id + "; leave it out or make them equal"})
	}
	return errors.Join(errs...)
}

// Validate checks a PATCH body.
func (r *UpdateImageRequest) Validate() error {
	ran("UpdateImageRequest")
	var errs []error
	if r.Name != nil {
		errs = append(errs, checkName("name", *r.Name, true))
	}
	if r.Arch != "" {
		if _, err := ParseArch("arch", string(r.Arch)); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, checkExtraVolumes(r.ExtraVolumes))
	if r.Tags != nil {
		errs = append(errs, checkTags("tags", *r.Tags))
	}
	return errors.Join(errs...)
}
