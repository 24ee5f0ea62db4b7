package scwconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Test identifiers; each is a distinct valid UUID so that an assertion
// shows which layer a value came from.
const (
	keyEnv      = "11111111-1111-4111-8111-111111111111"
	keyAPI      = "22222222-2222-4222-8222-222222222222"
	keyToken    = "33333333-3333-4333-8333-333333333333"
	keyFile     = "44444444-4444-4444-8444-444444444444"
	keyProd     = "55555555-5555-4555-8555-555555555555"
	projectTop  = "66666666-6666-4666-8666-666666666666"
	projectDev  = "77777777-7777-4777-8777-777777777777"
	orgID       = "88888888-8888-4888-8888-888888888888"
	orgAlias    = "99999999-9999-4999-8999-999999999999"
	accessKeyOK = "SCWABCDEFGHIJKLMNOPQ"
)

var allZones = "fr-par-1, fr-par-2, fr-par-3, nl-ams-1, nl-ams-2, nl-ams-3, pl-waw-1, pl-waw-2, pl-waw-3, it-mil-1"

// env is an injected environment.
type env map[string]string

func (e env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// writeConfig writes content at path with mode 0600, creating directories.
func writeConfig(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// homeConfig writes content as home/.config/scw/config.yaml.
func homeConfig(t *testing.T, home, content string) string {
	t.Helper()
	return writeConfig(t, filepath.Join(home, ".config", "scw", "config.yaml"), content)
}

func mustLoad(t *testing.T, opts LoadOptions) *Config {
	t.Helper()
	cfg, err := LoadConfig(opts)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	return cfg
}

// fieldValue reads the Config field that a Field* constant names.
func fieldValue(cfg *Config, field string) string {
	switch field {
	case FieldSecretKey:
		return cfg.SecretKey
	case FieldAccessKey:
		return cfg.AccessKey
	case FieldProjectID:
		return cfg.ProjectID
	case FieldOrganizationID:
		return cfg.OrganizationID
	case FieldZone:
		return string(cfg.Zone)
	case FieldAPIURL:
		return cfg.APIURL
	case FieldProfile:
		return cfg.Profile
	}
	panic("unknown field " + field)
}

func TestLoadConfigDefaults(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	cfg := mustLoad(t, LoadOptions{Getenv: env{}.lookup, HomeDir: home})

	want := Config{
		Zone:       "fr-par-1",
		APIURL:     "https://api.scaleway.com",
		Profile:    "default",
		ConfigPath: filepath.Join(home, ".config", "scw", "config.yaml"),
		Sources:    map[string]string{FieldZone: "default", FieldAPIURL: "default", FieldProfile: "default"},
	}
	if fmt.Sprint(*cfg) != fmt.Sprint(want) {
		t.Errorf("config\n got %+v\nwant %+v", *cfg, want)
	}
	if cfg.SecretKey != "" || cfg.ConfigFileFound || cfg.Warnings != nil {
		t.Errorf("secret %q, found %v, warnings %q; want none", cfg.SecretKey, cfg.ConfigFileFound, cfg.Warnings)
	}
}

func TestLoadConfigEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      env
		field    string
		want     string
		source   string
		warnings []string
	}{
		{"SCW_SECRET_KEY", env{"SCW_SECRET_KEY": keyEnv}, FieldSecretKey, keyEnv, "env SCW_SECRET_KEY", nil},
		{"SCALEWAY_API_KEY", env{"SCALEWAY_API_KEY": keyAPI}, FieldSecretKey, keyAPI, "env SCALEWAY_API_KEY", nil},
		{"SCW_TOKEN is deprecated", env{"SCW_TOKEN": keyToken}, FieldSecretKey, keyToken, "env SCW_TOKEN",
			[]string{"SCW_TOKEN is deprecated; use SCW_SECRET_KEY"}},
		{"SCALEWAY_TOKEN is deprecated", env{"SCALEWAY_TOKEN": keyToken}, FieldSecretKey, keyToken, "env SCALEWAY_TOKEN",
			[]string{"SCALEWAY_TOKEN is deprecated; use SCW_SECRET_KEY"}},
		{"SCW_SECRET_KEY beats SCALEWAY_API_KEY", env{"SCW_SECRET_KEY": keyEnv, "SCALEWAY_API_KEY": keyAPI}, FieldSecretKey, keyEnv, "env SCW_SECRET_KEY",
			[]string{"SCALEWAY_API_KEY is ignored because SCW_SECRET_KEY is set"}},
		{"equal keys are not a conflict", env{"SCW_SECRET_KEY": keyEnv, "SCALEWAY_API_KEY": keyEnv}, FieldSecretKey, keyEnv, "env SCW_SECRET_KEY", nil},
		{"SCALEWAY_API_KEY beats the deprecated aliases", env{"SCALEWAY_API_KEY": keyAPI, "SCW_TOKEN": keyToken, "SCALEWAY_TOKEN": keyToken}, FieldSecretKey, keyAPI, "env SCALEWAY_API_KEY",
			[]string{"SCW_TOKEN is ignored because SCALEWAY_API_KEY is set", "SCALEWAY_TOKEN is ignored because SCALEWAY_API_KEY is set"}},
		{"SCW_TOKEN beats SCALEWAY_TOKEN", env{"SCW_TOKEN": keyToken, "SCALEWAY_TOKEN": keyAPI}, FieldSecretKey, keyToken, "env SCW_TOKEN",
			[]string{"SCW_TOKEN is deprecated; use SCW_SECRET_KEY", "SCALEWAY_TOKEN is ignored because SCW_TOKEN is set"}},
		{"empty SCW_SECRET_KEY counts as unset", env{"SCW_SECRET_KEY": "", "SCALEWAY_API_KEY": keyAPI}, FieldSecretKey, keyAPI, "env SCALEWAY_API_KEY", nil},
		{"values are trimmed", env{"SCW_SECRET_KEY": " " + keyEnv + "\n"}, FieldSecretKey, keyEnv, "env SCW_SECRET_KEY", nil},
		{"SCW_ACCESS_KEY", env{"SCW_ACCESS_KEY": accessKeyOK}, FieldAccessKey, accessKeyOK, "env SCW_ACCESS_KEY", nil},
		{"SCALEWAY_ACCESS_KEY is deprecated", env{"SCALEWAY_ACCESS_KEY": accessKeyOK}, FieldAccessKey, accessKeyOK, "env SCALEWAY_ACCESS_KEY",
			[]string{"SCALEWAY_ACCESS_KEY is deprecated; use SCW_ACCESS_KEY"}},
		{"SCW_ACCESS_KEY beats SCALEWAY_ACCESS_KEY", env{"SCW_ACCESS_KEY": accessKeyOK, "SCALEWAY_ACCESS_KEY": "SCWZZZZZZZZZZZZZZZZZ"}, FieldAccessKey, accessKeyOK, "env SCW_ACCESS_KEY",
			[]string{"SCALEWAY_ACCESS_KEY is ignored because SCW_ACCESS_KEY is set"}},
		{"SCW_DEFAULT_PROJECT_ID", env{"SCW_DEFAULT_PROJECT_ID": projectTop}, FieldProjectID, projectTop, "env SCW_DEFAULT_PROJECT_ID", nil},
		{"SCW_DEFAULT_ORGANIZATION_ID", env{"SCW_DEFAULT_ORGANIZATION_ID": orgID, "SCW_ORGANIZATION": orgID}, FieldOrganizationID, orgID, "env SCW_DEFAULT_ORGANIZATION_ID", nil},
		{"SCW_ORGANIZATION", env{"SCW_ORGANIZATION": orgAlias, "SCALEWAY_ORGANIZATION": orgID}, FieldOrganizationID, orgAlias, "env SCW_ORGANIZATION",
			[]string{"SCW_ORGANIZATION is deprecated; use SCW_DEFAULT_ORGANIZATION_ID", "SCALEWAY_ORGANIZATION is ignored because SCW_ORGANIZATION is set"}},
		{"SCALEWAY_ORGANIZATION", env{"SCALEWAY_ORGANIZATION": orgAlias}, FieldOrganizationID, orgAlias, "env SCALEWAY_ORGANIZATION",
			[]string{"SCALEWAY_ORGANIZATION is deprecated; use SCW_DEFAULT_ORGANIZATION_ID"}},
		{"SCW_DEFAULT_ZONE", env{"SCW_DEFAULT_ZONE": "nl-ams-3"}, FieldZone, "nl-ams-3", "env SCW_DEFAULT_ZONE", nil},
		{"SCW_API_URL loses its trailing slashes", env{"SCW_API_URL": "http://127.0.0.1:8080/scw//"}, FieldAPIURL, "http://127.0.0.1:8080/scw", "env SCW_API_URL", nil},
		{"SCW_PROFILE default", env{"SCW_PROFILE": "default"}, FieldProfile, "default", "env SCW_PROFILE", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := mustLoad(t, LoadOptions{Getenv: tt.env.lookup, HomeDir: t.TempDir()})
			if got := fieldValue(cfg, tt.field); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
			}
			if got := cfg.Sources[tt.field]; got != tt.source {
				t.Errorf("source of %s = %q, want %q", tt.field, got, tt.source)
			}
			if !slices.Equal(cfg.Warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", cfg.Warnings, tt.warnings)
			}
		})
	}
}

func TestLoadConfigFileDiscovery(t *testing.T) {
	t.Parallel()
	// Each candidate file names a different project, which tells which
	// one was read.
	const (
		custom = "aaaaaaaa-0000-4000-8000-000000000001"
		xdgY   = "aaaaaaaa-0000-4000-8000-000000000002"
		xdgYml = "aaaaaaaa-0000-4000-8000-000000000003"
		homeY  = "aaaaaaaa-0000-4000-8000-000000000004"
		homeYm = "aaaaaaaa-0000-4000-8000-000000000005"
	)
	tests := []struct {
		name        string
		files       map[string]string // relative to the test root -> project id
		env         map[string]string // values relative to the test root
		wantPath    string
		wantFound   bool
		wantProject string
		wantWarning string
	}{
		{
			name:     "SCW_CONFIG_PATH wins over XDG and home",
			files:    map[string]string{"custom/scw.yaml": custom, "xdg/scw/config.yaml": xdgY, "home/.config/scw/config.yaml": homeY},
			env:      map[string]string{"SCW_CONFIG_PATH": "custom/scw.yaml", "XDG_CONFIG_HOME": "xdg"},
			wantPath: "custom/scw.yaml", wantFound: true, wantProject: custom,
		},
		{
			name:     "XDG_CONFIG_HOME wins over home",
			files:    map[string]string{"xdg/scw/config.yaml": xdgY, "home/.config/scw/config.yaml": homeY},
			env:      map[string]string{"XDG_CONFIG_HOME": "xdg"},
			wantPath: "xdg/scw/config.yaml", wantFound: true, wantProject: xdgY,
		},
		{
			name:     "home",
			files:    map[string]string{"home/.config/scw/config.yaml": homeY, "home/.config/scw/config.yml": homeYm},
			wantPath: "home/.config/scw/config.yaml", wantFound: true, wantProject: homeY,
		},
		{
			name:     "config.yml when config.yaml is missing",
			files:    map[string]string{"home/.config/scw/config.yml": homeYm},
			wantPath: "home/.config/scw/config.yml", wantFound: true, wantProject: homeYm,
		},
		{
			name:     "config.yml under XDG_CONFIG_HOME",
			files:    map[string]string{"xdg/scw/config.yml": xdgYml, "home/.config/scw/config.yaml": homeY},
			env:      map[string]string{"XDG_CONFIG_HOME": "xdg"},
			wantPath: "xdg/scw/config.yml", wantFound: true, wantProject: xdgYml,
		},
		{
			name:     "XDG_CONFIG_HOME without a file does not fall back to home",
			files:    map[string]string{"home/.config/scw/config.yaml": homeY},
			env:      map[string]string{"XDG_CONFIG_HOME": "xdg"},
			wantPath: "xdg/scw/config.yaml",
		},
		{
			name:     "missing SCW_CONFIG_PATH has no fallback and warns",
			files:    map[string]string{"custom/config.yml": custom, "home/.config/scw/config.yaml": homeY},
			env:      map[string]string{"SCW_CONFIG_PATH": "custom/config.yaml"},
			wantPath: "custom/config.yaml", wantWarning: "SCW_CONFIG_PATH names {root}/custom/config.yaml, which does not exist; no scw config file was read",
		},
		{
			name:     "no file at all",
			wantPath: "home/.config/scw/config.yaml",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			for rel, project := range tt.files {
				writeConfig(t, filepath.Join(root, rel), "default_project_id: "+project+"\n")
			}
			e := env{}
			for k, v := range tt.env {
				e[k] = filepath.Join(root, v)
			}
			cfg := mustLoad(t, LoadOptions{Getenv: e.lookup, HomeDir: filepath.Join(root, "home")})
			if want := filepath.Join(root, tt.wantPath); cfg.ConfigPath != want {
				t.Errorf("ConfigPath = %q, want %q", cfg.ConfigPath, want)
			}
			if cfg.ConfigFileFound != tt.wantFound {
				t.Errorf("ConfigFileFound = %v, want %v", cfg.ConfigFileFound, tt.wantFound)
			}
			if cfg.ProjectID != tt.wantProject {
				t.Errorf("ProjectID = %q, want %q", cfg.ProjectID, tt.wantProject)
			}
			if tt.wantProject != "" {
				want := fmt.Sprintf("file %s (profile \"default\")", cfg.ConfigPath)
				if got := cfg.Sources[FieldProjectID]; got != want {
					t.Errorf("source = %q, want %q", got, want)
				}
			}
			var wantWarnings []string
			if tt.wantWarning != "" {
				wantWarnings = []string{strings.ReplaceAll(tt.wantWarning, "{root}", root)}
			}
			if !slices.Equal(cfg.Warnings, wantWarnings) {
				t.Errorf("warnings = %q, want %q", cfg.Warnings, wantWarnings)
			}
		})
	}
}

// profilesFile has top-level keys, two named profiles and, optionally, an
// active_profile line.
const profilesFile = `# written by scw init
access_key: SCWTOPTOPTOPTOPTOPTO
secret_key: ` + keyFile + `
default_project_id: ` + projectTop + `
default_organization_id: ` + orgID + `
default_zone: nl-ams-1
default_region: nl-ams
send_telemetry: true
insecure: false
%s
profiles:
  dev:
    default_project_id: ` + projectDev + `
    default_zone: ""
  prod:
    secret_key: ` + keyProd + `
    default_zone: pl-waw-2
    api_url: https://api.prod.example/
`

func TestLoadConfigProfiles(t *testing.T) {
	t.Parallel()
	type want struct {
		profile, profileSource string
		secret, secretProfile  string
		project, projectProf   string
		zone, zoneProfile      string
		apiURL, apiURLSource   string
	}
	topLevel := want{
		profile: "default", profileSource: "default",
		secret: keyFile, secretProfile: "default",
		project: projectTop, projectProf: "default",
		zone: "nl-ams-1", zoneProfile: "default",
		apiURL: "https://api.scaleway.com", apiURLSource: "default",
	}
	prod := want{
		profile: "prod",
		secret:  keyProd, secretProfile: "prod",
		project: projectTop, projectProf: "default",
		zone: "pl-waw-2", zoneProfile: "prod",
		apiURL: "https://api.prod.example", apiURLSource: "prod",
	}
	dev := want{
		profile: "dev",
		secret:  keyFile, secretProfile: "default",
		project: projectDev, projectProf: "dev",
		// dev's empty default_zone counts as unset: the top level's shows through.
		zone: "nl-ams-1", zoneProfile: "default",
		apiURL: "https://api.scaleway.com", apiURLSource: "default",
	}
	with := func(w want, source string) want { w.profileSource = source; return w }

	tests := []struct {
		name   string
		active string
		env    env
		flag   string
		want   want
	}{
		{name: "top level", want: topLevel},
		{name: "active_profile", active: "prod", want: with(prod, "file {path} (active_profile)")},
		{name: "SCW_PROFILE beats active_profile", active: "prod", env: env{"SCW_PROFILE": "dev"}, want: with(dev, "env SCW_PROFILE")},
		{name: "flag beats SCW_PROFILE", active: "dev", env: env{"SCW_PROFILE": "dev"}, flag: "prod", want: with(prod, "flag --profile")},
		{name: "flag default means the top level", active: "prod", flag: "default", want: with(topLevel, "flag --profile")},
		{name: "active_profile default", active: "default", want: with(topLevel, "file {path} (active_profile)")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			active := ""
			if tt.active != "" {
				active = "active_profile: " + tt.active
			}
			path := homeConfig(t, home, fmt.Sprintf(profilesFile, active))
			e := tt.env
			if e == nil {
				e = env{}
			}
			cfg := mustLoad(t, LoadOptions{Getenv: e.lookup, HomeDir: home, Profile: tt.flag})
			fileSource := func(profile string) string {
				return fmt.Sprintf("file %s (profile %q)", path, profile)
			}
			w := tt.want
			checks := []struct{ field, got, want, gotSource, wantSource string }{
				{FieldProfile, cfg.Profile, w.profile, cfg.Sources[FieldProfile], strings.ReplaceAll(w.profileSource, "{path}", path)},
				{FieldSecretKey, cfg.SecretKey, w.secret, cfg.Sources[FieldSecretKey], fileSource(w.secretProfile)},
				{FieldProjectID, cfg.ProjectID, w.project, cfg.Sources[FieldProjectID], fileSource(w.projectProf)},
				{FieldZone, string(cfg.Zone), w.zone, cfg.Sources[FieldZone], fileSource(w.zoneProfile)},
				{FieldOrganizationID, cfg.OrganizationID, orgID, cfg.Sources[FieldOrganizationID], fileSource("default")},
				{FieldAccessKey, cfg.AccessKey, "SCWTOPTOPTOPTOPTOPTO", cfg.Sources[FieldAccessKey], fileSource("default")},
			}
			apiSource := "default"
			if w.apiURLSource != "default" {
				apiSource = fileSource(w.apiURLSource)
			}
			checks = append(checks, struct{ field, got, want, gotSource, wantSource string }{FieldAPIURL, cfg.APIURL, w.apiURL, cfg.Sources[FieldAPIURL], apiSource})
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
				if c.gotSource != c.wantSource {
					t.Errorf("source of %s = %q, want %q", c.field, c.gotSource, c.wantSource)
				}
			}
			if !cfg.ConfigFileFound || cfg.ConfigPath != path {
				t.Errorf("ConfigFileFound = %v, ConfigPath = %q; want true, %q", cfg.ConfigFileFound, cfg.ConfigPath, path)
			}
			if cfg.Warnings != nil {
				t.Errorf("warnings = %q, want none", cfg.Warnings)
			}
		})
	}
}

func TestLoadConfigPrecedence(t *testing.T) {
	t.Parallel()
	const file = "default_zone: nl-ams-1\napi_url: https://file.example\n"
	tests := []struct {
		name               string
		file               bool
		env                env
		zoneFlag, urlFlag  string
		wantZone, zoneFrom string
		wantURL, urlFrom   string
	}{
		{name: "defaults", wantZone: "fr-par-1", zoneFrom: "default", wantURL: "https://api.scaleway.com", urlFrom: "default"},
		{name: "file beats defaults", file: true,
			wantZone: "nl-ams-1", zoneFrom: `file {path} (profile "default")`, wantURL: "https://file.example", urlFrom: `file {path} (profile "default")`},
		{name: "environment beats file", file: true, env: env{"SCW_DEFAULT_ZONE": "pl-waw-1", "SCW_API_URL": "https://env.example"},
			wantZone: "pl-waw-1", zoneFrom: "env SCW_DEFAULT_ZONE", wantURL: "https://env.example", urlFrom: "env SCW_API_URL"},
		{name: "flags beat environment", file: true, env: env{"SCW_DEFAULT_ZONE": "pl-waw-1", "SCW_API_URL": "https://env.example"},
			zoneFlag: "it-mil-1", urlFlag: "http://localhost:9999/",
			wantZone: "it-mil-1", zoneFrom: "flag --zone", wantURL: "http://localhost:9999", urlFrom: "flag --api-url"},
		{name: "flags beat file", file: true, zoneFlag: "fr-par-3",
			wantZone: "fr-par-3", zoneFrom: "flag --zone", wantURL: "https://file.example", urlFrom: `file {path} (profile "default")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			path := filepath.Join(home, ".config", "scw", "config.yaml")
			if tt.file {
				homeConfig(t, home, file)
			}
			e := tt.env
			if e == nil {
				e = env{}
			}
			cfg := mustLoad(t, LoadOptions{Getenv: e.lookup, HomeDir: home, Zone: tt.zoneFlag, APIURL: tt.urlFlag})
			if string(cfg.Zone) != tt.wantZone || cfg.Sources[FieldZone] != strings.ReplaceAll(tt.zoneFrom, "{path}", path) {
				t.Errorf("zone = %q from %q, want %q from %q", cfg.Zone, cfg.Sources[FieldZone], tt.wantZone, tt.zoneFrom)
			}
			if cfg.APIURL != tt.wantURL || cfg.Sources[FieldAPIURL] != strings.ReplaceAll(tt.urlFrom, "{path}", path) {
				t.Errorf("api url = %q from %q, want %q from %q", cfg.APIURL, cfg.Sources[FieldAPIURL], tt.wantURL, tt.urlFrom)
			}
		})
	}
}

func TestLoadConfigFileFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		content     string
		wantSecret  string
		wantZone    scaleway.Zone
		wantProfile string
		wantProfs   string // the profiles listed by an unknown-profile error
	}{
		{name: "empty file", content: "", wantZone: scaleway.DefaultZone, wantProfs: "default"},
		{name: "only comments", content: "# nothing yet\n", wantZone: scaleway.DefaultZone, wantProfs: "default"},
		{name: "null document", content: "~\n", wantZone: scaleway.DefaultZone, wantProfs: "default"},
		{name: "null values are unset", content: "secret_key:\ndefault_zone: ~\nprofiles:\n", wantZone: scaleway.DefaultZone, wantProfs: "default"},
		{name: "unknown keys are ignored", content: "secret_key: " + keyFile + "\ninsecure: true\nuser_agent: [a, b]\ns3_endpoint: {x: 1}\n",
			wantSecret: keyFile, wantZone: scaleway.DefaultZone, wantProfs: "default"},
		{name: "quoted values and aliases", content: "secret_key: &k \"" + keyFile + "\"\nprofiles:\n  b: {secret_key: *k, default_zone: 'it-mil-1'}\n  a:\nactive_profile: b\n",
			wantSecret: keyFile, wantZone: "it-mil-1", wantProfile: "b", wantProfs: "default, a, b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			path := homeConfig(t, home, tt.content)
			cfg := mustLoad(t, LoadOptions{Getenv: env{}.lookup, HomeDir: home})
			wantProfile := tt.wantProfile
			if wantProfile == "" {
				wantProfile = DefaultProfile
			}
			if cfg.SecretKey != tt.wantSecret || cfg.Zone != tt.wantZone || cfg.Profile != wantProfile || !cfg.ConfigFileFound {
				t.Errorf("secret %q zone %q profile %q found %v; want %q %q %q true", cfg.SecretKey, cfg.Zone, cfg.Profile, cfg.ConfigFileFound, tt.wantSecret, tt.wantZone, wantProfile)
			}
			// The profile list in the unknown-profile error shows what was parsed.
			_, err := LoadConfig(LoadOptions{Getenv: env{}.lookup, HomeDir: home, Profile: "nope"})
			want := fmt.Sprintf(`--profile "nope": no such profile in %s; the file defines %s`, path, tt.wantProfs)
			if err == nil || err.Error() != want {
				t.Errorf("error = %v, want %s", err, want)
			}
		})
	}
}

func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string // written to the home config path when not empty
		env  env
		opts LoadOptions
		want string // {path} is the config file path
	}{
		{name: "zone from env", env: env{"SCW_DEFAULT_ZONE": "fr-par-9"},
			want: `SCW_DEFAULT_ZONE "fr-par-9" is not an Instance zone; use one of ` + allZones},
		{name: "zone from flag", opts: LoadOptions{Zone: "fr-par"},
			want: `--zone "fr-par" is not an Instance zone; use one of ` + allZones},
		{name: "zone from file profile", file: "profiles:\n  eu:\n    default_zone: fr-par-9\n", env: env{"SCW_PROFILE": "eu"},
			want: `default_zone "fr-par-9" in {path} (profile "eu") is not an Instance zone; use one of ` + allZones},
		{name: "api url without scheme", env: env{"SCW_API_URL": "api.scaleway.com"},
			want: `SCW_API_URL "api.scaleway.com" is not an absolute http or https URL (such as https://api.scaleway.com)`},
		{name: "api url with another scheme", opts: LoadOptions{APIURL: "ftp://api.scaleway.com"},
			want: `--api-url "ftp://api.scaleway.com" is not an absolute http or https URL (such as https://api.scaleway.com)`},
		{name: "api url without host", file: "api_url: https://\n",
			want: `api_url "https://" in {path} (profile "default") is not an absolute http or https URL (such as https://api.scaleway.com)`},
		{name: "api url that does not parse", env: env{"SCW_API_URL": "http://[::1"},
			want: `SCW_API_URL "http://[::1" is not an absolute http or https URL (such as https://api.scaleway.com)`},
		{name: "api url with a query", env: env{"SCW_API_URL": "https://api.scaleway.com/?x=1"},
			want: `SCW_API_URL "https://api.scaleway.com/?x=1" must not have a query or a fragment: API paths are appended to it`},
		{name: "api url with credentials is masked", env: env{"SCW_API_URL": "https://user:hunter2@api.scaleway.com"},
			want: `SCW_API_URL "https://user:xxxxx@api.scaleway.com" must not contain credentials; the secret key goes in SCW_SECRET_KEY`},
		{name: "project id", env: env{"SCW_DEFAULT_PROJECT_ID": "my-project"},
			want: `SCW_DEFAULT_PROJECT_ID "my-project" is not a UUID (expected 8-4-4-4-12 hexadecimal digits)`},
		{name: "organization id from an alias", env: env{"SCW_ORGANIZATION": "1234"},
			want: `SCW_ORGANIZATION "1234" is not a UUID (expected 8-4-4-4-12 hexadecimal digits)`},
		{name: "organization id from file", file: "default_organization_id: 42\n",
			want: `default_organization_id "42" in {path} (profile "default") is not a UUID (expected 8-4-4-4-12 hexadecimal digits)`},
		{name: "every invalid setting at once", env: env{"SCW_DEFAULT_ZONE": "x", "SCW_API_URL": "y", "SCW_DEFAULT_PROJECT_ID": "z"},
			want: `SCW_DEFAULT_ZONE "x" is not an Instance zone; use one of ` + allZones + "\n" +
				`SCW_API_URL "y" is not an absolute http or https URL (such as https://api.scaleway.com)` + "\n" +
				`SCW_DEFAULT_PROJECT_ID "z" is not a UUID (expected 8-4-4-4-12 hexadecimal digits)`},
		{name: "unknown profile from flag", file: "profiles:\n  prod: {}\n  dev: {}\n", opts: LoadOptions{Profile: "staging"},
			want: `--profile "staging": no such profile in {path}; the file defines default, dev, prod`},
		{name: "unknown profile from SCW_PROFILE", file: "secret_key: " + keyFile + "\n", env: env{"SCW_PROFILE": "prod"},
			want: `SCW_PROFILE "prod": no such profile in {path}; the file defines default`},
		{name: "unknown active_profile", file: "active_profile: gone\nprofiles:\n  here: {}\n",
			want: `active_profile "gone" in {path}: no such profile; the file defines default, here`},
		{name: "profile without a file", env: env{"SCW_PROFILE": "prod"},
			want: `SCW_PROFILE "prod": no such profile: no scw config file at {path}`},
		{name: "malformed yaml", file: "secret_key: " + keyFile + "\n  default_zone: fr-par-1\n",
			want: "parsing scw config {path}: yaml: line 2: mapping values are not allowed in this context"},
		{name: "top level is a list", file: "- a\n- b\n",
			want: "parsing scw config {path}: line 1: expected keys such as secret_key at the top level, found a list"},
		{name: "key holds a mapping", file: "default_zone: fr-par-1\nsecret_key:\n  value: x\n",
			want: "parsing scw config {path}: line 3: secret_key must be a single value, found a mapping"},
		{name: "profiles is a list", file: "profiles:\n  - prod\n",
			want: "parsing scw config {path}: line 2: profiles must map profile names to keys, found a list"},
		{name: "profile is a value", file: "profiles:\n  prod: yes\n",
			want: `parsing scw config {path}: line 2: profile "prod" must be a mapping of keys, found a single value`},
		{name: "profile key holds a list", file: "profiles:\n  prod:\n    default_zone: [fr-par-1]\n",
			want: "parsing scw config {path}: line 3: default_zone must be a single value, found a list"},
		{name: "profile name is a list", file: "profiles:\n  ? [a]\n  : {}\n",
			want: "parsing scw config {path}: line 2: a profile name must be a single value, found a list"},
		{name: "active_profile is a list", file: "active_profile: [a]\n",
			want: "parsing scw config {path}: line 1: active_profile must be a single value, found a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			path := filepath.Join(home, ".config", "scw", "config.yaml")
			if tt.file != "" {
				homeConfig(t, home, tt.file)
			}
			e := tt.env
			if e == nil {
				e = env{}
			}
			opts := tt.opts
			opts.Getenv, opts.HomeDir = e.lookup, home
			cfg, err := LoadConfig(opts)
			if cfg != nil {
				t.Errorf("config = %+v, want nil", cfg)
			}
			want := strings.ReplaceAll(tt.want, "{path}", path)
			if err == nil || err.Error() != want {
				t.Errorf("error\n got %v\nwant %s", err, want)
			}
		})
	}
}

func TestLoadConfigUnreadableFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // a directory where a file is expected
	_, err := LoadConfig(LoadOptions{Getenv: env{"SCW_CONFIG_PATH": dir}.lookup, HomeDir: t.TempDir()})
	if err == nil || !strings.HasPrefix(err.Error(), "reading scw config "+dir+": ") {
		t.Errorf("error = %v, want it to start with reading scw config %s", err, dir)
	}
}

func TestLoadConfigWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		file    string
		mode    os.FileMode
		env     env
		want    []string // {path} is the config file path
		posixOK bool     // the warning depends on POSIX permissions
	}{
		{name: "private file", file: "secret_key: " + keyFile + "\n", mode: 0o600},
		{name: "read-only private file", file: "secret_key: " + keyFile + "\n", mode: 0o400},
		{name: "file readable by others", file: "secret_key: " + keyFile + "\n", mode: 0o644, posixOK: true,
			want: []string{"scw config {path} is accessible to other users (mode 0644); it may hold a secret key, run: chmod 600 {path}"}},
		{name: "file writable by the group", file: "", mode: 0o620, posixOK: true,
			want: []string{"scw config {path} is accessible to other users (mode 0620); it may hold a secret key, run: chmod 600 {path}"}},
		{name: "secret key that is not a UUID", env: env{"SCALEWAY_API_KEY": "my-password"},
			want: []string{"the secret key from SCALEWAY_API_KEY is not a UUID (8-4-4-4-12 hexadecimal digits); Scaleway will likely reject it"}},
		{name: "access key where the secret key belongs", file: "secret_key: " + accessKeyOK + "\n", mode: 0o600,
			want: []string{`the secret key from secret_key in {path} (profile "default") looks like an access key (SCW...); X-Auth-Token needs the secret key, a UUID`}},
		{name: "profiles.default is ignored", file: "default_zone: fr-par-2\nprofiles:\n  default:\n    default_zone: fr-par-3\n", mode: 0o600,
			want: []string{"scw config {path}: profiles.default is ignored; the profile named default is the file's top-level keys"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.posixOK && runtime.GOOS == "windows" {
				t.Skip("no POSIX permissions")
			}
			home := t.TempDir()
			path := filepath.Join(home, ".config", "scw", "config.yaml")
			if tt.mode != 0 {
				homeConfig(t, home, tt.file)
				if err := os.Chmod(path, tt.mode); err != nil {
					t.Fatal(err)
				}
			}
			e := tt.env
			if e == nil {
				e = env{}
			}
			cfg := mustLoad(t, LoadOptions{Getenv: e.lookup, HomeDir: home})
			var want []string
			for _, w := range tt.want {
				want = append(want, strings.ReplaceAll(w, "{path}", path))
			}
			if !slices.Equal(cfg.Warnings, want) {
				t.Errorf("warnings\n got %q\nwant %q", cfg.Warnings, want)
			}
		})
	}
}

func TestConfigNeverShowsSecret(t *testing.T) {
	t.Parallel()
	const (
		canaryUUID  = "c4a2e1f0-dead-4bee-8fed-0123456789ab"
		canaryTail  = "dead-4bee-8fed-0123456789ab" // what redaction hides
		canaryOther = "CANARY-not-a-uuid-s3cr3t"
	)
	leaks := func(t *testing.T, what, text string) {
		t.Helper()
		for _, canary := range []string{canaryTail, canaryOther, "s3cr3t"} {
			if strings.Contains(text, canary) {
				t.Errorf("%s shows the secret key: %s", what, text)
			}
		}
	}

	for _, secret := range []string{canaryUUID, canaryOther} {
		t.Run(secret[:6], func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			homeConfig(t, home, "secret_key: "+secret+"\nprofiles:\n  p:\n    secret_key: "+secret+"\n")
			cfg := mustLoad(t, LoadOptions{Getenv: env{"SCW_SECRET_KEY": secret, "SCALEWAY_API_KEY": secret + "x", "SCW_PROFILE": "p"}.lookup, HomeDir: home})
			if cfg.SecretKey != secret {
				t.Fatalf("SecretKey = %q, want the canary", cfg.SecretKey)
			}
			redacted := scaleway.RedactSecret(secret)
			wrapper := struct {
				Cfg  Config
				Ptr  *Config
				List []Config
			}{*cfg, cfg, []Config{*cfg}}
			for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
				leaks(t, format+" of *Config", fmt.Sprintf(format, cfg))
				leaks(t, format+" of Config", fmt.Sprintf(format, *cfg))
				leaks(t, format+" of a struct holding Config", fmt.Sprintf(format, wrapper))
			}
			for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
				if got := fmt.Sprintf(format, cfg); !strings.Contains(got, redacted) || !strings.Contains(got, "fr-par-1") {
					t.Errorf("%s of config = %s; want the redacted key %s and the other fields", format, got, redacted)
				}
			}
			leaks(t, "String", cfg.String())
			leaks(t, "warnings", strings.Join(cfg.Warnings, "\n"))
			if len(cfg.Warnings) == 0 {
				t.Error("want warnings (ignored SCALEWAY_API_KEY) to check")
			}

			for name, v := range map[string]any{"Config": *cfg, "*Config": cfg, "wrapper": wrapper} {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				leaks(t, "json of "+name, string(b))
			}
			b, _ := json.Marshal(cfg)
			var decoded map[string]any
			if err := json.Unmarshal(b, &decoded); err != nil {
				t.Fatal(err)
			}
			if decoded["secret_key"] != redacted || decoded["default_zone"] != "fr-par-1" || decoded["profile"] != "p" ||
				decoded["sources"].(map[string]any)[FieldSecretKey] != "env SCW_SECRET_KEY" {
				t.Errorf("json = %s; want the redacted key, zone, profile and sources", b)
			}
			if cfg.Redacted().SecretKey != redacted || cfg.SecretKey != secret {
				t.Errorf("Redacted changed the original or did not redact")
			}

			// Errors raised while the secret is configured.
			_, err := LoadConfig(LoadOptions{Getenv: env{"SCW_SECRET_KEY": secret, "SCW_DEFAULT_ZONE": "bad", "SCW_API_URL": "bad", "SCW_PROFILE": "nope"}.lookup, HomeDir: home})
			if err == nil {
				t.Fatal("want an error")
			}
			leaks(t, "profile error", err.Error())
			_, err = LoadConfig(LoadOptions{Getenv: env{"SCW_SECRET_KEY": secret, "SCW_DEFAULT_ZONE": "bad", "SCW_API_URL": "bad"}.lookup, HomeDir: t.TempDir()})
			if err == nil {
				t.Fatal("want an error")
			}
			leaks(t, "validation error", err.Error())
		})
	}

	// Files that hold the secret and fail to parse.
	for _, content := range []string{
		"secret_key: " + canaryOther + "\n  oops: 1\n",
		"secret_key: [" + canaryOther + "]\n",
		"secret_key: {" + canaryOther + ": 1}\n",
		"profiles:\n  p:\n    secret_key: [" + canaryOther + "]\n",
		"profiles: " + canaryOther + "\n",
		"secret_key: \"" + canaryOther + "\n",
		canaryOther + "\n",
		"- " + canaryOther + "\n",
	} {
		home := t.TempDir()
		homeConfig(t, home, content)
		_, err := LoadConfig(LoadOptions{Getenv: env{}.lookup, HomeDir: home})
		if err == nil {
			t.Errorf("file %q: want an error", content)
			continue
		}
		leaks(t, "file error", err.Error())
	}
}

func TestRequireSecretKey(t *testing.T) {
	t.Parallel()
	const instructions = `no Scaleway secret key: set SCW_SECRET_KEY or SCALEWAY_API_KEY, or run "scw init" to write ~/.config/scw/config.yaml`

	cfg := mustLoad(t, LoadOptions{Getenv: env{"SCALEWAY_API_KEY": keyAPI}.lookup, HomeDir: t.TempDir()})
	if err := cfg.RequireSecretKey(); err != nil {
		t.Errorf("with a key: %v", err)
	}

	home := t.TempDir()
	cfg = mustLoad(t, LoadOptions{Getenv: env{"SCW_SECRET_KEY": ""}.lookup, HomeDir: home})
	err := cfg.RequireSecretKey()
	want := instructions + " (no scw config file at " + filepath.Join(home, ".config", "scw", "config.yaml") + ")"
	if err == nil || err.Error() != want || !errors.Is(err, scaleway.ErrNoSecretKey) {
		t.Errorf("without a file:\n got %v\nwant %s (wrapping ErrNoSecretKey)", err, want)
	}

	path := homeConfig(t, home, "profiles:\n  dev:\n    default_zone: fr-par-2\n")
	cfg = mustLoad(t, LoadOptions{Getenv: env{}.lookup, HomeDir: home, Profile: "dev"})
	err = cfg.RequireSecretKey()
	want = instructions + ` (profile "dev" in ` + path + " has no secret_key)"
	if err == nil || err.Error() != want || !errors.Is(err, scaleway.ErrNoSecretKey) {
		t.Errorf("with a file:\n got %v\nwant %s (wrapping ErrNoSecretKey)", err, want)
	}
}
