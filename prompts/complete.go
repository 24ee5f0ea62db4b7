package prompts

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// Completion reads at most one page from each API it needs, within
// completeTimeout: a client asks on every key stroke, and a slow or failed
// list must leave an empty list of suggestions, not an error or a wait.
const (
	completeTimeout = 3 * time.Second
	maxValues       = 100 // the most values one completion may hold
)

// suggestedDays are clean-up-images' usual ages.
var suggestedDays = []string{"30", "90", "180", "365"}

// Complete answers completion/complete for the prompts' arguments: zones,
// ages, and, from the account, snapshot and image names and ids in the
// zone the other arguments name (else the default one). Values match what
// was typed at their start or, for names, anywhere, ignoring case.
func (d *Deps) Complete(ctx context.Context, req *mcp.CompleteRequest) (*mcp.CompleteResult, error) {
	ref, arg := req.Params.Ref, req.Params.Argument
	i := slices.IndexFunc(table, func(def definition) bool { return def.prompt.Name == ref.Name })
	if ref.Type != "ref/prompt" || i < 0 {
		return completion(nil), nil
	}
	def := table[i]
	typed := strings.ToLower(strings.TrimSpace(arg.Value))
	zone := d.DefaultZone
	if req.Params.Context != nil {
		if z, err := scaleway.ParseZone(req.Params.Context.Arguments[argZone]); err == nil {
			zone = z
		}
	}
	var candidates []string
	switch arg.Name {
	case argZone:
		candidates = scaleway.ZoneNames()
		if def.allZones {
			candidates = append(candidates, tools.AllZones)
		}
	case argDays:
		candidates = suggestedDays
	case argSnapshot:
		candidates = d.snapshotNames(ctx, zone)
	case argImage:
		candidates = d.imageNames(ctx, zone)
	}
	var values []string
	for _, c := range candidates {
		if strings.Contains(strings.ToLower(c), typed) && !slices.Contains(values, c) {
			values = append(values, c)
		}
	}
	return completion(values), nil
}

func completion(values []string) *mcp.CompleteResult {
	res := &mcp.CompleteResult{Completion: mcp.CompletionResultDetails{Values: []string{}, Total: len(values)}}
	if len(values) > maxValues {
		values, res.Completion.HasMore = values[:maxValues], true
	}
	res.Completion.Values = append(res.Completion.Values, values...)
	return res
}

// snapshotNames are the names, then the ids, of the zone's newest
// snapshots: one page of each API, read at once.
func (d *Deps) snapshotNames(ctx context.Context, zone scaleway.Zone) []string {
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	page, size := scaleway.PageNumber(1), scaleway.PageSize(scaleway.MaxPerPage)
	var names, ids []string
	var mu sync.Mutex
	add := func(name, id string) {
		mu.Lock()
		defer mu.Unlock()
		if name != "" {
			names = append(names, name)
		}
		ids = append(ids, id)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		listed, _, err := d.Client.ListSnapshots(ctx, zone, &scaleway.ListSnapshotsRequest{Page: page, PerPage: size})
		if d.failed(err, "snapshots") {
			return
		}
		for _, s := range listed.Snapshots {
			add(s.Name, s.ID)
		}
	})
	wg.Go(func() {
		order := "created_at_desc"
		listed, _, err := d.Client.ListBlockSnapshots(ctx, zone, &scaleway.ListBlockSnapshotsRequest{Page: page, PageSize: size, OrderBy: &order})
		if d.failed(err, "block snapshots") {
			return
		}
		for _, s := range listed.Snapshots {
			add(s.Name, s.ID)
		}
	})
	wg.Wait()
	slices.Sort(names)
	return append(names, ids...)
}

// imageNames are the names, then the ids, of the caller's images in the
// zone: one page, the newest.
func (d *Deps) imageNames(ctx context.Context, zone scaleway.Zone) []string {
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	private := false
	listed, _, err := d.Client.ListImages(ctx, zone, &scaleway.ListImagesRequest{Public: &private, Page: scaleway.PageNumber(1), PerPage: scaleway.PageSize(scaleway.MaxPerPage)})
	if d.failed(err, "images") {
		return nil
	}
	var names, ids []string
	for _, img := range listed.Images {
		names = append(names, img.Name)
		ids = append(ids, img.ID)
	}
	slices.Sort(names)
	return append(names, ids...)
}

// failed logs a list that completion could not read, and reports it.
func (d *Deps) failed(err error, what string) bool {
	if err != nil {
		d.Logger.Warn().Err(err).Str("list", what).Msg("completion: could not list; no suggestions")
	}
	return err != nil
}
