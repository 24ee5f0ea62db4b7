package scaleway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// TestNamesAndTagsRefuseInvisibleCharacters: a name or tag holding a bidi
// control or a zero-width (format) character is refused, naming the field
// and the code point, on every body that carries names and tags and on
// the list filter; visible non-ASCII text is not.
func TestNamesAndTagsRefuseInvisibleCharacters(t *testing.T) {
	t.Parallel()
	const snap = "11111111-2222-4333-8444-555555555555"
	tests := []struct {
		name  string
		r     rune
		field string
		check func(text string) error // validates a body holding text where field is
	}{
		{"right-to-left override in a created name", '\u202E', "name", func(s string) error {
			return (&scaleway.CreateImageRequest{Name: s, RootVolume: snap, Arch: scaleway.ArchX86_64}).Validate()
		}},
		{"left-to-right embedding in a PATCH name", '\u202A', "name", func(s string) error { return (&scaleway.UpdateImageRequest{Name: &s}).Validate() }},
		{"pop directional formatting in a PUT name", '\u202C', "name", func(s string) error {
			return (&scaleway.SetImageRequest{Name: s, Arch: scaleway.ArchArm64}).Validate()
		}},
		{"right-to-left isolate in a tag", '\u2067', "tags[0]", func(s string) error { return (&scaleway.UpdateImageRequest{Tags: &[]string{s}}).Validate() }},
		{"pop directional isolate in a second tag", '\u2069', "tags[1]", func(s string) error {
			return (&scaleway.CreateImageRequest{RootVolume: snap, Arch: scaleway.ArchX86_64, Tags: []string{"ok", s}}).Validate()
		}},
		{"left-to-right mark in a PUT tag", '\u200E', "tags[0]", func(s string) error {
			return (&scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64, Tags: &[]string{s}}).Validate()
		}},
		{"right-to-left mark", '\u200F', "name", func(s string) error { return (&scaleway.UpdateImageRequest{Name: &s}).Validate() }},
		{"zero-width space", '\u200B', "name", func(s string) error { return (&scaleway.UpdateImageRequest{Name: &s}).Validate() }},
		{"zero-width non-joiner", '\u200C', "tags[0]", func(s string) error { return (&scaleway.UpdateImageRequest{Tags: &[]string{s}}).Validate() }},
		{"zero-width joiner", '\u200D', "name", func(s string) error { return (&scaleway.UpdateImageRequest{Name: &s}).Validate() }},
		{"word joiner", '\u2060', "name", func(s string) error { return (&scaleway.UpdateImageRequest{Name: &s}).Validate() }},
		{"byte order mark", '\uFEFF', "name", func(s string) error { return (&scaleway.UpdateImageRequest{Name: &s}).Validate() }},
		{"soft hyphen", '\u00AD', "tags[0]", func(s string) error { return (&scaleway.UpdateImageRequest{Tags: &[]string{s}}).Validate() }},
		{"tag character (hidden ASCII)", '\U000E0041', "tags[0]", func(s string) error { return (&scaleway.UpdateImageRequest{Tags: &[]string{s}}).Validate() }},
		{"list name filter", '\u202E', "name", func(s string) error { return (&scaleway.ListImagesRequest{Name: &s}).Validate() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.check("web" + string(tt.r) + "server")
			details := scaleway.ValidationErrors(err)
			if len(details) != 1 {
				t.Fatalf("err = %v; want one validation error", err)
			}
			d := details[0]
			code := fmt.Sprintf("U+%04X", tt.r)
			if d.Field != tt.field || d.Kind != scaleway.KindFormat || !strings.Contains(d.Reason, "invisible character "+code) || !strings.Contains(d.Reason, "must not hide text") {
				t.Errorf("%+v; want %s, kind format, naming %s", d, tt.field, code)
			}
			if strings.ContainsRune(d.Error(), tt.r) {
				t.Errorf("the message %q carries the invisible character itself", d.Error())
			}
		})
	}
}

// TestNamesAndTagsKeepVisibleText: what people really write in names and
// tags, accents, other scripts, emoji, spaces, still passes.
func TestNamesAndTagsKeepVisibleText(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"ubuntu-24.04 (noble)", "café crème", "日本語のイメージ", "образ", "صورة", "🚀 release", "a b"} {
		t.Run(text, func(t *testing.T) {
			t.Parallel()
			if err := (&scaleway.UpdateImageRequest{Name: &text, Tags: &[]string{text}}).Validate(); err != nil {
				t.Errorf("%q refused: %v", text, err)
			}
		})
	}
}

func TestInvalidInputNeverReachesTheAPI(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, http.StatusOK, imageBody)
	}))
	ptr := func(s string) *string { return &s }
	perPage := func(n uint32) *uint32 { return &n }
	page := func(n int32) *int32 { return &n }
	tests := []struct {
		name  string
		call  func(ctx context.Context) error
		field string
	}{
		{"zone traversal", func(ctx context.Context) error { _, _, err := c.GetImage(ctx, "../../x", testImage); return err }, "zone"},
		{"unknown zone", func(ctx context.Context) error { _, _, err := c.ListImages(ctx, "fr-par-9", nil); return err }, "zone"},
		{"empty zone", func(ctx context.Context) error { _, err := c.DeleteImage(ctx, "", testImage); return err }, "zone"},
		{"id traversal", func(ctx context.Context) error { _, _, err := c.GetImage(ctx, "fr-par-1", "../servers"); return err }, "image_id"},
		{"encoded id", func(ctx context.Context) error { _, err := c.DeleteImage(ctx, "fr-par-1", "%2e%2e%2fx"); return err }, "image_id"},
		{"put id", func(ctx context.Context) error {
			_, _, err := c.SetImage(ctx, "fr-par-1", "nope", &scaleway.SetImageRequest{Name: "a", Arch: scaleway.ArchX86_64})
			return err
		}, "id"},
		{"per_page over 100", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{PerPage: perPage(101)})
			return err
		}, "per_page"},
		{"page zero", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{Page: page(0)})
			return err
		}, "page"},
		{"project not uuid", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{Project: ptr("p")})
			return err
		}, "project"},
		{"arch filter", func(ctx context.Context) error {
			_, _, err := c.ListImages(ctx, "fr-par-1", &scaleway.ListImagesRequest{Arch: ptr("sparc")})
			return err
		}, "arch"},
		{"create without root volume", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{Arch: scaleway.ArchX86_64})
			return err
		}, "root_volume"},
		{"create bad arch", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: "mips"})
			return err
		}, "arch"},
		{"create bad volume key", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: scaleway.ArchArm64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"0": {ID: testSnap}}})
			return err
		}, "extra_volumes"},
		{"create null volume", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{RootVolume: testSnap, Arch: scaleway.ArchArm64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": nil}})
			return err
		}, "extra_volumes.1"},
		{"control characters in name", func(ctx context.Context) error {
			_, _, err := c.CreateImage(ctx, "fr-par-1", &scaleway.CreateImageRequest{Name: "a\x00b", RootVolume: testSnap, Arch: scaleway.ArchArm64})
			return err
		}, "name"},
		{"huge name", func(ctx context.Context) error {
			name := strings.Repeat("n", 1<<20)
			_, _, err := c.UpdateImage(ctx, "fr-par-1", testImage, &scaleway.UpdateImageRequest{Name: &name})
			return err
		}, "name"},
		{"empty tag", func(ctx context.Context) error {
			tags := []string{"ok", ""}
			_, _, err := c.UpdateImage(ctx, "fr-par-1", testImage, &scaleway.UpdateImageRequest{Tags: &tags})
			return err
		}, "tags[1]"},
		{"put without name", func(ctx context.Context) error {
			_, _, err := c.SetImage(ctx, "fr-par-1", testImage, &scaleway.SetImageRequest{Arch: scaleway.ArchX86_64})
			return err
		}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context())
			details := scaleway.ValidationErrors(err)
			if len(details) == 0 {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if details[0].Field != tt.field {
				t.Errorf("field = %q, want %q (err %v)", details[0].Field, tt.field, err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("message is %d bytes long; hostile input must not be echoed in full", len(err.Error()))
			}
		})
	}
	t.Cleanup(func() {
		if hits.Load() != 0 {
			t.Errorf("%d invalid requests reached the API", hits.Load())
		}
	})
}

// allRoutes are the fake's routes, plus "" for unknown paths and methods.
var allRoutes = []scalewaytest.Route{
	scalewaytest.RouteListImages, scalewaytest.RouteCreateImage, scalewaytest.RouteSetImage,
	scalewaytest.RouteGetImage, scalewaytest.RouteUpdateImage, scalewaytest.RouteDeleteImage,
	scalewaytest.RouteListSnapshots, scalewaytest.RouteGetSnapshot, "",
}

func TestFakeInvalidInputIsNeverSent(t *testing.T) {
	t.Parallel()
	okID := "22222222-2222-4222-8222-000000000001"
	okSnap := "22222222-2222-4222-8222-000000000002"
	create := func(r scaleway.CreateImageRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.CreateImage(ctx, zone, &r)
			return err
		}
	}
	list := func(z scaleway.Zone, r *scaleway.ListImagesRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.ListImages(ctx, z, r)
			return err
		}
	}
	get := func(z scaleway.Zone, id string) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetImage(ctx, z, id)
			return err
		}
	}
	update := func(id string, r scaleway.UpdateImageRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.UpdateImage(ctx, zone, id, &r)
			return err
		}
	}
	set := func(id string, r scaleway.SetImageRequest) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.SetImage(ctx, zone, id, &r)
			return err
		}
	}
	del := func(z scaleway.Zone, id string) func(context.Context, *scaleway.Client) error {
		return func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteImage(ctx, z, id)
			return err
		}
	}
	tooManyTags := make([]string, scaleway.MaxTags+1)
	for i := range tooManyTags {
		tooManyTags[i] = "t" + strconv.Itoa(i)
	}
	validSet := scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64}

	tests := []struct {
		name  string
		call  func(context.Context, *scaleway.Client) error
		field string // a field of the ValidationErrors
	}{
		{"list zone ../", list("../", nil), "zone"},
		{"list zone with a path", list("fr-par-1/../../iam/v1alpha1", nil), "zone"},
		{"list zone empty", list("", nil), "zone"},
		{"list zone in capitals", list("FR-PAR-1", nil), "zone"},
		{"list per_page 101", list(zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](101)}), "per_page"},
		{"list per_page 0", list(zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](0)}), "per_page"},
		{"list page 0", list(zone, &scaleway.ListImagesRequest{Page: ptr[int32](0)}), "page"},
		{"list page -1", list(zone, &scaleway.ListImagesRequest{Page: ptr[int32](-1)}), "page"},
		{"list project not a UUID", list(zone, &scaleway.ListImagesRequest{Project: ptr("default")}), "project"},
		{"list organization ../", list(zone, &scaleway.ListImagesRequest{Organization: ptr("../")}), "organization"},
		{"list arch", list(zone, &scaleway.ListImagesRequest{Arch: ptr("sparc")}), "arch"},
		{"list name with a control character", list(zone, &scaleway.ListImagesRequest{Name: ptr("a\nb")}), "name"},
		{"list name too long", list(zone, &scaleway.ListImagesRequest{Name: ptr(strings.Repeat("n", 256))}), "name"},
		{"list all per_page 101", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, zone, &scaleway.ListImagesRequest{PerPage: ptr[uint32](101)}, 0)
			return err
		}, "per_page"},
		{"list all zone ../", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, "../", nil, 10)
			return err
		}, "zone"},
		{"list zones with a bad zone", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListImagesInZones(ctx, []scaleway.Zone{"../", "fr-par-1/.."}, nil, true, 0)
			return err
		}, "zone"},
		{"get id %2e%2e", get(zone, "%2e%2e"), "image_id"},
		{"get id ..", get(zone, ".."), "image_id"},
		{"get id with a slash", get(zone, okID+"/../x"), "image_id"},
		{"get id empty", get(zone, ""), "image_id"},
		{"get zone ../", get("../", okID), "zone"},
		{"create root_volume %2e%2e", create(scaleway.CreateImageRequest{RootVolume: "%2e%2e", Arch: scaleway.ArchX86_64}), "root_volume"},
		{"create without root_volume", create(scaleway.CreateImageRequest{Arch: scaleway.ArchX86_64}), "root_volume"},
		{"create without arch", create(scaleway.CreateImageRequest{RootVolume: okSnap}), "arch"},
		{"create arch unknown_arch", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchUnknown}), "arch"},
		{"create extra volume key 0", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"0": {ID: okSnap}}}), "extra_volumes"},
		{"create extra volume key 01", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"01": {ID: okSnap}}}), "extra_volumes"},
		{"create extra volume bad id", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": {ID: "../x"}}}), "extra_volumes.1.id"},
		{"create extra volume null", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, ExtraVolumes: map[string]*scaleway.VolumeTemplate{"1": nil}}), "extra_volumes.1"},
		{"create project and organization", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Project: ptr(okID), Organization: ptr(okID)}), "project"},
		{"create project not a UUID", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Project: ptr("my-project")}), "project"},
		{"create too many tags", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Tags: tooManyTags}), "tags"},
		{"create empty tag", create(scaleway.CreateImageRequest{RootVolume: okSnap, Arch: scaleway.ArchX86_64, Tags: []string{"ok", ""}}), "tags[1]"},
		{"create name too long", create(scaleway.CreateImageRequest{Name: strings.Repeat("x", scaleway.MaxNameLength+1), RootVolume: okSnap, Arch: scaleway.ArchX86_64}), "name"},
		{"create name not UTF-8", create(scaleway.CreateImageRequest{Name: "\xff", RootVolume: okSnap, Arch: scaleway.ArchX86_64}), "name"},
		{"set id %2e%2e", set("%2e%2e", validSet), "id"},
		{"set without name", set(okID, scaleway.SetImageRequest{Arch: scaleway.ArchX86_64}), "name"},
		{"set without arch", set(okID, scaleway.SetImageRequest{Name: "n"}), "arch"},
		{"set tag with a control character", set(okID, scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64, Tags: &[]string{"a\x1b[31m"}}), "tags[0]"},
		{"set root volume bad id", set(okID, scaleway.SetImageRequest{Name: "n", Arch: scaleway.ArchX86_64, RootVolume: &scaleway.SetImageVolume{ID: "x"}}), "root_volume.id"},
		{"set id of another image", set(okID, scaleway.SetImageRequest{ID: "99999999-9999-4999-8999-999999999999", Name: "n", Arch: scaleway.ArchX86_64}), "id"},
		{"set zone of another image", set(okID, scaleway.SetImageRequest{Zone: "nl-ams-1", Name: "n", Arch: scaleway.ArchX86_64}), "zone"},
		{"update id %2e%2e", update("%2e%2e", scaleway.UpdateImageRequest{}), "image_id"},
		{"update empty name", update(okID, scaleway.UpdateImageRequest{Name: ptr("")}), "name"},
		{"update arch", update(okID, scaleway.UpdateImageRequest{Arch: "sparc"}), "arch"},
		{"update extra volume key", update(okID, scaleway.UpdateImageRequest{ExtraVolumes: map[string]*scaleway.VolumeImageUpdateTemplate{"abc": {ID: okSnap}}}), "extra_volumes"},
		{"update too many extra volumes", update(okID, scaleway.UpdateImageRequest{ExtraVolumes: func() map[string]*scaleway.VolumeImageUpdateTemplate {
			m := map[string]*scaleway.VolumeImageUpdateTemplate{}
			for i := 1; i <= scaleway.MaxExtraVolumes+1; i++ {
				m[strconv.Itoa(i)] = &scaleway.VolumeImageUpdateTemplate{ID: okSnap}
			}
			return m
		}()}), "extra_volumes"},
		{"delete id %2e%2e", del(zone, "%2e%2e"), "image_id"},
		{"delete id %2F", del(zone, "%2F"), "image_id"},
		{"delete zone ../", del("../", okID), "zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			c := newClient(t, srv)

			err := tt.call(t.Context(), c)
			if err == nil {
				t.Fatal("call succeeded, want a validation error")
			}
			var fields []string
			for _, v := range scaleway.ValidationErrors(err) {
				fields = append(fields, v.Field)
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("validation errors on %q, want one on %q (%v)", fields, tt.field, err)
			}
			var apiErr *scaleway.Error
			if errors.As(err, &apiErr) {
				t.Errorf("got an API error %v: the request was sent", apiErr)
			}
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Errorf("fake received %d requests, first %s %s?%s", len(reqs), reqs[0].Method, reqs[0].Path, reqs[0].RawQuery)
			}
			for _, route := range allRoutes {
				if got := srv.RequestCount(route); got != 0 {
					t.Errorf("RequestCount(%q) = %d, want 0", route, got)
				}
			}
		})
	}

	t.Run("no secret key", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, scalewaytest.Options{})
		c := newClient(t, srv, scaleway.WithSecretKey(""))
		_, _, err := c.GetImage(t.Context(), zone, okID)
		if !errors.Is(err, scaleway.ErrNoSecretKey) {
			t.Errorf("err = %v, want ErrNoSecretKey", err)
		}
		if reqs := srv.Requests(); len(reqs) != 0 {
			t.Errorf("fake received %d requests without a key", len(reqs))
		}
	})
}

// TestEveryCallReportsEveryProblem: a call checks its zone, ids and body
// together and names every problem in one error, in that order, before
// anything is sent.
func TestEveryCallReportsEveryProblem(t *testing.T) {
	t.Parallel()
	const bad = scaleway.Zone("mars-1")
	type call func(context.Context, *scaleway.Client) error
	tests := []struct {
		name   string
		call   call
		fields []string
	}{
		{"ListImages", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.ListImages(ctx, bad, &scaleway.ListImagesRequest{Arch: ptr("sparc"), PerPage: ptr[uint32](0)})
			return err
		}, []string{"zone", "arch", "per_page"}},
		{"ListAllImages", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListAllImages(ctx, bad, &scaleway.ListImagesRequest{Project: ptr("me")}, 0)
			return err
		}, []string{"zone", "project"}},
		{"ListImagesInZones", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListImagesInZones(ctx, []scaleway.Zone{bad, zone, "par1"}, &scaleway.ListImagesRequest{PerPage: ptr[uint32](101)}, false, 0)
			return err
		}, []string{"zone", "zone", "per_page"}},
		{"ListSnapshotsInZones", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.ListSnapshotsInZones(ctx, []scaleway.Zone{bad}, scaleway.SnapshotFilter{Project: ptr("me")}, 0)
			return err
		}, []string{"zone", "project"}},
		{"GetImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetImage(ctx, bad, "nope")
			return err
		}, []string{"zone", "image_id"}},
		{"GetBlockSnapshot", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.GetBlockSnapshot(ctx, bad, "nope")
			return err
		}, []string{"zone", "snapshot_id"}},
		{"CreateImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.CreateImage(ctx, bad, &scaleway.CreateImageRequest{})
			return err
		}, []string{"zone", "root_volume", "arch"}},
		{"SetImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.SetImage(ctx, bad, "nope", &scaleway.SetImageRequest{Tags: &[]string{""}})
			return err
		}, []string{"zone", "id", "name", "arch", "tags[0]"}},
		{"UpdateImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, err := c.UpdateImage(ctx, bad, "nope", &scaleway.UpdateImageRequest{Name: ptr("")})
			return err
		}, []string{"zone", "image_id", "name"}},
		{"ReplaceImage", func(ctx context.Context, c *scaleway.Client) error {
			_, _, _, err := c.ReplaceImage(ctx, bad, "nope", &scaleway.UpdateImageRequest{Arch: "sparc"})
			return err
		}, []string{"zone", "id", "arch"}},
		{"DeleteImage", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteImage(ctx, bad, "nope")
			return err
		}, []string{"zone", "image_id"}},
		{"DeleteSnapshot", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteSnapshot(ctx, bad, "nope")
			return err
		}, []string{"zone", "snapshot_id"}},
		{"DeleteBlockSnapshot", func(ctx context.Context, c *scaleway.Client) error {
			_, err := c.DeleteBlockSnapshot(ctx, bad, "nope")
			return err
		}, []string{"zone", "snapshot_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, scalewaytest.Options{})
			err := tt.call(t.Context(), newClient(t, srv))
			var fields []string
			for _, v := range scaleway.ValidationErrors(err) {
				fields = append(fields, v.Field)
			}
			if !slices.Equal(fields, tt.fields) {
				t.Errorf("fields = %v; want %v (%v)", fields, tt.fields, err)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent; want none", n)
			}
		})
	}
}
