package tools_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestArgumentNamesAreExact: encoding/json would read {"image_id":A,
// "Image_ID":B} as B, so an approval screen showing A would approve the
// deletion of B. A key that is an argument only when case is ignored, a
// repeated key, and a key that is no argument are refused, naming the
// key, and nothing reaches Scaleway.
func TestArgumentNamesAreExact(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	var private []string
	for _, img := range e.fake.Images("fr-par-1") {
		if !img.Public {
			private = append(private, img.ID)
		}
	}
	shown, run := private[0], private[1]
	snapshot := e.fake.Snapshots("fr-par-1")[0].ID
	tests := []struct {
		name, tool, args string
		want             []string
	}{
		{"case variant after the argument", tools.DeleteImageTool, `{"image_id":"` + shown + `","Image_ID":"` + run + `"}`,
			[]string{"Image_ID: is not an argument; argument names are case-sensitive: did you mean image_id?"}},
		{"case variant alone", tools.DeleteImageTool, `{"IMAGE_ID":"` + run + `"}`, []string{"IMAGE_ID", "did you mean image_id?"}},
		{"case variant of an embedded argument", tools.SetImageTool, `{"id":"` + shown + `","Name":"x"}`, []string{"Name", "did you mean name?"}},
		{"Unicode case variant", tools.UpdateImageTool, `{"image_id":"` + shown + `","tags":["a"],"tagſ":["b"]}`, []string{"tagſ", "did you mean tags?"}},
		{"repeated argument", tools.DeleteImageTool, `{"image_id":"` + shown + `","image_id":"` + run + `"}`,
			[]string{"image_id: is given more than once; give each argument once"}},
		{"repeated zone", tools.GetImageTool, `{"image_id":"` + shown + `","zone":"fr-par-1","zone":"nl-ams-1"}`, []string{"zone", "more than once"}},
		{"repeated key inside an argument", tools.ListImagesTool, `{"tags":[{"a":1,"a":2}]}`, []string{"tags[0].a", "more than once"}},
		{"unknown argument", tools.GetImageTool, `{"image_id":"` + shown + `","path":"../"}`,
			[]string{"path: is not an argument; the arguments allowed are zone, image_id"}},
		{"camel case of an argument", tools.GetImageTool, `{"image_id":"` + shown + `","imageId":"` + run + `"}`,
			[]string{"imageId: is not an argument; did you mean image_id? The arguments allowed are zone, image_id"}},
		{"image_id given to update-image", tools.SetImageTool, `{"image_id":"` + shown + `","name":"x"}`,
			[]string{`image_id: is not an argument of this tool, which names the image id "id"; did you mean id? The arguments allowed are zone, id, name`}},
		{"id given to update-image-2", tools.UpdateImageTool, `{"id":"` + shown + `","name":"x"}`,
			[]string{`id: is not an argument of this tool, which names the image id "image_id"; did you mean image_id?`}},
		{"id given to delete", tools.DeleteImageTool, `{"id":"` + shown + `"}`, []string{`which names the image id "image_id"; did you mean image_id?`}},
		{"typo of image_id", tools.DeleteImageTool, `{"imagee_id":"` + shown + `"}`, []string{"imagee_id: is not an argument; did you mean image_id?"}},
		{"typo of per_page", tools.ListImagesTool, `{"per_pag":5}`, []string{"per_pag: is not an argument; did you mean per_page?"}},
		{"swapped letters", tools.CreateImageTool, `{"root_volume":"` + snapshot + `","arhc":"x86_64"}`, []string{"arhc: is not an argument; did you mean arch?"}},
		{"unknown argument of create", tools.CreateImageTool, `{"root_volume":"` + snapshot + `","arch":"x86_64","waitTimeout":5}`,
			[]string{"waitTimeout", "zone, name, root_volume, arch, extra_volumes, project, tags, public, wait, wait_timeout"}},
		{"several at once", tools.UpdateImageTool, `{"Image_ID":"` + shown + `","Name":"a","name":"b","name":"c"}`,
			[]string{"Image_ID", "Name", "name: is given more than once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg := e.callError(t, tt.tool, tt.args)
			if !strings.HasPrefix(msg, "Invalid arguments, nothing was sent to Scaleway: ") {
				t.Errorf("error %q is not an argument error", msg)
			}
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
		})
	}
	t.Cleanup(func() {
		if requests := e.fake.Requests(); len(requests) != 0 {
			t.Errorf("%d requests reached the API, first %s %s; want none", len(requests), requests[0].Method, requests[0].Path)
		}
		var left []string
		for _, img := range e.fake.Images("fr-par-1") {
			left = append(left, img.ID)
		}
		if !slices.Contains(left, shown) || !slices.Contains(left, run) {
			t.Errorf("an image was deleted")
		}
	})
}

// TestInputSchemasAreClosed: every input schema refuses other properties,
// so a client that checks arguments against it refuses them too.
func TestInputSchemasAreClosed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	listed, err := e.session.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range listed.Tools {
		var schema struct {
			AdditionalProperties *bool `json:"additionalProperties"`
		}
		remarshal(t, tool.InputSchema, &schema)
		if schema.AdditionalProperties == nil || *schema.AdditionalProperties {
			t.Errorf("%s: input schema does not say additionalProperties false", tool.Name)
		}
	}
}
