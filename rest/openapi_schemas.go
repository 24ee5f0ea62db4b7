package rest

import (
	"strconv"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// object is a JSON object of the OpenAPI document.
type object = map[string]any

// The schemas below are written once, here, from the client's types; every
// bound and enum comes from package scaleway so that the document and the
// validation cannot disagree.

func ref(kind, name string) object { return object{"$ref": "#/components/" + kind + "/" + name} }

func text(description string) object {
	return object{"type": "string", "description": description}
}

func uuid(description string) object {
	return object{"type": "string", "format": "uuid", "pattern": scaleway.UUIDPattern, "description": description}
}

func enum[T ~string](description string, values ...T) object {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return object{"type": "string", "enum": names, "description": description}
}

func timestamp(description string) object {
	return object{"type": []string{"string", "null"}, "format": "date-time", "description": description}
}

func boolean(description string) object { return object{"type": "boolean", "description": description} }

func bytesSize(description string) object {
	return object{"type": "integer", "format": "int64", "minimum": 0, "description": description}
}

func tags(description string) object {
	return object{
		"type": "array", "maxItems": scaleway.MaxTags, "description": description,
		"items": object{"type": "string", "minLength": 1, "maxLength": scaleway.MaxTagLength},
	}
}

func name(description string) object {
	return object{"type": "string", "maxLength": scaleway.MaxNameLength, "description": description}
}

// extraVolumes is a map keyed by volume position, "1" to MaxExtraVolumes.
func extraVolumes(description string, entry object) object {
	positions := make([]string, scaleway.MaxExtraVolumes)
	for i := range positions {
		positions[i] = strconv.Itoa(i + 1)
	}
	return object{
		"type": "object", "description": description, "additionalProperties": entry,
		"maxProperties": scaleway.MaxExtraVolumes,
		"propertyNames": object{"pattern": "^(" + strings.Join(positions, "|") + ")$"},
	}
}

func schemaObject(description string, required []string, properties object) object {
	s := object{"type": "object", "description": description, "properties": properties}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

var (
	allArches       = append([]scaleway.Arch{scaleway.ArchUnknown}, scaleway.Arches...)
	imageStates     = []scaleway.ImageState{scaleway.ImageStateAvailable, scaleway.ImageStateCreating, scaleway.ImageStateError}
	settableArchDoc = "CPU architecture the image boots on."
)

func componentSchemas() object {
	return object{
		"Image": schemaObject("An Instance image: a bootable set of snapshots.",
			[]string{"id", "name", "organization", "project", "root_volume", "extra_volumes", "public", "arch", "creation_date", "modification_date", "default_bootscript", "from_server", "state", "tags", "zone"},
			object{
				"id":                 uuid("Unique ID of the image."),
				"name":               text("Name of the image."),
				"organization":       uuid("Organization that owns the image."),
				"project":            uuid("Project that owns the image."),
				"root_volume":        ref("schemas", "VolumeSummary"),
				"extra_volumes":      extraVolumes("Additional snapshots of the image, keyed by position (the root volume is 0).", ref("schemas", "VolumeSummary")),
				"public":             boolean("Whether the image is public (marketplace images are)."),
				"arch":               enum("CPU architecture the image boots on.", allArches...),
				"creation_date":      timestamp("When the image was created (RFC 3339)."),
				"modification_date":  timestamp("When the image was last changed (RFC 3339)."),
				"default_bootscript": ref("schemas", "Bootscript"),
				"from_server":        text("ID of the server the image was backed up from, or empty for images made from snapshots."),
				"state":              enum("Lifecycle state; only creating is transient.", imageStates...),
				"tags":               tags("Tags of the image."),
				"zone":               enum("Zone of the image.", scaleway.Zones...),
			}),
		"VolumeSummary": schemaObject("A snapshot that is part of an image; its id is the snapshot's.",
			[]string{"id", "name", "size", "volume_type"},
			object{
				"id":          uuid("ID of the snapshot."),
				"name":        text("Name of the snapshot (empty for Block Storage snapshots)."),
				"size":        bytesSize("Size in bytes (0 for Block Storage snapshots)."),
				"volume_type": enum("Type of the snapshot's volume.", scaleway.VolumeTypes...),
			}),
		"Bootscript": object{
			"type": []string{"object", "null"}, "deprecated": true,
			"description": "Deprecated bootscript; always null in current answers.",
			"properties": object{
				"id": text("ID of the bootscript."), "title": text("Title."), "architecture": text("Architecture."),
				"kernel": text("Kernel URL."), "initrd": text("Initrd URL."), "bootcmdargs": text("Boot arguments."),
				"dtb": text("Device tree."), "default": boolean("Default bootscript."), "public": boolean("Public bootscript."),
				"organization": text("Organization."), "project": text("Project."), "zone": text("Zone."),
			},
		},
		"ImageResponse": schemaObject("One image.", []string{"image"}, object{"image": ref("schemas", "Image")}),
		"ListImagesResponse": schemaObject("One page of images; the total is in the X-Total-Count header.", []string{"images"}, object{
			"images": object{"type": "array", "items": ref("schemas", "Image"), "description": "The images of the page."},
		}),
		"CreateImageRequest": schemaObject("A new image made from snapshots. Give project (or the deprecated organization); without either, the server's default project (else organization) owns it.",
			[]string{"root_volume", "arch"},
			object{
				"name":        name("Name of the image; Scaleway generates one when empty."),
				"root_volume": uuid("ID of the snapshot to boot from."),
				"arch":        enum(settableArchDoc, scaleway.Arches...),
				"extra_volumes": extraVolumes("Additional snapshots, keyed by position \"1\", \"2\", ...",
					schemaObject("A snapshot to add to the image.", []string{"id"}, object{
						"id":          uuid("ID of the snapshot."),
						"name":        text("Name of the volume."),
						"size":        bytesSize("Size in bytes."),
						"volume_type": enum("Type of the volume.", scaleway.VolumeTypes...),
						"project":     uuid("Project of the volume."),
					})),
				"organization": object{"type": "string", "format": "uuid", "pattern": scaleway.UUIDPattern, "deprecated": true, "description": "Deprecated: use project. Organization that will own the image."},
				"project":      uuid("Project that will own the image."),
				"tags":         tags("Tags of the image."),
				"public":       boolean("Whether the image is public."),
			}),
		"SetImageRequest": schemaObject("Every property of an image: whatever is left out is reset. Unknown fields (id, zone) are ignored.",
			[]string{"name", "arch"},
			object{
				"name":               name("Name of the image."),
				"arch":               enum(settableArchDoc, scaleway.Arches...),
				"creation_date":      timestamp("Ignored: the server owns it."),
				"modification_date":  timestamp("Ignored: the server owns it."),
				"default_bootscript": ref("schemas", "Bootscript"),
				"extra_volumes":      extraVolumes("Additional snapshots, keyed by position.", ref("schemas", "VolumeSummary")),
				"from_server":        text("ID of the server the image was backed up from, or empty."),
				"organization":       text("Organization of the image (a UUID, or empty)."),
				"public":             boolean("Whether the image is public."),
				"root_volume":        ref("schemas", "VolumeSummary"),
				"state":              enum("State of the image.", imageStates...),
				"project":            text("Project of the image (a UUID, or empty)."),
				"tags":               tags("Tags of the image; omitted means none."),
			}),
		"UpdateImageRequest": schemaObject("The properties to change; those left out are kept.", nil, object{
			"name": object{"type": "string", "minLength": 1, "maxLength": scaleway.MaxNameLength, "description": "New name."},
			"arch": enum(settableArchDoc, scaleway.Arches...),
			"extra_volumes": extraVolumes("Replaces every additional snapshot, keyed by position.",
				schemaObject("A snapshot of the image.", []string{"id"}, object{"id": uuid("ID of the snapshot.")})),
			"tags":   tags("Replaces the tags; [] clears them."),
			"public": boolean("Whether the image is public."),
		}),
		"Error": schemaObject("A Scaleway error. Which optional fields are set depends on type.", []string{"type", "message"}, object{
			"type":          text("Error type, such as invalid_arguments, denied_authentication, permissions_denied, not_found, transient_state, quotas_exceeded."),
			"message":       text("What went wrong."),
			"resource":      text("Resource concerned, such as instance_image."),
			"resource_id":   text("ID of the resource concerned."),
			"details":       object{"type": "array", "items": ref("schemas", "ErrorDetail"), "description": "One entry per argument (invalid_arguments), permission (permissions_denied) or quota (quotas_exceeded)."},
			"fields":        object{"type": "object", "additionalProperties": object{"type": "array", "items": object{"type": "string"}}, "description": "Legacy form: messages by field."},
			"current_state": text("State of the resource (transient_state)."),
			"precondition":  text("Precondition that failed (precondition_failed)."),
			"help_message":  text("What to do about it."),
			"method":        text("Authentication method (denied_authentication)."),
			"reason":        text("Why authentication was denied (denied_authentication)."),
			"expired_since": text("When the resource expired (resource_expired)."),
		}),
		"ErrorDetail": schemaObject("One detail of an error.", nil, object{
			"argument_name": text("The argument at fault (invalid_arguments)."),
			"reason":        enum("Why it is wrong (invalid_arguments).", "unknown", "required", "format", "constraint"),
			"help_message":  text("What is allowed."),
			"resource":      text("Resource concerned (permissions_denied, quotas_exceeded)."),
			"action":        text("Action refused (permissions_denied)."),
			"quota":         object{"type": "integer", "description": "The quota (quotas_exceeded)."},
			"current":       object{"type": "integer", "description": "Current usage (quotas_exceeded)."},
		}),
	}
}
