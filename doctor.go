package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/scwconfig"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// doctorUsage introduces doctor's flags.
const doctorUsage = `Usage: scaleway-images-mcp [flags] doctor [--check]

Prints the configuration the server would use, and where each setting came
from (flag, environment, scw config file, default), the secret key redacted.
With --check it then lists one of your images, to check the key, the zone
and the network, and on failure prints Scaleway's error and what to do.
The flags before "doctor" are the server's (scaleway-images-mcp help).

Flags:
`

// runDoctor prints where each setting came from, with the key redacted,
// and with --check makes one real call and says what to do if it fails.
func runDoctor(ctx context.Context, opts *options, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	check := fs.Bool("check", false, "list one image to check the key, the zone and the network")
	if err := parseArgs(fs, args, func(w io.Writer) { printUsage(w, fs, doctorUsage) }, stdout, stderr); err != nil {
		return err
	}
	a, err := newApp(opts, io.Discard)
	if err != nil {
		fmt.Fprintf(stdout, "Configuration: FAILED\n  %v\n", err)
		return exitError(1)
	}
	cfg := a.cfg
	fmt.Fprintf(stdout, "scaleway-images-mcp %s\n\n", opts.build.version)
	if a.sandbox != nil {
		fmt.Fprintln(stdout, "Mode: sandbox (in-memory fake API; the settings below are not used for calls)")
	}
	file := cfg.ConfigPath + " (not found)"
	if cfg.ConfigFileFound {
		file = cfg.ConfigPath
	}
	key := "not set"
	if cfg.SecretKey != "" {
		key = scaleway.RedactSecret(cfg.SecretKey)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "config file\t%s\n", file)
	rows := []struct{ label, field, value string }{
		{"profile", scwconfig.FieldProfile, orNone(cfg.Profile)},
		{"secret key", scwconfig.FieldSecretKey, key},
		{"access key", scwconfig.FieldAccessKey, orNone(cfg.AccessKey)},
		{"zone", scwconfig.FieldZone, string(cfg.Zone)},
		{"project", scwconfig.FieldProjectID, orNone(cfg.ProjectID)},
		{"organization", scwconfig.FieldOrganizationID, orNone(cfg.OrganizationID)},
		{"api url", scwconfig.FieldAPIURL, cfg.APIURL},
	}
	for _, row := range rows {
		source := cfg.Sources[row.field]
		if source == "" {
			source = "unset"
		}
		fmt.Fprintf(w, "%s\t%s\t(%s)\n", row.label, row.value, source)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if cfg.SecretKey == "" && a.sandbox == nil {
		fmt.Fprintln(stdout, "hint: set SCW_SECRET_KEY or SCALEWAY_API_KEY, or run \"scw init\" to write the scw config file")
	}
	for _, warning := range cfg.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", warning)
	}
	if !*check {
		return nil
	}
	fmt.Fprintln(stdout)
	perPage := uint32(1)
	public := false
	page, resp, err := a.client.ListImages(ctx, cfg.Zone, &scaleway.ListImagesRequest{PerPage: &perPage, Public: &public})
	if err != nil {
		var apiErr *scaleway.Error
		if errors.As(err, &apiErr) {
			fmt.Fprintf(stdout, "Check: FAILED with Scaleway error %s\n  %v\n", apiErr.Type, err)
		} else {
			fmt.Fprintf(stdout, "Check: FAILED\n  %v\n", err)
		}
		return exitError(1)
	}
	fmt.Fprintf(stdout, "Check: OK, listed your images in %s (%d found, request id %s)\n", cfg.Zone, page.TotalCount, resp.RequestID)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
