package shorten_test

import (
	"testing"
	"unicode/utf8"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
)

func TestTo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"short enough", "abc", 3, "abc"},
		{"empty", "", 0, ""},
		{"cut", "abcdef", 4, "abcd…"},
		{"cut before a character, not inside it", "aé", 2, "a…"},
		{"cut inside a four-byte character", "ab😀", 4, "ab…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := shorten.To(tt.in, tt.max)
			if got != tt.want || !utf8.ValidString(got) {
				t.Errorf("To(%q, %d) = %q; want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}
