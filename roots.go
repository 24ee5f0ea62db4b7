package main

// The container image (scripts/image.sh) holds this binary and nothing
// else: no CA certificates. These roots, compiled in, are what the TLS
// client trusts when the system has none, and only then; a system with
// roots of its own keeps using them.
import _ "golang.org/x/crypto/x509roots/fallback"
