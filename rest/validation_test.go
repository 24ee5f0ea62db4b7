package rest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// TestInvalidInputNeverReachesUpstream checks the 400 answers: each names
// the fields at fault with Scaleway's reasons, and the fake sees nothing.
func TestInvalidInputNeverReachesUpstream(t *testing.T) {
	t.Parallel()
	const id = "11111111-2222-4333-8444-555555555555"
	images := imagesPath(zone)
	image := images + "/" + id
	tests := []struct {
		name, method, path, body string
		want                     []scaleway.ErrorDetail // argument_name and reason only
	}{
		{"unknown zone", "GET", imagesPath("xx-nowhere-9"), "", []scaleway.ErrorDetail{{ArgumentName: "zone", Reason: "constraint"}}},
		{"legacy zone name", "GET", imagesPath("par1") + "/" + id, "", []scaleway.ErrorDetail{{ArgumentName: "zone", Reason: "constraint"}}},
		{"dot-dot id", "GET", images + "/../images", "", []scaleway.ErrorDetail{{ArgumentName: "image_id", Reason: "format"}}},
		{"encoded dot-dot id", "DELETE", images + "/%2e%2e", "", []scaleway.ErrorDetail{{ArgumentName: "image_id", Reason: "format"}}},
		{"dot-dot zone", "GET", "/v1/instance/v1/zones/../zones/fr-par-1/images", "", []scaleway.ErrorDetail{{ArgumentName: "zone", Reason: "constraint"}}},
		{"dot-dot after a valid id", "GET", image + "/..", "", []scaleway.ErrorDetail{{ArgumentName: "path", Reason: "format"}}},
		{"encoded slash in id", "GET", images + "/" + id + "%2Fx", "", []scaleway.ErrorDetail{{ArgumentName: "image_id", Reason: "format"}}},
		{"id not a UUID", "GET", images + "/web-frontend", "", []scaleway.ErrorDetail{{ArgumentName: "image_id", Reason: "format"}}},
		{"PUT names its id \"id\"", "PUT", images + "/nope", `{"name":"x","arch":"x86_64"}`, []scaleway.ErrorDetail{{ArgumentName: "id", Reason: "format"}}},
		{"zone and id both wrong", "GET", imagesPath("mars-1") + "/nope", "", []scaleway.ErrorDetail{{ArgumentName: "zone", Reason: "constraint"}, {ArgumentName: "image_id", Reason: "format"}}},

		{"per_page 0", "GET", images + "?per_page=0", "", []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint"}}},
		{"per_page 101", "GET", images + "?per_page=101", "", []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint"}}},
		{"per_page negative", "GET", images + "?per_page=-5", "", []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "constraint"}}},
		{"per_page abc", "GET", images + "?per_page=abc", "", []scaleway.ErrorDetail{{ArgumentName: "per_page", Reason: "format"}}},
		{"page 0", "GET", images + "?page=0", "", []scaleway.ErrorDetail{{ArgumentName: "page", Reason: "constraint"}}},
		{"page 1.5", "GET", images + "?page=1.5", "", []scaleway.ErrorDetail{{ArgumentName: "page", Reason: "format"}}},
		{"bad arch filter", "GET", images + "?arch=sparc", "", []scaleway.ErrorDetail{{ArgumentName: "arch", Reason: "constraint"}}},
		{"bad public", "GET", images + "?public=maybe", "", []scaleway.ErrorDetail{{ArgumentName: "public", Reason: "format"}}},
		{"bad project filter", "GET", images + "?project=me&organization=us", "", []scaleway.ErrorDetail{{ArgumentName: "organization", Reason: "format"}, {ArgumentName: "project", Reason: "format"}}},
		{"every list argument at once", "GET", imagesPath("nowhere") + "?page=x&per_page=0&arch=z", "", []scaleway.ErrorDetail{
			{ArgumentName: "zone", Reason: "constraint"}, {ArgumentName: "page", Reason: "format"}, {ArgumentName: "arch", Reason: "constraint"}, {ArgumentName: "per_page", Reason: "constraint"},
		}},

		{"create without body", "POST", images, "", []scaleway.ErrorDetail{{ArgumentName: "root_volume", Reason: "required"}, {ArgumentName: "arch", Reason: "required"}}},
		{"create without root_volume", "POST", images, `{"arch":"x86_64","name":"x"}`, []scaleway.ErrorDetail{{ArgumentName: "root_volume", Reason: "required"}}},
		{"create with bad ids", "POST", images, `{"arch":"arm64","root_volume":"snap","extra_volumes":{"0":{"id":"x"}}}`, []scaleway.ErrorDetail{
			{ArgumentName: "root_volume", Reason: "format"}, {ArgumentName: "extra_volumes", Reason: "format"}, {ArgumentName: "extra_volumes.0.id", Reason: "format"},
		}},
		{"create with project and organization", "POST", images, `{"arch":"arm64","root_volume":"` + id + `","project":"` + id + `","organization":"` + id + `"}`, []scaleway.ErrorDetail{{ArgumentName: "project", Reason: "constraint"}}},
		{"create in a bad zone", "POST", imagesPath("nowhere"), `{"arch":"arm64","root_volume":"` + id + `"}`, []scaleway.ErrorDetail{{ArgumentName: "zone", Reason: "constraint"}}},
		{"malformed JSON", "POST", images, `{"arch":"x86_64",`, []scaleway.ErrorDetail{{ArgumentName: "body", Reason: "format"}}},
		{"trailing garbage", "POST", images, `{"arch":"x86_64"} {}`, []scaleway.ErrorDetail{{ArgumentName: "body", Reason: "format"}}},
		{"not an object", "POST", images, `["x86_64"]`, []scaleway.ErrorDetail{{ArgumentName: "body", Reason: "format"}}},
		{"name is a number", "POST", images, `{"name":5,"arch":"x86_64"}`, []scaleway.ErrorDetail{{ArgumentName: "name", Reason: "format"}}},
		{"tags is a string", "PATCH", image, `{"tags":"a,b"}`, []scaleway.ErrorDetail{{ArgumentName: "tags", Reason: "format"}}},
		{"public is a string", "PATCH", image, `{"public":"yes"}`, []scaleway.ErrorDetail{{ArgumentName: "public", Reason: "format"}}},
		{"nested type error", "PUT", image, `{"name":"x","arch":"x86_64","root_volume":{"id":7}}`, []scaleway.ErrorDetail{{ArgumentName: "root_volume.id", Reason: "format"}}},
		{"bad timestamp", "PUT", image, `{"name":"x","arch":"x86_64","creation_date":"yesterday"}`, []scaleway.ErrorDetail{{ArgumentName: "body", Reason: "format"}}},
		{"name of 1 MiB", "POST", images, `{"arch":"x86_64","root_volume":"` + id + `","name":"` + strings.Repeat("n", 1<<20) + `"}`, []scaleway.ErrorDetail{{ArgumentName: "name", Reason: "constraint"}}},
		{"name with control characters", "PATCH", image, `{"name":"a\u0000b"}`, []scaleway.ErrorDetail{{ArgumentName: "name", Reason: "format"}}},
		{"empty tag", "PATCH", image, `{"tags":["ok",""]}`, []scaleway.ErrorDetail{{ArgumentName: "tags[1]", Reason: "constraint"}}},
		{"bad arch on PATCH", "PATCH", image, `{"arch":"sparc"}`, []scaleway.ErrorDetail{{ArgumentName: "arch", Reason: "constraint"}}},
		{"empty name on PATCH", "PATCH", image, `{"name":""}`, []scaleway.ErrorDetail{{ArgumentName: "name", Reason: "required"}}},
		{"PUT without name and arch", "PUT", image, `{"public":true}`, []scaleway.ErrorDetail{{ArgumentName: "name", Reason: "required"}, {ArgumentName: "arch", Reason: "required"}}},
		{"PUT bad id and body", "PUT", images + "/x", `{"name":5}`, []scaleway.ErrorDetail{{ArgumentName: "id", Reason: "format"}, {ArgumentName: "name", Reason: "format"}}},
		{"case variant of a field", "PATCH", image, `{"name":"shown","Name":"run"}`, []scaleway.ErrorDetail{{ArgumentName: "Name", Reason: "constraint"}}},
		{"case variant alone", "PATCH", image, `{"TAGS":["a"]}`, []scaleway.ErrorDetail{{ArgumentName: "TAGS", Reason: "constraint"}}},
		{"Unicode case variant", "PATCH", image, `{"tagſ":["a"]}`, []scaleway.ErrorDetail{{ArgumentName: "tagſ", Reason: "constraint"}}},
		{"nested case variant", "PUT", image, `{"name":"x","arch":"x86_64","root_volume":{"ID":"` + id + `"}}`, []scaleway.ErrorDetail{{ArgumentName: "root_volume.ID", Reason: "constraint"}}},
		{"repeated key", "PATCH", image, `{"name":"shown","name":"run"}`, []scaleway.ErrorDetail{{ArgumentName: "name", Reason: "constraint"}}},
		{"repeated extra volume", "POST", images, `{"arch":"x86_64","root_volume":"` + id + `","extra_volumes":{"1":{"id":"` + id + `"},"1":{"id":"` + id + `"}}}`,
			[]scaleway.ErrorDetail{{ArgumentName: "extra_volumes.1", Reason: "constraint"}}},
		{"repeated unknown key", "PUT", image, `{"name":"x","arch":"x86_64","from_server":"","from_server":""}`, []scaleway.ErrorDetail{{ArgumentName: "from_server", Reason: "constraint"}}},
		{"misnamed key and a bad path", "PATCH", images + "/nope", `{"Public":true}`, []scaleway.ErrorDetail{{ArgumentName: "image_id", Reason: "format"}, {ArgumentName: "Public", Reason: "constraint"}}},
		{"PUT body for another image", "PUT", image, `{"zone":"nl-ams-1","id":"99999999-9999-4999-8999-999999999999","name":"x","arch":"x86_64"}`,
			[]scaleway.ErrorDetail{{ArgumentName: "zone", Reason: "constraint"}, {ArgumentName: "id", Reason: "constraint"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, fixtureOptions{})
			a := f.do(t, tt.method, tt.path, tt.body)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status = %d; want 400 (%s)", a.status, a.body)
			}
			e := a.apiError(t)
			if e.Type != scaleway.TypeInvalidArguments || e.Message != "invalid argument(s)" {
				t.Errorf("error = %+v; want invalid_arguments", e)
			}
			if len(e.Details) != len(tt.want) {
				t.Fatalf("details = %+v; want %+v", e.Details, tt.want)
			}
			for i, d := range e.Details {
				if d.ArgumentName != tt.want[i].ArgumentName || d.Reason != tt.want[i].Reason || !strings.HasPrefix(d.HelpMessage, d.ArgumentName+" ") {
					t.Errorf("detail %d = %+v; want %s/%s and a help message naming it", i, d, tt.want[i].ArgumentName, tt.want[i].Reason)
				}
			}
			if requests := f.fake.Requests(); len(requests) != 0 {
				t.Errorf("upstream got %d requests, first %s %s; want none", len(requests), requests[0].Method, requests[0].Path)
			}
		})
	}
}

// TestBodyKeysAreExact: a body key that matches a field only when case is
// ignored is answered with a message naming it and the field it
// resembles, and nothing goes upstream; a key that matches no field at
// all is still ignored, as Scaleway's API ignores it.
func TestBodyKeysAreExact(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOptions{})
	var private scaleway.Image
	for _, img := range f.fake.Images(zone) {
		if !img.Public {
			private = img
		}
	}
	image := imagesPath(zone) + "/" + private.ID

	a := f.do(t, "PATCH", image, `{"tags":["shown"],"Tags":["run"]}`)
	if e := a.apiError(t); a.status != http.StatusBadRequest || len(e.Details) != 1 ||
		e.Details[0].HelpMessage != "Tags is not an argument; argument names are case-sensitive: did you mean tags?" {
		t.Errorf("answer %d %s", a.status, a.body)
	}
	if requests := f.fake.Requests(); len(requests) != 0 {
		t.Fatalf("upstream got %d requests; want none", len(requests))
	}

	a = f.do(t, "PATCH", image, `{"tags":["kept"],"default_bootscript":null,"from_server":"x"}`)
	var got struct{ Image scaleway.Image }
	a.decode(t, &got)
	if a.status != http.StatusOK || len(got.Image.Tags) != 1 || got.Image.Tags[0] != "kept" {
		t.Errorf("a body with unknown keys: %d %s", a.status, a.body)
	}
}
