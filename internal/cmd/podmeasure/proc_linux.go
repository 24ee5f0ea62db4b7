package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes cmd killed when this program dies, however it
// dies (an interrupt, a closed pipe on stdout), so that no server or fake
// is left behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
