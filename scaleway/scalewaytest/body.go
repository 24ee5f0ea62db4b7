package scalewaytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// decodeBody reads a JSON request body into v. Unknown fields are ignored,
// which is how the fake tolerates default_bootscript on create and the id
// and zone that old clients send in a full-object PUT. An empty body reads
// as {} so that missing keys are reported as such.
func decodeBody(body []byte, v any) *scaleway.Error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return invalidArguments(badArgument(typeErr.Field, "format", "must be a JSON "+typeErr.Type.Kind().String()))
	}
	return invalidArguments(badArgument("body", "format", "the body is not valid JSON"))
}

// checkSnapshotReference checks an id that names a snapshot.
func checkSnapshotReference(name, id string, errs *argumentErrors) {
	switch {
	case id == "":
		errs.add(requiredArgument(name))
	case !scaleway.IsUUID(id):
		errs.add(badArgument(name, "format", "must be a UUID"))
	}
}

// checkArch checks a settable architecture; an empty one is only reported
// when required.
func checkArch(arch scaleway.Arch, required bool, errs *argumentErrors) {
	switch {
	case arch == "":
		if required {
			errs.add(requiredArgument("arch"))
		}
	case !slices.Contains(scaleway.Arches, arch):
		errs.add(badArgument("arch", "constraint", "must be one of "+strings.Join(archNames(), ", ")))
	}
}

func archNames() []string {
	names := make([]string, len(scaleway.Arches))
	for i, arch := range scaleway.Arches {
		names[i] = string(arch)
	}
	return names
}

// extraVolumeReferences checks an extra_volumes map, whatever the type of
// its entries (create, PUT and PATCH each have their own), and returns
// position -> snapshot id. Keys are positions "1", "2", ...: the root volume
// is position 0.
func extraVolumeReferences[V any](volumes map[string]*V, idOf func(*V) string, errs *argumentErrors) map[string]string {
	ids := make(map[string]string, len(volumes))
	for _, key := range scaleway.SortedVolumeKeys(volumes) {
		if position, err := strconv.Atoi(key); err != nil || position < 1 || strconv.Itoa(position) != key {
			errs.add(badArgument("extra_volumes."+key, "format", `keys are volume positions "1", "2", ...`))
			continue
		}
		id := ""
		if volume := volumes[key]; volume != nil {
			id = idOf(volume)
		}
		checkSnapshotReference("extra_volumes."+key+".id", id, errs)
		ids[key] = id
	}
	return ids
}

// owner is who a new image belongs to.
type owner struct{ organization, project string }

// parseOwner reads the one-of project/organization of a create request. The
// deprecated organization is kept as given and the project becomes that
// organization's default project, whose id is the organization's own on
// Scaleway (recorded: every recorded image's project is its organization),
// except for the seeded default organization, whose default project is
// DefaultProjectID. A project's organization is organizationOf's.
func parseOwner(organization, project *string, errs *argumentErrors) owner {
	hasOrganization := organization != nil && *organization != ""
	hasProject := project != nil && *project != ""
	switch {
	case hasOrganization && hasProject:
		errs.add(badArgument("organization", "constraint", "set only one of project and organization"))
	case hasProject:
		if !scaleway.IsUUID(*project) {
			errs.add(badArgument("project", "format", "must be a UUID"))
		}
		return owner{organization: organizationOf(*project), project: *project}
	case hasOrganization:
		if !scaleway.IsUUID(*organization) {
			errs.add(badArgument("organization", "format", "must be a UUID"))
		}
		if *organization == DefaultOrganizationID {
			return owner{organization: DefaultOrganizationID, project: DefaultProjectID}
		}
		return owner{organization: *organization, project: *organization}
	default:
		errs.add(requiredArgument("project"))
	}
	return owner{}
}
