package main

import (
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/rest"
)

// TestServerJSONMatchesTheRelease checks that the MCP registry entry names
// this module, this binary and the latest released version.
func TestServerJSONMatchesTheRelease(t *testing.T) {
	t.Parallel()
	var server struct {
		Name        string
		Description string
		Version     string
		Repository  struct{ URL string }
		Packages    []struct {
			RegistryType string
			Identifier   string
			Version      string
			Transport    struct{ Type string }
			Environment  []struct{ Name string } `json:"environmentVariables"`
		}
	}
	readJSON(t, "server.json", &server)
	module := modulePath(t)
	owner, repo, ok := strings.Cut(strings.TrimPrefix(module, "github.com/"), "/")
	if !ok {
		t.Fatalf("module path %q is not github.com/OWNER/REPO", module)
	}
	if server.Name != "io.github."+owner+"/"+repo {
		t.Errorf("name %q does not match the module %s", server.Name, module)
	}
	if server.Repository.URL != "https://"+module {
		t.Errorf("repository %q is not https://%s", server.Repository.URL, module)
	}
	if len(server.Description) > 100 {
		t.Errorf("description is %d characters; the registry allows 100", len(server.Description))
	}
	if want := latestRelease(t); server.Version != want {
		t.Errorf("version %q, but CHANGELOG.md's latest release is %q", server.Version, want)
	}
	if len(server.Packages) != 1 {
		t.Fatalf("%d packages, want 1", len(server.Packages))
	}
	pkg := server.Packages[0]
	if pkg.RegistryType != "go" || pkg.Identifier != module || pkg.Version != "v"+server.Version || pkg.Transport.Type != "stdio" {
		t.Errorf("package %+v does not match module %s version v%s over stdio", pkg, module, server.Version)
	}
	readme := readFile(t, "README.md")
	for _, env := range pkg.Environment {
		if !strings.Contains(readme, "`"+env.Name+"`") {
			t.Errorf("%s is not documented in the README", env.Name)
		}
	}
	if !strings.Contains(readme, "mcp-name: "+server.Name) {
		t.Errorf("README lacks the registry's mcp-name marker for %s", server.Name)
	}

	var release struct {
		ProjectName string `yaml:"project_name"`
		Builds      []struct {
			Binary string
			Env    []string
			Flags  []string
		}
	}
	if err := yaml.Unmarshal([]byte(readFile(t, ".goreleaser.yaml")), &release); err != nil {
		t.Fatal(err)
	}
	if len(release.Builds) != 1 || release.Builds[0].Binary != repo || release.ProjectName != repo || serverName != repo {
		t.Errorf("binary %+v, project %q and MCP server name %q should all be %q", release.Builds, release.ProjectName, serverName, repo)
	}
}

// TestLicenceIsNamedEverywhere checks that LICENSE holds the Apache
// License 2.0 and that the README, the MCP registry entry, the OpenAPI
// document and the release archives all name or ship it.
func TestLicenceIsNamedEverywhere(t *testing.T) {
	t.Parallel()
	const spdx = "Apache-2.0"
	licence := readFile(t, "LICENSE")
	for _, want := range []string{"Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS", "Copyright 2026 The scaleway-images-mcp Authors"} {
		if !strings.Contains(licence, want) {
			t.Errorf("LICENSE lacks %q", want)
		}
	}
	if readme := readFile(t, "README.md"); !regexp.MustCompile(`(?m)^## Licence\n\nApache License 2\.0\b.*\(LICENSE\)`).MatchString(readme) {
		t.Error("README.md lacks a Licence section naming Apache License 2.0 and linking LICENSE")
	}
	var server struct {
		Meta struct {
			Publisher struct{ License string } `json:"io.modelcontextprotocol.registry/publisher-provided"`
		} `json:"_meta"`
	}
	readJSON(t, "server.json", &server)
	if server.Meta.Publisher.License != spdx {
		t.Errorf("server.json names licence %q; want %s", server.Meta.Publisher.License, spdx)
	}
	var openAPI struct {
		Info struct{ License struct{ Name, URL string } }
	}
	if err := json.Unmarshal(rest.OpenAPIDocument(), &openAPI); err != nil {
		t.Fatal(err)
	}
	if l := openAPI.Info.License; l.Name != spdx || l.URL != "https://www.apache.org/licenses/LICENSE-2.0" {
		t.Errorf("the OpenAPI document names licence %+v; want %s", l, spdx)
	}
	var release struct {
		Archives []struct{ Files []string }
	}
	if err := yaml.Unmarshal([]byte(readFile(t, ".goreleaser.yaml")), &release); err != nil {
		t.Fatal(err)
	}
	if len(release.Archives) == 0 {
		t.Error(".goreleaser.yaml builds no archive")
	}
	for _, archive := range release.Archives {
		if !slices.Contains(archive.Files, "LICENSE") {
			t.Errorf("a release archive leaves LICENSE out: %v", archive.Files)
		}
	}
}

// TestREADMEDocumentsEveryFlag keeps the flags table honest.
func TestREADMEDocumentsEveryFlag(t *testing.T) {
	t.Parallel()
	readme := readFile(t, "README.md")
	fs, _ := newFlagSet(&options{}, func(string) (string, bool) { return "", false })
	var missing []string
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(readme, "`--"+f.Name) {
			missing = append(missing, "--"+f.Name)
		}
		if env := regexp.MustCompile(`\(\$([A-Z_]+)\)$`).FindStringSubmatch(f.Usage); env != nil && !strings.Contains(readme, "`"+env[1]+"`") {
			missing = append(missing, env[1])
		}
	})
	if len(missing) > 0 {
		t.Errorf("README.md does not document %v", missing)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(readFile(t, path)), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func modulePath(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^module (\S+)$`).FindStringSubmatch(readFile(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no module line")
	}
	return m[1]
}

func latestRelease(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\]`).FindStringSubmatch(readFile(t, "CHANGELOG.md"))
	if m == nil {
		t.Fatal("CHANGELOG.md has no released version")
	}
	return m[1]
}
