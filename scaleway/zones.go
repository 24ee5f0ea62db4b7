package scaleway

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
)

// Zone is an Instance availability zone such as "fr-par-1".
type Zone string

// Zones lists every zone the Instance API serves, in Scaleway's own order.
var Zones = []Zone{
	"fr-par-1", "fr-par-2", "fr-par-3",
	"nl-ams-1", "nl-ams-2", "nl-ams-3",
	"pl-waw-1", "pl-waw-2", "pl-waw-3",
	"it-mil-1",
}

// DefaultZone is the zone used when neither a flag, the environment nor the
// scw config file names one; it is the default of Scaleway's own tools.
const DefaultZone Zone = "fr-par-1"

// ZoneNames returns the zones as plain strings, for enums in schemas and
// messages.
func ZoneNames() []string {
	names := make([]string, len(Zones))
	for i, z := range Zones {
		names[i] = string(z)
	}
	return names
}

// ParseZone checks that s is one of the Instance zones. A zone that is not in
// the list never reaches a URL, which rules out path injection through it.
func ParseZone(s string) (Zone, error) {
	for _, z := range Zones {
		if string(z) == s {
			return z, nil
		}
	}
	if s == "" {
		return "", &ValidationError{Field: "zone", Kind: KindRequired, Reason: "is required; one of " + strings.Join(ZoneNames(), ", ")}
	}
	return "", &ValidationError{Field: "zone", Kind: KindConstraint, Value: s, Reason: "is not an Instance zone; use one of " + strings.Join(ZoneNames(), ", ")}
}

// uuidPattern is the textual form Scaleway uses for every id: lower or upper
// case hexadecimal in 8-4-4-4-12 groups.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// UUIDPattern is uuidPattern's source, for JSON Schemas.
const UUIDPattern = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

// IsUUID reports whether s is a well-formed UUID.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// ValidateUUID returns a *ValidationError naming field when value is not a
// well-formed UUID.
func ValidateUUID(field, value string) error {
	if value == "" {
		return &ValidationError{Field: field, Kind: KindRequired, Reason: "is required (a UUID such as 11111111-2222-3333-4444-555555555555)"}
	}
	if !IsUUID(value) {
		return &ValidationError{Field: field, Kind: KindFormat, Value: value, Reason: "is not a UUID (expected 8-4-4-4-12 hexadecimal digits)"}
	}
	return nil
}

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
