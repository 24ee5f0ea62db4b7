package scaleway_test

import (
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

func TestRedactSecret(t *testing.T) {
	t.Parallel()
	// keyEnv is any well-formed key.
	const keyEnv = "11111111-1111-4111-8111-111111111111"
	tests := []struct{ in, want string }{
		{"", ""},
		{keyEnv, "11111111-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
		{"ABCDEF01-2345-6789-abcd-ef0123456789", "ABCDEF01-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
		{"short", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
		{"12345678", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
		// Not a UUID: its first 8 characters could be most of a password.
		{"hunter2hunter2", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
		{keyEnv + "0", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"},
	}
	for _, tt := range tests {
		if got := scaleway.RedactSecret(tt.in); got != tt.want {
			t.Errorf("RedactSecret(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
