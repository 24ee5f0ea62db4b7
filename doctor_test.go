package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func TestDoctor(t *testing.T) {
	t.Parallel()
	const key = "0a1b2c3d-1111-4222-8333-444455556666"
	fake := scalewaytest.NewServer(scalewaytest.Options{AcceptedTokens: []string{key}})
	t.Cleanup(fake.Close)

	configDir := t.TempDir()
	configPath := filepath.Join(configDir, "config.yaml")
	config := "secret_key: 99999999-9999-4999-8999-999999999999\ndefault_zone: nl-ams-1\nprofiles:\n  prod:\n    secret_key: " + key + "\n    default_project_id: " + scalewaytest.DefaultProjectID + "\n"
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantCode int
		want     []string
		never    []string
	}{
		{
			name: "no key", args: []string{"doctor"}, env: map[string]string{"HOME": t.TempDir()},
			want: []string{"secret key    not set", "hint: set SCW_SECRET_KEY", "zone          fr-par-1", "(default)"},
		},
		{
			name: "no key, check", args: []string{"doctor", "--check"}, env: map[string]string{"HOME": t.TempDir()}, wantCode: 1,
			want: []string{"Check: FAILED", "SCALEWAY_API_KEY"},
		},
		{
			name: "profile from the file, check passes", args: []string{"--profile", "prod", "doctor", "--check"},
			env:   map[string]string{"SCW_CONFIG_PATH": configPath, "SCW_API_URL": fake.URL},
			want:  []string{"0a1b2c3d-xxxx-xxxx-xxxx-xxxxxxxxxxxx", `profile "prod"`, "nl-ams-1", "env SCW_API_URL", "Check: OK", "3 found"},
			never: []string{key},
		},
		{
			name: "rejected key", args: []string{"doctor", "--check"},
			env:      map[string]string{"SCW_CONFIG_PATH": configPath, "SCW_API_URL": fake.URL},
			wantCode: 1,
			want:     []string{"99999999-xxxx", "Check: FAILED", "denied_authentication", "check that SCW_SECRET_KEY"},
			never:    []string{"99999999-9999-4999-8999-999999999999"},
		},
		{
			name: "bad zone", args: []string{"doctor"}, env: map[string]string{"SCW_DEFAULT_ZONE": "fr-par-7", "HOME": t.TempDir()}, wantCode: 1,
			want: []string{"Configuration: FAILED", "fr-par-7", "fr-par-1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			var stdout, stderr bytes.Buffer
			code := exitCode(run(t.Context(), tt.args, lookup, strings.NewReader(""), &stdout, &stderr))
			out := stdout.String() + stderr.String()
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s", code, tt.wantCode, out)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, never := range tt.never {
				if strings.Contains(out, never) {
					t.Errorf("output shows %q:\n%s", never, out)
				}
			}
		})
	}
}
