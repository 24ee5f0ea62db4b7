package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// deleteAfterAsking is delete-instance-image under --confirm-deletes, for
// a client that can ask: it shows the user the image and the snapshots it
// is made of, and asks whether to delete those that no other image uses
// too. Declined or dismissed, nothing is deleted. With nothing to ask
// about (every snapshot kept), it deletes the image as usual. Each run
// reads the image and the snapshots again: the one that asks and the one
// that acts may be on different replicas.
func (d *Deps) deleteAfterAsking(ctx context.Context, c *call, zone scaleway.Zone, id string) (DeleteImageOutput, error) {
	q := question{
		key: "delete_snapshots", notDone: "Nothing was deleted",
		next: "The image and its snapshots are unchanged; ask the user what they want.",
	}
	// A declined question ends the call before anything is read.
	answer, err := c.answer(q)
	var asking *inputRequired
	if err != nil && !errors.As(err, &asking) {
		return DeleteImageOutput{}, err
	}
	img, resp, err := d.Client.GetImage(ctx, zone, id)
	c.observe(resp)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	offered, kept, err := d.deletableSnapshots(ctx, c, zone, img)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	withSnapshots := false
	if len(offered) > 0 {
		if asking != nil {
			q.message, q.schema = snapshotsQuestion(zone, img, offered, kept)
			return DeleteImageOutput{}, &inputRequired{q: q}
		}
		withSnapshots, _ = answer["delete_snapshots"].(bool)
	}
	// Read again under the image's lock: delete what was shown, and only
	// the snapshots the image is still made of.
	img, err = d.readAndDelete(ctx, c, zone, id)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	kinds := snapshotKinds(img)
	var chosen []SnapshotItem
	if withSnapshots {
		for _, snap := range offered {
			if _, still := kinds[snap.ID]; still {
				chosen = append(chosen, snap)
			}
		}
	}
	failures := d.deleteSnapshots(ctx, zone, chosen)
	var deletedSnapshots, failed []string
	for i, snap := range chosen {
		if failures[i] != nil {
			failed = append(failed, fmt.Sprintf("%s: %s", snap.ID, errorText(failures[i])))
			continue
		}
		deletedSnapshots = append(deletedSnapshots, snap.title())
		delete(kinds, snap.ID)
	}
	left := slices.DeleteFunc(img.SnapshotIDs(), func(sid string) bool { _, still := kinds[sid]; return !still })
	out := deleted(zone, img, deletedSnapshots, d.readSnapshots(ctx, zone, left, kinds))
	if len(failed) > 0 {
		out.Message += " Could not delete: " + strings.Join(failed, "; ") + "."
	}
	return out, nil
}

// deletableSnapshots sorts img's snapshots into those that could go with
// it (no other image is made of them) and those that must stay, each
// described, from one list of the zone's snapshots and images.
func (d *Deps) deletableSnapshots(ctx context.Context, c *call, zone scaleway.Zone, img *scaleway.Image) (offered []SnapshotItem, kept []string, err error) {
	listed, err := d.listSnapshots(ctx, c, ListSnapshotsInput{Zone: string(zone)})
	if err != nil {
		return nil, nil, fmt.Errorf("reading the image's snapshots before asking: %w", err)
	}
	for _, sid := range img.SnapshotIDs() {
		i := slices.IndexFunc(listed.Snapshots, func(s SnapshotItem) bool { return s.ID == sid })
		switch {
		case i < 0:
			kept = append(kept, sid+" (not among your snapshots here)")
		case slices.ContainsFunc(listed.Snapshots[i].UsedBy, func(user string) bool { return user != img.ID }):
			kept = append(kept, listed.Snapshots[i].title()+", which other images use")
		default:
			offered = append(offered, listed.Snapshots[i])
		}
	}
	return offered, kept, nil
}

// snapshotsQuestion is the question's text and form: delete the image,
// and with it the snapshots offered?
func snapshotsQuestion(zone scaleway.Zone, img *scaleway.Image, offered []SnapshotItem, kept []string) (message string, schema map[string]any) {
	described := make([]string, len(offered))
	total := 0.0
	for i, snap := range offered {
		described[i] = snap.title()
		if snap.SizeGB != nil {
			total += *snap.SizeGB
		}
	}
	message = fmt.Sprintf("Delete image %s (%s) in %s? Its snapshots stay, and stay billed, unless you delete them too: %s.",
		img.Name, img.ID, zone, strings.Join(described, "; "))
	if len(kept) > 0 {
		message += " Kept in any case: " + strings.Join(kept, "; ") + "."
	}
	schema = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"delete_snapshots": map[string]any{
				"type": "boolean", "default": false,
				"title":       fmt.Sprintf("Also delete its %d snapshot(s), %s GB", len(offered), strconv.FormatFloat(total, 'f', -1, 64)),
				"description": "Deleted snapshots cannot be recovered.",
			},
		},
	}
	return message, schema
}

// deleteSnapshots deletes each snapshot through the API that serves it,
// all at once, and returns each one's error (nil: deleted). Each outcome
// is logged with the snapshot's id: a write that reached Scaleway is never
// forgotten.
func (d *Deps) deleteSnapshots(ctx context.Context, zone scaleway.Zone, snapshots []SnapshotItem) []error {
	failures := make([]error, len(snapshots))
	var wg sync.WaitGroup
	for i, snap := range snapshots {
		wg.Go(func() {
			del := d.Client.DeleteSnapshot
			if snap.Kind == SnapshotKindSBS {
				del = d.Client.DeleteBlockSnapshot
			}
			_, err := del(ctx, zone, snap.ID)
			failures[i] = err
			event := d.Logger.Info()
			if err != nil {
				event = d.Logger.Warn().Str("error", errorText(err))
			}
			event.Str("tool", DeleteImageTool).Str("zone", string(zone)).Str("snapshot_id", snap.ID).Str("kind", snap.Kind).
				Bool("deleted", err == nil).Msg("snapshot delete")
		})
	}
	wg.Wait()
	return failures
}
