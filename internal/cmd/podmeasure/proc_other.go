//go:build !linux

package main

import "os/exec"

// dieWithParent does nothing where there is no parent-death signal; the
// program refuses to run there anyway (it reads /proc).
func dieWithParent(*exec.Cmd) {}
