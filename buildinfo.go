package main

import "runtime/debug"

// Set by the release build through -ldflags. Read by currentBuild alone:
// the rest of the program gets the build from options.build.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// buildInfo says which build is running.
type buildInfo struct {
	version, commit, date string
}

// currentBuild is this binary's build: a release build's linked version,
// else the module version that "go install ...@vX.Y.Z" records.
func currentBuild() buildInfo {
	b := buildInfo{version: version, commit: commit, date: date}
	if b.version != "dev" {
		return b
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.version = info.Main.Version
	}
	return b
}
