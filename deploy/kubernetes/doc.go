// Package kubernetes holds the tests of the Kubernetes manifests of
// scaleway-images-mcp (the YAML files beside this one): every manifest
// decodes strictly against the Kubernetes API types, kustomize builds the
// directory, and what the deployment must guarantee (replicas, probes,
// security context, resources, the drain) is checked on what kustomize
// renders.
//
// It is a Go module of its own, so that the binary's go.mod gains no
// Kubernetes dependency; `go test ./...` at the repository root does not
// enter it: .ci/run runs it here.
package kubernetes
