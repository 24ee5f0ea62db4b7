package scaleway

import (
	"strings"
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
	ran("zone " + s)
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
