package main

import (
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// TestFallbackRootsWithoutSystemRoots runs this test binary again where
// the system has no CA certificates, as in the container image, and
// checks that a public root is trusted there: the compiled-in roots are
// linked and used.
func TestFallbackRootsWithoutSystemRoots(t *testing.T) {
	t.Parallel()
	if os.Getenv("FALLBACK_ROOTS_CHILD") == "1" {
		verifyABundledRoot(t)
		return
	}
	empty := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFallbackRootsWithoutSystemRoots$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		"FALLBACK_ROOTS_CHILD=1",
		"SSL_CERT_FILE="+filepath.Join(empty, "none.pem"),
		"SSL_CERT_DIR="+empty,
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("without system roots: %v\n%s", err, out)
	}
}

// verifyABundledRoot verifies the first unconstrained root of the bundle
// against the system pool, which holds only the fallback roots here.
func verifyABundledRoot(t *testing.T) {
	for root := range bundle.Roots() {
		if root.Constraint != nil {
			continue
		}
		cert, err := x509.ParseCertificate(root.Certificate)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cert.Verify(x509.VerifyOptions{}); err != nil {
			t.Fatalf("%s is not trusted: %v", cert.Subject, err)
		}
		return
	}
	t.Fatal("the bundle has no unconstrained root")
}
