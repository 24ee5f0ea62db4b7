package kubernetes

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/api/krusty"
	kustomize "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// What the manifests must agree with, and where each figure comes from.
const (
	// The image's numeric user and group (a scratch image: no passwd file).
	imageUser = 65532
	// The ports the seed names: MCP over streamable HTTP, REST adapter.
	mcpPort, restPort = 9090, 8080
	// The binary's --shutdown-grace default (flags.go: stdio.DefaultGrace),
	// used when the Deployment does not set the variable.
	defaultShutdownGrace = 10 * time.Second
	// What the process needs after the grace to exit (both listeners stop
	// in parallel, logs are flushed): terminationGracePeriodSeconds must
	// exceed the drain and the grace by at least this.
	exitMargin = 5 * time.Second
	// listener.MinTokenLength: shorter tokens make the server refuse to
	// start, which is what the example's placeholders are for.
	minTokenLength = 16
	// The highest peak RSS measured for one list call against a hostile
	// upstream (4 MiB pages): 130 MiB over HTTP (README.md in this
	// directory), 92-105 MiB over stdio (BENCHMARKS.md). The memory limit
	// keeps at least half as much again above it.
	hostilePeak = 130 << 20
	// The highest peak RSS measured with 100 clients calling as fast as the
	// server answers (36.1 MiB), above the 21.3 MiB of a steady 100
	// calls/s: the memory request must cover it.
	saturatedRSS = 37 << 20

	appName      = "scaleway-images-mcp"
	exampleFile  = "secret.example.yaml"
	localSecret  = "secret.yaml" // a filled-in copy, gitignored: never read here
	kustomizeDoc = "kustomization.yaml"
)

// Variables that must never hold a literal value in a manifest: they come
// from a Secret or not at all.
var secretVariables = []string{
	"SCALEWAY_IMAGES_MCP_HTTP_TOKEN", "SCALEWAY_IMAGES_MCP_REST_TOKEN",
	"SCW_SECRET_KEY", "SCALEWAY_API_KEY", "SCW_TOKEN", "SCALEWAY_TOKEN",
}

// decodeStrict decodes one YAML document into v as the API server does
// with fieldValidation=Strict: a duplicate key, an unknown field or a
// field spelled in another case is an error.
func decodeStrict(doc []byte, v any) error {
	if bytes.Contains(append([]byte("\n"), doc...), []byte("\n---")) {
		return errors.New("more than one YAML document: keep one object a file")
	}
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strictErrs, err := json.UnmarshalStrict(j, v, json.DisallowDuplicateFields, json.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}

// decodeObject decodes doc strictly into the API type its apiVersion and
// kind name; a type this directory has no business holding is an error.
func decodeObject(doc []byte) (any, error) {
	var tm metav1.TypeMeta
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	if err := json.UnmarshalCaseSensitivePreserveInts(j, &tm); err != nil {
		return nil, err
	}
	var obj any
	switch tm.APIVersion + " " + tm.Kind {
	case "apps/v1 Deployment":
		obj = new(appsv1.Deployment)
	case "v1 Service":
		obj = new(corev1.Service)
	case "v1 ConfigMap":
		obj = new(corev1.ConfigMap)
	case "v1 Secret":
		obj = new(corev1.Secret)
	case "policy/v1 PodDisruptionBudget":
		obj = new(policyv1.PodDisruptionBudget)
	case "kustomize.config.k8s.io/v1beta1 Kustomization":
		obj = new(kustomize.Kustomization)
	default:
		return nil, fmt.Errorf("apiVersion %q, kind %q: not a type these manifests use", tm.APIVersion, tm.Kind)
	}
	if err := decodeStrict(doc, obj); err != nil {
		return nil, fmt.Errorf("%s: %w", tm.Kind, err)
	}
	return obj, nil
}

// TestStrictDecoderRefuses shows that the decoder the other tests rely on
// refuses what the API server's strict validation refuses.
func TestStrictDecoderRefuses(t *testing.T) {
	const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n"
	for name, doc := range map[string]string{
		"unknown field":        deployment + "spec:\n  replica: 3\n",
		"field in other case":  deployment + "spec:\n  Replicas: 3\n",
		"unknown nested field": deployment + "spec:\n  template:\n    spec:\n      containers:\n        - name: a\n          securityContext:\n            readOnlyRootFS: true\n",
		"duplicate key":        deployment + "spec:\n  replicas: 3\n  replicas: 2\n",
		"wrong value type":     deployment + "spec:\n  replicas: three\n",
		"two documents":        deployment + "---\n" + deployment,
		"unknown kind":         "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n",
		"unknown apiVersion":   "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: x\n",
		"kustomization typo":   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - a.yaml\n",
		"bad quantity":         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: 1\n",
	} {
		if _, err := decodeObject([]byte(doc)); err == nil {
			t.Errorf("%s: decoded without an error:\n%s", name, doc)
		}
	}
	if _, err := decodeObject([]byte(deployment + "spec:\n  replicas: 3\n")); err != nil {
		t.Errorf("a valid Deployment: %v", err)
	}
}

// manifestFiles are the YAML files of this directory but the gitignored
// filled-in Secret, which is never read.
func manifestFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return f == localSecret })
	if len(files) == 0 {
		t.Fatal("no YAML file here")
	}
	slices.Sort(files)
	return files
}

// TestEveryManifestDecodesStrictly decodes each YAML file of the directory,
// the example Secret included, against its API type.
func TestEveryManifestDecodesStrictly(t *testing.T) {
	for _, file := range manifestFiles(t) {
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeObject(doc); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

func readKustomization(t *testing.T) *kustomize.Kustomization {
	t.Helper()
	doc, err := os.ReadFile(kustomizeDoc)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := decodeObject(doc)
	if err != nil {
		t.Fatalf("%s: %v", kustomizeDoc, err)
	}
	k, ok := obj.(*kustomize.Kustomization)
	if !ok {
		t.Fatalf("%s is a %T", kustomizeDoc, obj)
	}
	return k
}

// TestKustomizationListsEveryManifest: each listed file exists and each
// YAML file is listed, except the example Secret, which must not be: no
// token is ever applied from git.
func TestKustomizationListsEveryManifest(t *testing.T) {
	k := readKustomization(t)
	for _, r := range k.Resources {
		if _, err := os.Stat(r); err != nil {
			t.Errorf("%s lists %s: %v", kustomizeDoc, r, err)
		}
	}
	for _, file := range manifestFiles(t) {
		listed := slices.Contains(k.Resources, file)
		switch file {
		case kustomizeDoc:
		case exampleFile:
			if listed {
				t.Errorf("%s lists %s: the example Secret would be applied", kustomizeDoc, file)
			}
		default:
			if !listed {
				t.Errorf("%s is not listed in %s", file, kustomizeDoc)
			}
		}
	}
	if len(k.SecretGenerator) > 0 {
		t.Errorf("%s generates a Secret: the tokens must come from a Secret made outside git", kustomizeDoc)
	}
	if len(k.Images) == 0 {
		t.Errorf("%s has no images: entry to set the image by", kustomizeDoc)
	}
}

// rendered is what kustomize builds from a directory, each object decoded
// strictly into its API type.
type rendered struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	pdbs        []*policyv1.PodDisruptionBudget
	configMaps  []*corev1.ConfigMap
	secrets     []*corev1.Secret
	metas       []metav1.ObjectMeta
}

// build runs kustomize (the library kubectl apply -k embeds) on dir.
func build(t *testing.T, fsys filesys.FileSystem, dir string) *rendered {
	t.Helper()
	resMap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var out rendered
	for _, res := range resMap.Resources() {
		doc, err := res.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj, err := decodeObject(doc)
		if err != nil {
			t.Fatalf("kustomize's output: %v\n%s", err, doc)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			out.deployments = append(out.deployments, o)
			out.metas = append(out.metas, o.ObjectMeta)
		case *corev1.Service:
			out.services = append(out.services, o)
			out.metas = append(out.metas, o.ObjectMeta)
		case *policyv1.PodDisruptionBudget:
			out.pdbs = append(out.pdbs, o)
			out.metas = append(out.metas, o.ObjectMeta)
		case *corev1.ConfigMap:
			out.configMaps = append(out.configMaps, o)
			out.metas = append(out.metas, o.ObjectMeta)
		case *corev1.Secret:
			out.secrets = append(out.secrets, o)
			out.metas = append(out.metas, o.ObjectMeta)
		default:
			t.Fatalf("kustomize's output has a %T", obj)
		}
	}
	return &out
}

// TestKustomizeBuild builds the directory as `kubectl apply -k` would and
// checks what the cluster would get.
func TestKustomizeBuild(t *testing.T) {
	out := build(t, filesys.MakeFsOnDisk(), ".")
	if len(out.deployments) != 1 || len(out.services) != 1 || len(out.pdbs) != 1 || len(out.configMaps) != 1 {
		t.Fatalf("want one Deployment, Service, PodDisruptionBudget and ConfigMap; got %d, %d, %d, %d",
			len(out.deployments), len(out.services), len(out.pdbs), len(out.configMaps))
	}
	if len(out.secrets) != 0 {
		t.Errorf("kustomize renders %d Secrets: tokens must not come from git", len(out.secrets))
	}
	for _, m := range out.metas {
		if m.Labels["app.kubernetes.io/name"] != appName || m.Labels["app.kubernetes.io/instance"] == "" || m.Labels["app.kubernetes.io/part-of"] != appName {
			t.Errorf("%s: labels app.kubernetes.io/name, instance and part-of missing: %v", m.Name, m.Labels)
		}
		if m.Namespace != "" {
			t.Errorf("%s: namespace %q set: leave it to kubectl -n or an overlay", m.Name, m.Namespace)
		}
	}
	d := out.deployments[0]
	t.Run("Deployment", func(t *testing.T) { checkDeployment(t, d, out.configMaps[0]) })
	t.Run("Service", func(t *testing.T) { checkService(t, out.services[0], d) })
	t.Run("PodDisruptionBudget", func(t *testing.T) { checkPDB(t, out.pdbs[0], d) })
	t.Run("ConfigMap", func(t *testing.T) { checkConfigMap(t, out.configMaps[0]) })
}

// selects reports whether sel selects the pods of d's template.
func selects(t *testing.T, sel *metav1.LabelSelector, d *appsv1.Deployment) bool {
	t.Helper()
	if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Errorf("selector %v: %v", sel, err)
		return false
	}
	return s.Matches(labels.Set(d.Spec.Template.Labels))
}

func checkDeployment(t *testing.T, d *appsv1.Deployment, cm *corev1.ConfigMap) {
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Errorf("replicas %v: want 2 or more", ptrString(d.Spec.Replicas))
	}
	if !selects(t, d.Spec.Selector, d) {
		t.Errorf("selector %v does not select the template's labels %v", d.Spec.Selector, d.Spec.Template.Labels)
	}
	if ru := d.Spec.Strategy.RollingUpdate; d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || ru == nil || ru.MaxUnavailable == nil || ru.MaxUnavailable.IntValue() != 0 {
		t.Errorf("strategy %+v: want a rolling update with maxUnavailable 0 (a new pod is ready before an old one stops)", d.Spec.Strategy)
	}

	pod := d.Spec.Template.Spec
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("automountServiceAccountToken is not false")
	}
	if pod.HostNetwork || pod.HostPID || pod.HostIPC || len(pod.Volumes) > 0 || len(pod.InitContainers) > 0 {
		t.Error("host namespaces, volumes or init containers: the server needs none")
	}
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot ||
		psc.RunAsUser == nil || *psc.RunAsUser != imageUser || psc.RunAsGroup == nil || *psc.RunAsGroup != imageUser ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext %+v: want runAsNonRoot, runAsUser and runAsGroup %d, seccomp RuntimeDefault", psc, imageUser)
	}
	checkSpread(t, d)

	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers: want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !strings.HasPrefix(c.Image, "ghcr.io/scaleway-images-mcp/scaleway-images-mcp:") {
		t.Errorf("image %q: want the placeholder, set by kustomize images:", c.Image)
	}
	checkContainerSecurity(t, c)
	checkPorts(t, c)
	drain, grace := checkEnv(t, c, cm)
	checkProbes(t, c)
	checkResources(t, c)

	// Stopping: the drain (a preStop sleep, or --drain-delay: the process
	// serves on with /healthz at 503 while the Service stops routing to it),
	// then --shutdown-grace for the calls in flight, all before the
	// kubelet's SIGKILL.
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
		h := c.Lifecycle.PreStop
		if h.Exec != nil || h.HTTPGet != nil || h.TCPSocket != nil {
			t.Error("preStop runs a command or a request: the image has no shell, and /healthz stops nothing; use sleep or --drain-delay")
		}
		if h.Sleep != nil {
			drain += time.Duration(h.Sleep.Seconds) * time.Second
		}
	}
	if drain == 0 {
		t.Error("no drain (SCALEWAY_IMAGES_MCP_DRAIN_DELAY or a preStop sleep): the listeners would close before the Service stops routing to the pod")
	}
	tgps := pod.TerminationGracePeriodSeconds
	if tgps == nil {
		t.Fatal("terminationGracePeriodSeconds unset")
	}
	if total := time.Duration(*tgps) * time.Second; total < drain+grace+exitMargin {
		t.Errorf("terminationGracePeriodSeconds %v: want at least drain %v + grace %v + %v to exit", total, drain, grace, exitMargin)
	}
}

// checkSpread wants the replicas spread over nodes, by a topology spread
// constraint or a preferred anti-affinity, either selecting the pods.
func checkSpread(t *testing.T, d *appsv1.Deployment) {
	pod := d.Spec.Template.Spec
	for _, c := range pod.TopologySpreadConstraints {
		if c.TopologyKey == corev1.LabelHostname && selects(t, c.LabelSelector, d) {
			return
		}
	}
	if a := pod.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			if w.PodAffinityTerm.TopologyKey == corev1.LabelHostname && selects(t, w.PodAffinityTerm.LabelSelector, d) {
				return
			}
		}
	}
	t.Error("replicas are not spread over nodes (topologySpreadConstraints or podAntiAffinity on kubernetes.io/hostname selecting the pods)")
}

func checkContainerSecurity(t *testing.T, c corev1.Container) {
	sc := c.SecurityContext
	if sc == nil {
		t.Fatal("container securityContext unset")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Error("privileged")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		t.Errorf("capabilities %+v: want ALL dropped, none added", sc.Capabilities)
	}
	// The container may not undo the pod's non-root settings.
	if (sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot) || (sc.RunAsUser != nil && *sc.RunAsUser != imageUser) {
		t.Errorf("container securityContext overrides the pod's user: %+v", sc)
	}
}

// containerPort resolves a probe's or a Service's port, by name or number,
// to the container's port number (0 when the container has no such port).
func containerPort(c corev1.Container, p intstr.IntOrString) int32 {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	return 0
}

func checkPorts(t *testing.T, c corev1.Container) {
	want := map[string]int32{"mcp": mcpPort, "rest": restPort}
	got := map[string]int32{}
	for _, p := range c.Ports {
		got[p.Name] = p.ContainerPort
		if p.Protocol != "" && p.Protocol != corev1.ProtocolTCP {
			t.Errorf("port %s: protocol %s", p.Name, p.Protocol)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("container ports %v: want %v", got, want)
	}
}

// knownVariables are the environment variables the binary reads: every
// quoted SCW_* and SCALEWAY_* name in the root module's Go code (tests
// aside), so that a misspelt variable in a manifest fails here rather
// than being silently ignored by the server. Go's own runtime variables
// are allowed too.
func knownVariables(t *testing.T) map[string]bool {
	t.Helper()
	known := map[string]bool{"GOMEMLIMIT": true, "GOMAXPROCS": true, "GOGC": true, "GODEBUG": true}
	re := regexp.MustCompile(`"((?:SCW|SCALEWAY)_[A-Z0-9_]+)"`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && path != root && (strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" || e.Name() == "deploy" || e.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			known[string(m[1])] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"SCALEWAY_IMAGES_MCP_HTTP", "SCALEWAY_IMAGES_MCP_REST", "SCW_SECRET_KEY"} {
		if !known[v] {
			t.Fatalf("the binary's source (%s) does not name %s: is this the repository's deploy/kubernetes?", root, v)
		}
	}
	return known
}

// checkEnv checks the container's environment and returns the drain and
// the grace it sets (--drain-delay, --shutdown-grace).
func checkEnv(t *testing.T, c corev1.Container, cm *corev1.ConfigMap) (drain, grace time.Duration) {
	known := knownVariables(t)
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		if _, dup := env[e.Name]; dup {
			t.Errorf("%s is set twice", e.Name)
		}
		env[e.Name] = e
		if !known[e.Name] {
			t.Errorf("%s: the binary reads no such variable", e.Name)
		}
		if slices.Contains(secretVariables, e.Name) && e.ValueFrom == nil {
			t.Errorf("%s has a literal value: it must come from a Secret", e.Name)
		}
	}

	// Both listeners beyond loopback, on the seed's ports.
	for name, port := range map[string]int{"SCALEWAY_IMAGES_MCP_HTTP": mcpPort, "SCALEWAY_IMAGES_MCP_REST": restPort} {
		host, p, err := net.SplitHostPort(env[name].Value)
		if err != nil || p != strconv.Itoa(port) {
			t.Errorf("%s=%q: want :%d (%v)", name, env[name].Value, port, err)
			continue
		}
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			t.Errorf("%s=%q: loopback is unreachable from the kubelet and the Service", name, env[name].Value)
		}
	}

	// Tokens required from the Secret, the default key optional.
	secretName := ""
	for name, optional := range map[string]bool{
		"SCALEWAY_IMAGES_MCP_HTTP_TOKEN": false,
		"SCALEWAY_IMAGES_MCP_REST_TOKEN": false,
		"SCW_SECRET_KEY":                 true,
	} {
		e, ok := env[name]
		if !ok || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			t.Errorf("%s: want a secretKeyRef", name)
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		if got := ref.Optional != nil && *ref.Optional; got != optional {
			t.Errorf("%s: optional %v, want %v", name, got, optional)
		}
		if secretName == "" {
			secretName = ref.Name
		}
		if ref.Name != secretName || ref.Name != appName {
			t.Errorf("%s: Secret %q: want every key from the Secret %q", name, ref.Name, appName)
		}
	}

	// The generated ConfigMap, under the name kustomize gave it.
	refs := 0
	for _, from := range c.EnvFrom {
		if from.SecretRef != nil {
			t.Errorf("envFrom a Secret: name each secret variable with secretKeyRef")
		}
		if from.ConfigMapRef != nil {
			refs++
			if from.ConfigMapRef.Name != cm.Name {
				t.Errorf("envFrom ConfigMap %q: kustomize generated %q", from.ConfigMapRef.Name, cm.Name)
			}
		}
	}
	if refs != 1 {
		t.Errorf("%d envFrom ConfigMaps: want the generated one", refs)
	}

	if v, ok := env["GOMEMLIMIT"]; ok {
		limit, err := parseGoBytes(v.Value)
		mem := c.Resources.Limits.Memory()
		if err != nil || mem.IsZero() || limit >= mem.Value() {
			t.Errorf("GOMEMLIMIT=%q (%v): want it below the memory limit %v", v.Value, err, mem)
		}
	}

	duration := func(name string, unset time.Duration) time.Duration {
		e, ok := env[name]
		if !ok {
			return unset
		}
		d, err := time.ParseDuration(e.Value)
		if err != nil || d <= 0 {
			t.Errorf("%s=%q: want a positive duration (%v)", name, e.Value, err)
		}
		return d
	}
	return duration("SCALEWAY_IMAGES_MCP_DRAIN_DELAY", 0), duration("SCALEWAY_IMAGES_MCP_SHUTDOWN_GRACE", defaultShutdownGrace)
}

// parseGoBytes parses a GOMEMLIMIT value: a number of bytes with an
// optional B, KiB, MiB, GiB or TiB suffix.
func parseGoBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			return v << u.shift, err
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

func checkProbes(t *testing.T, c corev1.Container) {
	for name, p := range map[string]*corev1.Probe{"readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s: want an httpGet probe", name)
			continue
		}
		g := p.HTTPGet
		if g.Path != "/healthz" || containerPort(c, g.Port) != mcpPort || (g.Scheme != "" && g.Scheme != corev1.URISchemeHTTP) {
			t.Errorf("%s: %s %s port %s: want GET http /healthz on %d", name, g.Scheme, g.Path, g.Port.String(), mcpPort)
		}
		for _, h := range g.HTTPHeaders {
			if strings.EqualFold(h.Name, "Authorization") {
				t.Errorf("%s sends a token: /healthz needs none, and a probe's headers are not secret", name)
			}
		}
		if p.PeriodSeconds <= 0 || p.TimeoutSeconds <= 0 || p.FailureThreshold <= 0 {
			t.Errorf("%s: period, timeout and failure threshold must be set", name)
		}
	}
}

func checkResources(t *testing.T, c corev1.Container) {
	r := c.Resources
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, hasReq := r.Requests[name]
		limit, hasLimit := r.Limits[name]
		if !hasReq || !hasLimit || req.IsZero() || limit.IsZero() {
			t.Errorf("%s: want a request and a limit", name)
			continue
		}
		if req.Cmp(limit) > 0 {
			t.Errorf("%s: request %v above limit %v", name, &req, &limit)
		}
	}
	if mem := r.Limits.Memory(); mem.Value() < hostilePeak*3/2 {
		t.Errorf("memory limit %v: want at least 1.5 times the hostile-upstream peak (%d MiB)", mem, hostilePeak>>20)
	}
	if mem := r.Requests.Memory(); mem.Value() < saturatedRSS {
		t.Errorf("memory request %v: below the measured saturated RSS (%d MiB)", mem, saturatedRSS>>20)
	}
	// Go sets GOMAXPROCS from the CPU limit, rounded up: at least 1.
	if cpu := r.Limits.Cpu(); cpu.Cmp(resource.MustParse("1")) < 0 {
		t.Errorf("cpu limit %v: below one CPU, Go would still run one thread busy and be throttled", cpu)
	}
}

func checkService(t *testing.T, s *corev1.Service, d *appsv1.Deployment) {
	if s.Spec.Type != "" && s.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("type %s: want ClusterIP", s.Spec.Type)
	}
	if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("selector %v does not select the pods %v", s.Spec.Selector, d.Spec.Template.Labels)
	}
	if s.Spec.SessionAffinity == corev1.ServiceAffinityClientIP {
		t.Error("session affinity: the server is stateless, any replica answers")
	}
	c := d.Spec.Template.Spec.Containers[0]
	want := map[string]int32{"mcp": mcpPort, "rest": restPort}
	if len(s.Spec.Ports) != len(want) {
		t.Errorf("%d ports: want %d", len(s.Spec.Ports), len(want))
	}
	for _, p := range s.Spec.Ports {
		if p.Port != want[p.Name] || containerPort(c, p.TargetPort) != want[p.Name] {
			t.Errorf("port %q %d -> %s: want %d to the container's %d", p.Name, p.Port, p.TargetPort.String(), want[p.Name], want[p.Name])
		}
	}
}

func checkPDB(t *testing.T, p *policyv1.PodDisruptionBudget, d *appsv1.Deployment) {
	if !selects(t, p.Spec.Selector, d) {
		t.Errorf("selector %v does not select the pods %v", p.Spec.Selector, d.Spec.Template.Labels)
	}
	replicas := int(*d.Spec.Replicas)
	switch {
	case (p.Spec.MinAvailable == nil) == (p.Spec.MaxUnavailable == nil):
		t.Error("want exactly one of minAvailable and maxUnavailable")
	case p.Spec.MaxUnavailable != nil:
		n, err := intstr.GetScaledValueFromIntOrPercent(p.Spec.MaxUnavailable, replicas, false)
		if err != nil || n < 1 || n >= replicas {
			t.Errorf("maxUnavailable %s of %d replicas (%v): want at least 1, fewer than all", p.Spec.MaxUnavailable.String(), replicas, err)
		}
	default:
		n, err := intstr.GetScaledValueFromIntOrPercent(p.Spec.MinAvailable, replicas, true)
		if err != nil || n < 1 || n >= replicas {
			t.Errorf("minAvailable %s of %d replicas (%v): want at least 1, and fewer than all or no drain ever ends", p.Spec.MinAvailable.String(), replicas, err)
		}
	}
}

func checkConfigMap(t *testing.T, cm *corev1.ConfigMap) {
	known := knownVariables(t)
	for k := range cm.Data {
		if !known[k] {
			t.Errorf("ConfigMap key %s: the binary reads no such variable", k)
		}
		if slices.Contains(secretVariables, k) || strings.HasSuffix(k, "_TOKEN") {
			t.Errorf("ConfigMap key %s: a secret, put it in the Secret", k)
		}
		if k == "SCALEWAY_IMAGES_MCP_HTTP" || k == "SCALEWAY_IMAGES_MCP_REST" || k == "SCALEWAY_IMAGES_MCP_SANDBOX" {
			t.Errorf("ConfigMap key %s: the Deployment sets it (ports and probes depend on it)", k)
		}
	}
	if len(cm.BinaryData) > 0 {
		t.Error("ConfigMap has binaryData")
	}
}

// TestSecretExample: the example names every key the Deployment reads
// from the Secret, and its placeholder tokens are too short for the server
// to accept, so that the example applied unchanged fails closed.
func TestSecretExample(t *testing.T) {
	doc, err := os.ReadFile(exampleFile)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := decodeObject(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := obj.(*corev1.Secret)
	if !ok {
		t.Fatalf("%s is a %T", exampleFile, obj)
	}
	if len(s.Data) > 0 {
		t.Error("the example has data: use stringData, readable placeholders")
	}
	d := build(t, filesys.MakeFsOnDisk(), ".").deployments[0]
	for _, e := range d.Spec.Template.Spec.Containers[0].Env {
		ref := (*corev1.SecretKeySelector)(nil)
		if e.ValueFrom != nil {
			ref = e.ValueFrom.SecretKeyRef
		}
		if ref == nil {
			continue
		}
		if ref.Name != s.Name {
			t.Errorf("%s reads the Secret %q; the example is %q", e.Name, ref.Name, s.Name)
		}
		v, ok := s.StringData[ref.Key]
		required := ref.Optional == nil || !*ref.Optional
		if required && !ok {
			t.Errorf("the example lacks %s, which the Deployment requires", ref.Key)
		}
		if ok && strings.HasSuffix(ref.Key, "_TOKEN") && len(v) >= minTokenLength {
			t.Errorf("the example's %s is %d characters: a placeholder the server would accept as a token", ref.Key, len(v))
		}
	}
}

// TestOverlay builds the overlay README.md shows: its images: entry sets
// the registry, name and tag, its namespace applies to every object, and
// its configMapGenerator merges settings into the base's, under a name the
// Deployment follows.
func TestOverlay(t *testing.T) {
	mem := filesys.MakeFsInMemory()
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f == localSecret {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := mem.WriteFile(filepath.Join("/base", f), data); err != nil {
			t.Fatal(err)
		}
	}
	overlay := `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: mcp
resources:
  - ../base
images:
  - name: ghcr.io/scaleway-images-mcp/scaleway-images-mcp
    newName: rg.fr-par.scw.cloud/team/scaleway-images-mcp
    newTag: 1.2.3
configMapGenerator:
  - name: scaleway-images-mcp
    behavior: merge
    literals:
      - SCW_DEFAULT_PROJECT_ID=33333333-3333-3333-3333-333333333333
      - SCALEWAY_IMAGES_MCP_READ_ONLY=true
`
	if _, err := decodeObject([]byte(overlay)); err != nil {
		t.Fatalf("the overlay: %v", err)
	}
	if err := mem.WriteFile("/overlay/kustomization.yaml", []byte(overlay)); err != nil {
		t.Fatal(err)
	}
	out := build(t, mem, "/overlay")
	c := out.deployments[0].Spec.Template.Spec.Containers[0]
	if got, want := c.Image, "rg.fr-par.scw.cloud/team/scaleway-images-mcp:1.2.3"; got != want {
		t.Errorf("image %q, want %q", got, want)
	}
	for _, m := range out.metas {
		if m.Namespace != "mcp" {
			t.Errorf("%s: namespace %q, want the overlay's", m.Name, m.Namespace)
		}
	}
	cm := out.configMaps[0]
	for _, k := range []string{"SCW_DEFAULT_ZONE", "SCW_DEFAULT_PROJECT_ID", "SCALEWAY_IMAGES_MCP_READ_ONLY"} {
		if _, ok := cm.Data[k]; !ok {
			t.Errorf("the merged ConfigMap lacks %s: %v", k, cm.Data)
		}
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != cm.Name {
		t.Errorf("envFrom %+v: want the merged ConfigMap %q", c.EnvFrom, cm.Name)
	}
	checkConfigMap(t, cm)
}

func ptrString[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}
