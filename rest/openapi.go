package rest

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// devVersion is the version the document states when the program names
// none: a build from source.
const devVersion = "dev"

// OpenAPIDocument returns the adapter's OpenAPI 3.1 document as a handler
// built without a Version serves it at GET /v1/openapi.json, for the tools
// that write it out.
func OpenAPIDocument() []byte {
	return encodeOpenAPI(devVersion)
}

// encodeOpenAPI is the document of the adapter of that version.
func encodeOpenAPI(version string) []byte {
	b, err := json.MarshalIndent(openAPI(version), "", "  ")
	if err != nil { // the document is made of maps, strings and numbers
		panic("rest: encoding the OpenAPI document: " + err.Error())
	}
	return b
}

// serveOpenAPI serves doc, which is built once, with the handler.
func serveOpenAPI(doc []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
		_, _ = w.Write(doc)
	}
}

const imagesTag = "Images"

// sbsNote says what an image's Block Storage volumes look like here: as
// upstream writes them, passed through unchanged.
const sbsNote = "A volume of type sbs_snapshot (a Block Storage snapshot) reads with size 0 and an empty name, as Scaleway writes it: " +
	"there 0 means unknown, and the real size is in the Block API (GET /block/v1alpha1/zones/{zone}/snapshots/{id})."

func openAPI(version string) object {
	return object{
		"openapi": "3.1.0",
		"info": object{
			"title":   "Scaleway Instance images REST adapter",
			"version": version,
			"description": "The six Instance image operations of the Scaleway API, served under /v1 in Scaleway's own wire format, " +
				"so that Scaleway SDKs and the scw CLI work with an API URL of http://127.0.0.1:8080/v1. " +
				"Calls use the server's Scaleway secret key, or the caller's own X-Auth-Token. " +
				"When the server listens beyond loopback it also requires Authorization: Bearer <token>.",
			"contact": object{"name": "scaleway-images-mcp maintainers", "url": "https://github.com/scaleway-images-mcp/scaleway-images-mcp"},
			"license": object{"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
		},
		"servers":  []object{{"url": "http://127.0.0.1:8080", "description": "The adapter on its default loopback address."}},
		"tags":     []object{{"name": imagesTag, "description": "Instance images: bootable sets of snapshots, per zone."}},
		"security": []object{{"scalewayKey": []string{}}, {}},
		"paths": object{
			imagesPattern: object{
				"parameters": []object{ref("parameters", "zone")},
				"get": operation("listimages", "List Instance images",
					"List the images of a zone, one page at a time: the marketplace's and the caller's own. "+
						"The total is in X-Total-Count and the other pages are in Link. "+sbsNote,
					[]object{ref("parameters", "organization"), ref("parameters", "project"), ref("parameters", "name"), ref("parameters", "public"),
						ref("parameters", "arch"), ref("parameters", "tags"), ref("parameters", "page"), ref("parameters", "per_page")},
					nil, "200", object{
						"description": "A page of images.",
						"headers":     object{"X-Request-Id": ref("headers", "X-Request-Id"), "X-Total-Count": ref("headers", "X-Total-Count"), "Link": ref("headers", "Link")},
						"content":     jsonContent("ListImagesResponse"),
					}),
				"post": operation("createimage", "Create an Instance image",
					"Create an image from snapshots: root_volume boots it, extra_volumes add more. Images made from ready snapshots are available at once.",
					nil, requestBody("CreateImageRequest", "The image to create."), "201", object{
						"description": "The new image.",
						"headers":     object{"X-Request-Id": ref("headers", "X-Request-Id"), "Location": ref("headers", "Location")},
						"content":     jsonContent("ImageResponse"),
					}, "404", "413"),
			},
			imagePattern: object{
				"parameters": []object{ref("parameters", "zone"), ref("parameters", "image_id")},
				"put": operation("setimage", "Update image",
					"Replace every property of an image (Scaleway's SDKs name the path parameter id here). "+
						"Whatever the body leaves out is reset, so send the whole image, as Scaleway's own clients did: the image as read, "+
						"with zone and id (which must be the path's; left out, the path's are sent), without from_server and default_bootscript, "+
						"and an extra volume known only by its snapshot id as {\"id\"}.",
					nil, requestBody("SetImageRequest", "Every property of the image."), "200", imageResponse("The replaced image."), "404", "409", "413"),
				"get": operation("getimage", "Get an Instance image",
					"Get the details of one image. "+sbsNote,
					nil, nil, "200", imageResponse("The image."), "404"),
				"patch": operation("updateimage", "Update image",
					"Change the properties given in the body and keep the others. extra_volumes, when given, replaces the whole map.",
					nil, requestBody("UpdateImageRequest", "The properties to change."), "200", imageResponse("The updated image."), "404", "409", "413"),
				"delete": operation("deleteimage", "Delete an Instance image",
					"Delete an image. Its snapshots are kept, and still billed.",
					nil, nil, "204", object{
						"description": "The image is deleted; the body is empty.",
						"headers":     object{"X-Request-Id": ref("headers", "X-Request-Id")},
					}, "404", "409"),
			},
		},
		"components": object{
			"schemas":         componentSchemas(),
			"parameters":      componentParameters(),
			"headers":         componentHeaders(),
			"responses":       componentResponses(),
			"securitySchemes": object{"scalewayKey": object{"type": "apiKey", "in": "header", "name": "X-Auth-Token", "description": "A Scaleway secret key, used for this call instead of the server's own."}},
		},
	}
}

// errorResponses names the shared error answer of each status.
var errorResponses = map[string]string{
	"400": "InvalidArguments", "401": "DeniedAuthentication", "403": "PermissionsDenied", "404": "NotFound",
	"409": "Conflict", "413": "PayloadTooLarge", "429": "TooManyRequests", "5XX": "ServerError",
}

// operation describes one route: its success answer, the errors every
// route may answer, and extraErrors, the statuses particular to it.
func operation(id, summary, description string, parameters []object, body object, status string, success object, extraErrors ...string) object {
	responses := object{status: success}
	for _, code := range append([]string{"400", "401", "403", "429", "5XX"}, extraErrors...) {
		responses[code] = ref("responses", errorResponses[code])
	}
	op := object{"operationId": id, "summary": summary, "description": description, "tags": []string{imagesTag}, "responses": responses}
	if parameters != nil {
		op["parameters"] = parameters
	}
	if body != nil {
		op["requestBody"] = body
	}
	return op
}

func jsonContent(schema string) object {
	return object{"application/json": object{"schema": ref("schemas", schema)}}
}

func requestBody(schema, description string) object {
	return object{"required": true, "description": description, "content": jsonContent(schema)}
}

func imageResponse(description string) object {
	return object{"description": description, "headers": object{"X-Request-Id": ref("headers", "X-Request-Id")}, "content": jsonContent("ImageResponse")}
}

func queryParameter(name, description string, schema object) object {
	return object{"name": name, "in": "query", "required": false, "description": description, "schema": schema}
}

func componentParameters() object {
	return object{
		"zone":         object{"name": "zone", "in": "path", "required": true, "description": "The zone you want to target.", "schema": enum("An Instance zone.", scaleway.Zones...)},
		"image_id":     object{"name": "image_id", "in": "path", "required": true, "description": "ID of the image.", "schema": uuid("A UUID.")},
		"organization": queryParameter("organization", "Only images of this organization.", uuid("A UUID.")),
		"project":      queryParameter("project", "Only images of this project.", uuid("A UUID.")),
		"name":         queryParameter("name", "Only images whose name contains this text.", object{"type": "string", "maxLength": scaleway.MaxNameLength}),
		"public":       queryParameter("public", "Only public (true) or private (false) images; case does not matter.", object{"type": "boolean"}),
		"arch":         queryParameter("arch", "Only images of this architecture.", enum("An architecture.", scaleway.Arches...)),
		"tags":         queryParameter("tags", "Only images carrying these tags, separated by commas.", object{"type": "string"}),
		"page":         queryParameter("page", "Page to return, from 1.", object{"type": "integer", "format": "int32", "minimum": 1, "default": 1}),
		"per_page": queryParameter("per_page", "Images per page.", object{
			"type": "integer", "format": "int32", "minimum": 1, "maximum": scaleway.MaxPerPage, "default": scaleway.DefaultPerPage,
		}),
	}
}

func componentHeaders() object {
	header := func(description string, schema object) object {
		return object{"description": description, "schema": schema}
	}
	return object{
		"X-Request-Id":  header("Scaleway's id of the upstream call, for support requests.", object{"type": "string"}),
		"X-Total-Count": header("How many images match, over every page.", object{"type": "integer", "minimum": 0}),
		"Link":          header("RFC 5988 links to the first, previous, next and last pages that exist.", object{"type": "string"}),
		"Location":      header("URL of the new image on this adapter.", object{"type": "string", "format": "uri"}),
		"Retry-After":   header("Seconds to wait before trying again.", object{"type": "integer", "minimum": 0}),
	}
}

func componentResponses() object {
	errorResponse := func(description string, headers object) object {
		r := object{"description": description, "content": jsonContent("Error")}
		if headers != nil {
			r["headers"] = headers
		}
		return r
	}
	return object{
		"InvalidArguments":     errorResponse("invalid_arguments: the details name each argument at fault (nothing was sent to Scaleway).", nil),
		"DeniedAuthentication": errorResponse("denied_authentication: no valid Scaleway secret key, or a missing or wrong bearer token.", object{"WWW-Authenticate": object{"description": "Bearer, when the listener's token is missing or wrong.", "schema": object{"type": "string"}}}),
		"PermissionsDenied":    errorResponse("permissions_denied (the key, or a read-only server, may not do this), quotas_exceeded, or a refused Host or Origin.", nil),
		"NotFound":             errorResponse("not_found: no such image (or snapshot) in this zone.", nil),
		"Conflict":             errorResponse("transient_state: the image is busy; try again when it settles.", nil),
		"PayloadTooLarge":      errorResponse("The request body is larger than the server accepts.", nil),
		"TooManyRequests":      errorResponse("too_many_requests: Scaleway is rate limiting, or this caller (its X-Auth-Token, or none) has its most requests in flight on this server (--max-calls-per-caller); wait for Retry-After.", object{"Retry-After": ref("headers", "Retry-After")}),
		"ServerError":          errorResponse("Scaleway or the way to it failed (502 and 504 when the adapter got no usable answer).", nil),
	}
}
