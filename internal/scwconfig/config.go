// Package scwconfig resolves the program's Scaleway settings (secret key,
// default zone, project and organization, API URL) the way Scaleway's own
// tools do: from the scw config file and its profiles, the environment and
// the flags. It is the program's, not the client's: package scaleway takes
// each setting as an option.
package scwconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Keys of Config.Sources. They are the scw config file's own keys, so that
// a source printed by "doctor" and the file line it points at use the same
// words.
const (
	FieldSecretKey      = "secret_key"
	FieldAccessKey      = "access_key"
	FieldProjectID      = "default_project_id"
	FieldOrganizationID = "default_organization_id"
	FieldZone           = "default_zone"
	FieldAPIURL         = "api_url"
	FieldProfile        = "profile"
)

// DefaultProfile is the reserved profile name that means the config file's
// top-level keys, as in scw.
const DefaultProfile = "default"

// profileKeys are the keys of a config file profile that this program uses.
// The file may hold others (default_region, insecure, send_telemetry, ...),
// which belong to other Scaleway tools and are ignored.
var profileKeys = []string{FieldAccessKey, FieldSecretKey, FieldAPIURL, FieldOrganizationID, FieldProjectID, FieldZone}

// envVars lists, per setting, the environment variables read, most important
// first: the first one set wins.
var envVars = []struct {
	field string
	names []string
}{
	// SCALEWAY_API_KEY is the variable the project's capability documents,
	// so it ranks right after scw's own name and is not deprecated.
	{FieldSecretKey, []string{"SCW_SECRET_KEY", "SCALEWAY_API_KEY", "SCW_TOKEN", "SCALEWAY_TOKEN"}},
	{FieldAccessKey, []string{"SCW_ACCESS_KEY", "SCALEWAY_ACCESS_KEY"}},
	{FieldProjectID, []string{"SCW_DEFAULT_PROJECT_ID"}},
	{FieldOrganizationID, []string{"SCW_DEFAULT_ORGANIZATION_ID", "SCW_ORGANIZATION", "SCALEWAY_ORGANIZATION"}},
	{FieldZone, []string{"SCW_DEFAULT_ZONE"}},
	{FieldAPIURL, []string{"SCW_API_URL"}},
}

// deprecatedEnv are the old names the Scaleway SDK still reads but warns
// about; we read them too so that old setups keep working, and warn alike.
var deprecatedEnv = map[string]bool{
	"SCW_TOKEN":             true,
	"SCALEWAY_TOKEN":        true,
	"SCALEWAY_ACCESS_KEY":   true,
	"SCW_ORGANIZATION":      true,
	"SCALEWAY_ORGANIZATION": true,
}

// accessKeyPattern recognises an access key (SCW + 17 characters), the most
// common thing pasted where the secret key belongs.
var accessKeyPattern = regexp.MustCompile(`(?i)^SCW[A-Z0-9]{17}$`)

// LoadOptions are LoadConfig's inputs. The zero value loads from the
// process environment and the user's home directory, with no flags.
type LoadOptions struct {
	// Getenv looks up an environment variable; nil means os.LookupEnv.
	// Tests inject a map so that they never touch the process environment.
	Getenv func(name string) (string, bool)
	// HomeDir is where ~/.config/scw/config.yaml is looked for when neither
	// SCW_CONFIG_PATH nor XDG_CONFIG_HOME is set; "" means os.UserHomeDir.
	HomeDir string
	// Profile, Zone and APIURL are the --profile, --zone and --api-url
	// flags; "" means the flag was not given.
	Profile string
	Zone    string
	APIURL  string
}

// Config is the resolved configuration. It is safe to print and to encode
// as JSON: fmt's verbs, String and MarshalJSON all show the secret key
// through RedactSecret. The access key is not a secret (it is never sent to
// the API) and is shown as is.
type Config struct {
	SecretKey      string        `json:"secret_key,omitempty"`
	AccessKey      string        `json:"access_key,omitempty"`
	ProjectID      string        `json:"default_project_id,omitempty"`
	OrganizationID string        `json:"default_organization_id,omitempty"`
	Zone           scaleway.Zone `json:"default_zone"`
	APIURL         string        `json:"api_url"` // absolute http(s), no trailing slash
	// Profile is the config file profile used; DefaultProfile for the
	// top-level keys.
	Profile string `json:"profile"`
	// ConfigPath is the config file read or, when ConfigFileFound is false,
	// the first place it was looked for ("" if no place could be derived).
	ConfigPath      string `json:"config_path"`
	ConfigFileFound bool   `json:"config_file_found"`
	// Sources maps each Field* constant whose value is set to where that
	// value came from: "default", "env SCW_SECRET_KEY", "flag --zone",
	// `file /root/.config/scw/config.yaml (profile "prod")`, or, for the
	// profile, `file ... (active_profile)`.
	Sources map[string]string `json:"sources"`
	// Warnings are problems that do not stop the program, for the caller to
	// log or show; they never contain the secret key.
	Warnings []string `json:"warnings,omitempty"`
}

// LoadConfig resolves the configuration the way Scaleway's own tools do.
// From lowest to highest precedence: built-in defaults (zone fr-par-1, API
// URL https://api.scaleway.com), the scw config file's selected profile
// merged over its top-level keys, the environment, then the flags in opts.
//
// The config file is $SCW_CONFIG_PATH, else $XDG_CONFIG_HOME/scw/config.yaml,
// else ~/.config/scw/config.yaml (with a config.yml fallback for the last
// two). A missing file is not an error. The profile is opts.Profile, else
// SCW_PROFILE, else the file's active_profile, else the top level.
//
// Empty values, in the environment as in the file, count as unset, and
// values are trimmed, so that SCW_SECRET_KEY="$(cat key.txt)" works.
//
// It fails on a malformed or unreadable file, an unknown profile, a zone that
// is not an Instance zone, an API URL that is not absolute http(s), and
// project or organization ids that are not UUIDs. A missing or malformed
// secret key is not an error here: see RequireSecretKey and Warnings.
func LoadConfig(opts LoadOptions) (*Config, error) {
	l := &loader{
		opts:     opts,
		lookup:   opts.Getenv,
		settings: map[string]setting{},
		cfg:      &Config{Sources: map[string]string{}},
	}
	if l.lookup == nil {
		l.lookup = os.LookupEnv
	}
	l.set(FieldZone, string(scaleway.DefaultZone), origin{kind: fromDefault, name: FieldZone})
	l.set(FieldAPIURL, scaleway.DefaultAPIURL, origin{kind: fromDefault, name: FieldAPIURL})
	file, err := l.loadFile()
	if err != nil {
		return nil, err
	}
	if err := l.applyProfile(file); err != nil {
		return nil, err
	}
	l.applyEnv()
	l.applyFlags()
	if err := l.resolve(); err != nil {
		return nil, err
	}
	return l.cfg, nil
}

// RequireSecretKey returns nil when a secret key is configured, and
// otherwise an error wrapping ErrNoSecretKey that says where it was looked
// for. Commands that call the API check it; those that do not (doctor, the
// sandbox) can run without a key.
func (c *Config) RequireSecretKey() error {
	if c.SecretKey != "" {
		return nil
	}
	if c.ConfigFileFound {
		return fmt.Errorf("%w (profile %q in %s has no secret_key)", scaleway.ErrNoSecretKey, c.Profile, c.ConfigPath)
	}
	return fmt.Errorf("%w (%s)", scaleway.ErrNoSecretKey, c.missingFile())
}

// missingFile says where the config file was looked for.
func (c *Config) missingFile() string {
	if c.ConfigPath == "" {
		return "no scw config file was found"
	}
	return "no scw config file at " + c.ConfigPath
}

// Redacted returns a copy of c whose SecretKey went through RedactSecret.
// Sources and Warnings are shared with c.
func (c Config) Redacted() Config {
	c.SecretKey = scaleway.RedactSecret(c.SecretKey)
	return c
}

// printableConfig has Config's fields and tags but none of its methods, so
// that formatting or encoding it does not call back into Format or
// MarshalJSON.
type printableConfig Config

// Format makes every fmt verb, %#v included, print the redacted config.
func (c Config) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), printableConfig(c.Redacted()))
}

// String serves loggers that take a fmt.Stringer, such as zerolog's
// Stringer field.
func (c Config) String() string {
	return fmt.Sprintf("%+v", printableConfig(c.Redacted()))
}

// MarshalJSON encodes the redacted config, so that json.Marshal and JSON
// loggers (zerolog's Interface, slog's JSONHandler) never see the key.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(printableConfig(c.Redacted()))
}

type originKind int

const (
	fromDefault originKind = iota
	fromFile
	fromEnv
	fromFlag
)

// origin is where a value came from.
type origin struct {
	kind originKind
	// name is the environment variable, the flag (with its dashes) or the
	// file key that held the value.
	name    string
	path    string // file only
	profile string // file only; "" for active_profile
}

func (o origin) String() string {
	switch o.kind {
	case fromEnv:
		return "env " + o.name
	case fromFlag:
		return "flag " + o.name
	case fromFile:
		if o.profile == "" {
			return fmt.Sprintf("file %s (%s)", o.path, o.name)
		}
		return fmt.Sprintf("file %s (profile %q)", o.path, o.profile)
	default:
		return "default"
	}
}

// where names the setting in a message, precisely enough to go and fix it.
func (o origin) where() string { return o.name + o.inFile() }

// describe names the setting and quotes its value, for errors about values
// that are not secret.
func (o origin) describe(value string) string {
	return fmt.Sprintf("%s %q%s", o.name, shorten.To(value, 64), o.inFile())
}

func (o origin) inFile() string {
	switch {
	case o.kind != fromFile:
		return ""
	case o.profile == "":
		return " in " + o.path
	default:
		return fmt.Sprintf(" in %s (profile %q)", o.path, o.profile)
	}
}

type setting struct {
	value string
	from  origin
}

// loader holds the state of one LoadConfig call; each layer overwrites the
// settings of the layers below it.
type loader struct {
	opts     LoadOptions
	lookup   func(string) (string, bool)
	settings map[string]setting
	cfg      *Config
}

func (l *loader) getenv(name string) string {
	v, _ := l.lookup(name)
	return strings.TrimSpace(v)
}

func (l *loader) set(field, value string, from origin) {
	l.settings[field] = setting{value: value, from: from}
}

func (l *loader) warn(format string, args ...any) {
	l.cfg.Warnings = append(l.cfg.Warnings, fmt.Sprintf(format, args...))
}

// configCandidates returns the paths to try in order, and whether the first
// one was named explicitly by SCW_CONFIG_PATH.
func (l *loader) configCandidates() ([]string, bool, error) {
	if p := l.getenv("SCW_CONFIG_PATH"); p != "" {
		return []string{p}, true, nil
	}
	var dir string
	if xdg := l.getenv("XDG_CONFIG_HOME"); xdg != "" {
		dir = filepath.Join(xdg, "scw")
	} else {
		home := l.opts.HomeDir
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return nil, false, err
			}
		}
		dir = filepath.Join(home, ".config", "scw")
	}
	// scw itself falls back to config.yml, and some users wrote that name.
	return []string{filepath.Join(dir, "config.yaml"), filepath.Join(dir, "config.yml")}, false, nil
}

// loadFile finds, reads and parses the config file; it returns nil when
// there is none.
func (l *loader) loadFile() (*configFile, error) {
	candidates, explicit, err := l.configCandidates()
	if err != nil {
		// Without a home there is no default file; the environment can
		// still configure everything, so this is only worth a warning.
		l.warn("scw config file not read: finding home directory: %v", err)
		return nil, nil
	}
	l.cfg.ConfigPath = candidates[0]
	for _, path := range candidates {
		data, perm, err := readFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading scw config %s: %w", path, err)
		}
		l.cfg.ConfigPath, l.cfg.ConfigFileFound = path, true
		// Windows has no such permission bits; os reports them loosely.
		if runtime.GOOS != "windows" && perm&0o077 != 0 {
			l.warn("scw config %s is accessible to other users (mode %04o); it may hold a secret key, run: chmod 600 %s", path, perm, path)
		}
		file, err := parseConfigFile(data)
		if err != nil {
			return nil, fmt.Errorf("parsing scw config %s: %w", path, err)
		}
		if file.hasDefaultProfile {
			l.warn("scw config %s: profiles.default is ignored; the profile named default is the file's top-level keys", path)
		}
		return file, nil
	}
	if explicit {
		l.warn("SCW_CONFIG_PATH names %s, which does not exist; no scw config file was read", candidates[0])
	}
	return nil, nil
}

func readFile(path string) ([]byte, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(f)
	return data, info.Mode().Perm(), err
}

// applyProfile selects the profile and applies the file's top-level keys,
// then the profile's own keys over them.
func (l *loader) applyProfile(file *configFile) error {
	name, from := DefaultProfile, origin{kind: fromDefault, name: FieldProfile}
	switch {
	case l.opts.Profile != "":
		name, from = strings.TrimSpace(l.opts.Profile), origin{kind: fromFlag, name: "--profile"}
	case l.getenv("SCW_PROFILE") != "":
		name, from = l.getenv("SCW_PROFILE"), origin{kind: fromEnv, name: "SCW_PROFILE"}
	case file != nil && file.activeProfile != "":
		name, from = file.activeProfile, origin{kind: fromFile, name: "active_profile", path: l.cfg.ConfigPath}
	}
	l.cfg.Profile = name
	l.set(FieldProfile, name, from)
	if file == nil {
		if name != DefaultProfile {
			return fmt.Errorf("%s: no such profile: %s", from.describe(name), l.cfg.missingFile())
		}
		return nil
	}
	l.applyFileProfile(file.top, DefaultProfile)
	if name == DefaultProfile {
		return nil
	}
	profile, ok := file.profiles[name]
	if !ok {
		in := " in " + l.cfg.ConfigPath
		if from.kind == fromFile {
			in = "" // describe already named the file
		}
		return fmt.Errorf("%s: no such profile%s; the file defines %s", from.describe(name), in, strings.Join(file.profileNames(), ", "))
	}
	l.applyFileProfile(profile, name)
	return nil
}

func (l *loader) applyFileProfile(values map[string]string, profile string) {
	for _, key := range profileKeys {
		if v := values[key]; v != "" {
			l.set(key, v, origin{kind: fromFile, name: key, path: l.cfg.ConfigPath, profile: profile})
		}
	}
}

func (l *loader) applyEnv() {
	for _, ev := range envVars {
		var winner, winnerValue string
		for _, name := range ev.names {
			v := l.getenv(name)
			switch {
			case v == "":
			case winner == "":
				winner, winnerValue = name, v
				l.set(ev.field, v, origin{kind: fromEnv, name: name})
				if deprecatedEnv[name] {
					l.warn("%s is deprecated; use %s", name, ev.names[0])
				}
			case v != winnerValue:
				// Two different keys set at once usually means one of them
				// is stale; say which one is in use.
				l.warn("%s is ignored because %s is set", name, winner)
			}
		}
	}
}

func (l *loader) applyFlags() {
	if z := strings.TrimSpace(l.opts.Zone); z != "" {
		l.set(FieldZone, z, origin{kind: fromFlag, name: "--zone"})
	}
	if u := strings.TrimSpace(l.opts.APIURL); u != "" {
		l.set(FieldAPIURL, u, origin{kind: fromFlag, name: "--api-url"})
	}
}

// resolve validates the merged settings and fills the Config. It reports
// every invalid setting at once, so that one run shows all there is to fix.
func (l *loader) resolve() error {
	for field, s := range l.settings {
		l.cfg.Sources[field] = s.from.String()
	}
	var errs []error

	zone := l.settings[FieldZone]
	if _, err := scaleway.ParseZone(zone.value); err != nil {
		errs = append(errs, fmt.Errorf("%s is not an Instance zone; use one of %s", zone.from.describe(zone.value), strings.Join(scaleway.ZoneNames(), ", ")))
	}
	l.cfg.Zone = scaleway.Zone(zone.value)

	api := l.settings[FieldAPIURL]
	apiURL, err := checkAPIURL(api.value)
	if err != nil {
		errs = append(errs, fmt.Errorf("%s %w", api.from.describe(apiURL), err))
	}
	l.cfg.APIURL = apiURL

	for _, id := range []struct {
		field string
		dst   *string
	}{{FieldProjectID, &l.cfg.ProjectID}, {FieldOrganizationID, &l.cfg.OrganizationID}} {
		s, ok := l.settings[id.field]
		if ok && !scaleway.IsUUID(s.value) {
			errs = append(errs, fmt.Errorf("%s is not a UUID (expected 8-4-4-4-12 hexadecimal digits)", s.from.describe(s.value)))
		}
		*id.dst = s.value
	}

	l.cfg.AccessKey = l.settings[FieldAccessKey].value

	// A malformed secret key is only a warning: Scaleway is the authority
	// on keys, and its 401 says so precisely. The key itself is never
	// quoted, only where it came from.
	if s, ok := l.settings[FieldSecretKey]; ok {
		l.cfg.SecretKey = s.value
		switch {
		case accessKeyPattern.MatchString(s.value):
			l.warn("the secret key from %s looks like an access key (SCW...); X-Auth-Token needs the secret key, a UUID", s.from.where())
		case !scaleway.IsUUID(s.value):
			l.warn("the secret key from %s is not a UUID (8-4-4-4-12 hexadecimal digits); Scaleway will likely reject it", s.from.where())
		}
	}
	return errors.Join(errs...)
}

// checkAPIURL returns raw without trailing slashes, since paths are appended
// to it, or an error to follow the setting's name. On error the returned
// string is what may be quoted: credentials in the URL are masked.
func checkAPIURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return raw, errors.New("is not an absolute http or https URL (such as https://api.scaleway.com)")
	}
	if u.User != nil {
		return u.Redacted(), errors.New("must not contain credentials; the secret key goes in SCW_SECRET_KEY")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return raw, errors.New("must not have a query or a fragment: API paths are appended to it")
	}
	return strings.TrimRight(raw, "/"), nil
}

// configFile is the part of an scw config file this program uses.
type configFile struct {
	activeProfile string
	top           map[string]string
	profiles      map[string]map[string]string
	// hasDefaultProfile records a profiles.default entry, which scw ignores
	// because the name is reserved for the top level.
	hasDefaultProfile bool
}

// profileNames lists the profiles that can be selected, default first.
func (f *configFile) profileNames() []string {
	names := make([]string, 0, len(f.profiles)+1)
	for name := range f.profiles {
		names = append(names, name)
	}
	slices.Sort(names)
	return append([]string{DefaultProfile}, names...)
}

// parseConfigFile reads the YAML as a node tree rather than into structs:
// yaml's type errors quote the offending value, which could be the secret
// key, whereas walking the nodes lets errors give only the key and line.
func parseConfigFile(data []byte) (*configFile, error) {
	file := &configFile{top: map[string]string{}, profiles: map[string]map[string]string{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return file, nil // empty file
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return file, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: expected keys such as secret_key at the top level, found a %s", root.Line, kindName(root))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		switch key.Value {
		case "active_profile":
			name, err := scalar(key.Value, value)
			if err != nil {
				return nil, err
			}
			file.activeProfile = name
		case "profiles":
			if err := file.parseProfiles(value); err != nil {
				return nil, err
			}
		default:
			if err := parseProfileKey(file.top, key, value); err != nil {
				return nil, err
			}
		}
	}
	return file, nil
}

func (f *configFile) parseProfiles(node *yaml.Node) error {
	node = deref(node)
	if isNull(node) {
		return nil
	}
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: profiles must map profile names to keys, found a %s", node.Line, kindName(node))
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, body := node.Content[i], deref(node.Content[i+1])
		name, err := scalar("a profile name", key)
		if err != nil {
			return err
		}
		if name == DefaultProfile {
			f.hasDefaultProfile = true
			continue
		}
		values := map[string]string{}
		f.profiles[name] = values
		if isNull(body) {
			continue
		}
		if body.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d: profile %q must be a mapping of keys, found a %s", body.Line, name, kindName(body))
		}
		for j := 0; j+1 < len(body.Content); j += 2 {
			if err := parseProfileKey(values, body.Content[j], body.Content[j+1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseProfileKey stores one of profileKeys and skips any other key, whose
// meaning belongs to other Scaleway tools.
func parseProfileKey(dst map[string]string, key, value *yaml.Node) error {
	if !slices.Contains(profileKeys, key.Value) {
		return nil
	}
	s, err := scalar(key.Value, value)
	if err != nil {
		return err
	}
	dst[key.Value] = s
	return nil
}

// scalar returns a single value's text, or "" for null. Its errors never
// quote the value.
func scalar(what string, value *yaml.Node) (string, error) {
	value = deref(value)
	if isNull(value) {
		return "", nil
	}
	if value.Kind != yaml.ScalarNode {
		return "", fmt.Errorf("line %d: %s must be a single value, found a %s", value.Line, what, kindName(value))
	}
	return strings.TrimSpace(value.Value), nil
}

// deref follows YAML aliases (*anchor) to the node they stand for.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "single value"
	}
}
