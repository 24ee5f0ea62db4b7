package jsonkeys_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/jsonkeys"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// changes is embedded without a name, as tools.ImageChanges is.
type changes struct {
	Name *string   `json:"name,omitempty"`
	Tags *[]string `json:"tags,omitempty"`
}

type volume struct {
	ID string `json:"id"`
}

type body struct {
	Zone    string             `json:"zone,omitempty"`
	ImageID string             `json:"image_id"`
	Root    *volume            `json:"root_volume,omitempty"`
	Extra   map[string]*volume `json:"extra_volumes,omitempty"`
	When    *time.Time         `json:"when,omitempty"`
	Any     any                `json:"any,omitempty"`
	Skipped string             `json:"-"`
	changes
}

func TestCheck(t *testing.T) {
	t.Parallel()
	type problem struct{ field, reason string }
	tests := []struct {
		name    string
		json    string
		unknown jsonkeys.Unknown
		want    []problem
	}{
		{"exact names", `{"zone":"fr-par-1","image_id":"A","name":"n","tags":["a"],"root_volume":{"id":"x"},"extra_volumes":{"1":{"id":"y"}}}`, jsonkeys.RefuseUnknown, nil},
		{"case variant", `{"image_id":"A","Image_ID":"B"}`, jsonkeys.IgnoreUnknown,
			[]problem{{"Image_ID", "is not an argument; argument names are case-sensitive: did you mean image_id?"}}},
		{"case variant alone", `{"IMAGE_ID":"B"}`, jsonkeys.IgnoreUnknown, []problem{{"IMAGE_ID", "did you mean image_id?"}}},
		{"case variant of a promoted field", `{"Name":"n"}`, jsonkeys.RefuseUnknown, []problem{{"Name", "did you mean name?"}}},
		{"Unicode folding, as encoding/json does it", `{"tagſ":["a"]}`, jsonkeys.RefuseUnknown, []problem{{"tagſ", "did you mean tags?"}}},
		{"nested case variant", `{"root_volume":{"ID":"x"}}`, jsonkeys.IgnoreUnknown, []problem{{"root_volume.ID", "did you mean root_volume.id?"}}},
		{"inside a map value", `{"extra_volumes":{"1":{"Id":"x"}}}`, jsonkeys.IgnoreUnknown, []problem{{"extra_volumes.1.Id", "did you mean extra_volumes.1.id?"}}},
		{"repeated key", `{"image_id":"A","image_id":"B"}`, jsonkeys.RefuseUnknown, []problem{{"image_id", "is given more than once; give each argument once"}}},
		{"repeated nested key", `{"root_volume":{"id":"x","id":"y"}}`, jsonkeys.IgnoreUnknown, []problem{{"root_volume.id", "more than once"}}},
		{"repeated map key", `{"extra_volumes":{"1":{"id":"x"},"1":{"id":"y"}}}`, jsonkeys.IgnoreUnknown, []problem{{"extra_volumes.1", "more than once"}}},
		{"repeated key in an array element", `{"tags":[{"a":1,"a":2}]}`, jsonkeys.IgnoreUnknown, []problem{{"tags[0].a", "more than once"}}},
		{"repeated key in an opaque value", `{"any":{"k":1,"k":2}}`, jsonkeys.IgnoreUnknown, []problem{{"any.k", "more than once"}}},
		{"repeated key in a value that decodes itself", `{"when":{"t":1,"t":2}}`, jsonkeys.IgnoreUnknown, []problem{{"when.t", "more than once"}}},
		{"repeated unknown key", `{"from_server":"","from_server":""}`, jsonkeys.IgnoreUnknown, []problem{{"from_server", "more than once"}}},
		{"unknown key ignored", `{"default_bootscript":null,"from_server":"","Default_Bootscript":1}`, jsonkeys.IgnoreUnknown, nil},
		{"unknown key refused", `{"image_id":"A","path":"../"}`, jsonkeys.RefuseUnknown,
			[]problem{{"path", "is not an argument; the arguments allowed are zone, image_id, root_volume, extra_volumes, when, any, name, tags"}}},
		{"a field json ignores is unknown", `{"Skipped":"x"}`, jsonkeys.RefuseUnknown, []problem{{"Skipped", "is not an argument"}}},
		{"unknown keys of an opaque value pass", `{"any":{"Whatever":1}}`, jsonkeys.RefuseUnknown, nil},
		{"every problem, in order", `{"Zone":"x","zone":"y","zone":"z","nope":1}`, jsonkeys.RefuseUnknown,
			[]problem{{"Zone", "did you mean zone?"}, {"zone", "more than once"}, {"nope", "is not an argument"}}},
		{"a hostile key is shortened and escaped", `{"` + strings.Repeat("é", 40) + `\u202e":1}`, jsonkeys.RefuseUnknown,
			[]problem{{strings.Repeat("é", 32) + "…", "is not an argument"}}},
		{"the empty key is named", `{"":1,"":2}`, jsonkeys.RefuseUnknown, []problem{{`""`, "is not an argument"}, {`""`, "more than once"}, {`""`, "is not an argument"}}},
		{"an invisible key is escaped", `{"image_id\u200b":1}`, jsonkeys.RefuseUnknown, []problem{{`image_id\u200b`, "is not an argument"}}},
		{"problems are bounded", `{"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1,"a":1}`, jsonkeys.IgnoreUnknown,
			[]problem{{"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}, {"a", ""}}},
		{"depth is bounded", strings.Repeat(`{"any":`, 40) + "1" + strings.Repeat("}", 40), jsonkeys.IgnoreUnknown,
			[]problem{{strings.TrimSuffix(strings.Repeat("any.", 32), "."), "nests more than 32 levels deep"}}},
		{"wrong types are the decoder's", `{"image_id":{"x":1},"root_volume":"x","tags":{"a":1}}`, jsonkeys.RefuseUnknown, nil},
		{"not an object", `[{"a":1},{"a":1,"a":2}]`, jsonkeys.RefuseUnknown, []problem{{"[1].a", "more than once"}}},
		{"malformed after a problem", `{"a":1,"a":2,`, jsonkeys.IgnoreUnknown, []problem{{"a", "more than once"}}},
		{"malformed", `{"image_id":`, jsonkeys.RefuseUnknown, nil},
		{"a number too large for a float", `{"zone":1e400}`, jsonkeys.RefuseUnknown, nil},
		{"null", `null`, jsonkeys.RefuseUnknown, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := jsonkeys.Check([]byte(tt.json), reflect.TypeFor[*body](), tt.unknown)
			got := scaleway.ValidationErrors(err)
			if len(got) != len(tt.want) {
				t.Fatalf("problems %v; want %d: %+v", err, len(tt.want), tt.want)
			}
			for i, p := range got {
				if p.Field != tt.want[i].field || !strings.Contains(p.Reason, tt.want[i].reason) || p.Kind != scaleway.KindConstraint {
					t.Errorf("problem %d = %q %q (%s); want %q containing %q", i, p.Field, p.Reason, p.Kind, tt.want[i].field, tt.want[i].reason)
				}
			}
		})
	}
}

// TestCaseVariantsAreWhatEncodingJSONFills holds Check to the decoder it
// guards: every key it calls a case variant of a field is one that
// encoding/json decodes into that field, and a key it lets pass as
// unknown fills nothing.
func TestCaseVariantsAreWhatEncodingJSONFills(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key       string
		variantOf string // "" for a key that names no field
	}{
		{"Image_ID", "image_id"}, {"IMAGE_ID", "image_id"}, {"ZONE", "zone"}, {"tagſ", "tags"}, {"NAME", "name"},
		{"imageid", ""}, {"image-id", ""}, {"imageId", ""}, {"image_id ", ""}, {"Skipped", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			doc := `{"` + tt.key + `":"v"}`
			if tt.key == "tagſ" {
				doc = `{"` + tt.key + `":["v"]}`
			}
			var decoded body
			if err := json.Unmarshal([]byte(doc), &decoded); err != nil {
				t.Fatal(err)
			}
			filled := decoded.Zone != "" || decoded.ImageID != "" || decoded.Name != nil || decoded.Tags != nil || decoded.Skipped != ""
			problems := scaleway.ValidationErrors(jsonkeys.Check([]byte(doc), reflect.TypeFor[body](), jsonkeys.IgnoreUnknown))
			switch {
			case tt.variantOf == "" && (filled || len(problems) != 0):
				t.Errorf("encoding/json filled a field: %v; Check: %v", filled, problems)
			case tt.variantOf != "" && (!filled || len(problems) != 1 || !strings.HasSuffix(problems[0].Reason, "did you mean "+tt.variantOf+"?")):
				t.Errorf("encoding/json filled a field: %v; Check: %v; want a case variant of %s", filled, problems, tt.variantOf)
			}
		})
	}
}

// TestDidYouMean: a key that names no argument suggests the one it was
// probably meant to be: another tool's name for the same argument, or a
// name within two typos; and nothing when no name is that close.
func TestDidYouMean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json string
		into       reflect.Type
		want       string // the suggestion's path; "" for none
		wantReason string // more of the reason, if any
	}{
		{"one letter too many", `{"imagee_id":"x"}`, reflect.TypeFor[body](), "image_id", "The arguments allowed are zone, image_id,"},
		{"one letter missing", `{"zon":"x"}`, reflect.TypeFor[body](), "zone", ""},
		{"two letters swapped", `{"tgas":["a"]}`, reflect.TypeFor[body](), "tags", ""},
		{"another case and a typo", `{"IMAGEE_ID":"x"}`, reflect.TypeFor[body](), "image_id", ""},
		{"camel case", `{"imageId":"x"}`, reflect.TypeFor[body](), "image_id", ""},
		{"a letter changed", `{"nàme":"x"}`, reflect.TypeFor[body](), "name", ""},
		{"nested", `{"root_volume":{"idd":"x"}}`, reflect.TypeFor[body](), "root_volume.id", ""},
		{"id where the type says image_id", `{"id":"x"}`, reflect.TypeFor[body](), "image_id", `is not an argument of this tool, which names the image id "image_id"`},
		{"image_id where the type says id", `{"image_id":"x"}`, reflect.TypeFor[volume](), "id", `which names the image id "id"`},
		{"no alias inside an argument", `{"root_volume":{"image_id":"x"}}`, reflect.TypeFor[body](), "", ""},
		{"two typos in a short key", `{"nope":1}`, reflect.TypeFor[body](), "", ""},
		{"a short key", `{"ab":1}`, reflect.TypeFor[body](), "", ""},
		{"nothing close", `{"path":"../"}`, reflect.TypeFor[body](), "", "is not an argument; the arguments allowed are zone, image_id"},
		{"a huge key", `{"` + strings.Repeat("image_id", 1<<17) + `":1}`, reflect.TypeFor[body](), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			problems := scaleway.ValidationErrors(jsonkeys.Check([]byte(tt.json), tt.into, jsonkeys.RefuseUnknown))
			if len(problems) != 1 {
				t.Fatalf("problems %v; want one", problems)
			}
			reason := problems[0].Reason
			switch {
			case tt.want == "" && strings.Contains(reason, "did you mean"):
				t.Errorf("reason %q suggests a name; want none", reason)
			case tt.want != "" && !strings.Contains(reason, "did you mean "+tt.want+"?"):
				t.Errorf("reason %q does not suggest %s", reason, tt.want)
			case !strings.Contains(reason, tt.wantReason):
				t.Errorf("reason %q lacks %q", reason, tt.wantReason)
			}
		})
	}
}
