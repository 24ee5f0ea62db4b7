package scaleway_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
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
