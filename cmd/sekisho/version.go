package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise it comes from
// the build information the Go tool records.
var version = ""

// buildInfo is what the binary knows about how it was built.
type buildInfo struct {
	version  string // v1.2.3, or devel
	commit   string // full VCS revision, "" when the build recorded none
	time     string // commit time (RFC 3339)
	modified bool   // built from a tree with uncommitted changes
}

func readBuildInfo() buildInfo {
	info, _ := debug.ReadBuildInfo()
	return parseBuildInfo(version, info)
}

// parseBuildInfo reads the version (linked wins over the module's) and the VCS settings
// the Go tool records; info may be nil.
func parseBuildInfo(linked string, info *debug.BuildInfo) buildInfo {
	b := buildInfo{version: linked}
	if info != nil {
		if b.version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.commit = s.Value
			case "vcs.time":
				b.time = s.Value
			case "vcs.modified":
				b.modified = s.Value == "true"
			}
		}
	}
	if b.version == "" {
		b.version = "devel"
	}
	return b
}

// versionString is the short form for reports and logs: "v1.2.3", or "devel-<commit>"
// with "+dirty" for a modified tree, so a report says which code produced it.
func versionString() string { return readBuildInfo().short() }

func (b buildInfo) short() string {
	v := b.version
	if b.commit != "" {
		c := b.commit
		if len(c) > 12 {
			c = c[:12]
		}
		v += "-" + c
		if b.modified {
			v += "+dirty"
		}
	}
	return v
}

// versionLine is what `sekisho version` and `sekisho --version` print: the version, the
// full commit and its time, whether the tree was modified, the Go version and platform.
func versionLine() string { return readBuildInfo().line() }

func (b buildInfo) line() string {
	s := "sekisho " + b.version
	if b.commit != "" {
		s += " commit " + b.commit
		if b.time != "" {
			s += " (" + b.time + ")"
		}
		if b.modified {
			s += " modified"
		}
	} else {
		s += " commit unknown (built without VCS information)"
	}
	return fmt.Sprintf("%s %s %s/%s", s, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func versionCmd(_ context.Context, args []string, io stdio) int {
	if len(args) > 0 {
		return usageError(io, "version", "takes no arguments")
	}
	fmt.Fprintln(io.out, versionLine())
	return exitOK
}
