package tools

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// defaultPerPage is smaller than the API's 50: every listed image costs
// model context, and next_page makes asking for more cheap.
const defaultPerPage = 20

// zone is the zone argument, the configured zone by default. The client
// checks it, with the call's other arguments.
func (d *Deps) zone(c *call, arg string) scaleway.Zone {
	if arg == "" {
		arg = string(d.DefaultZone)
	}
	c.zone = arg
	return scaleway.Zone(arg)
}

func (d *Deps) getImage(ctx context.Context, c *call, in GetImageInput) (ImageOutput, error) {
	zone := d.zone(c, in.Zone)
	img, resp, err := d.Client.GetImage(ctx, zone, in.ImageID)
	c.observe(resp)
	if err != nil {
		return ImageOutput{}, err
	}
	view := newImage(img)
	d.readBlockSizes(ctx, zone, view)
	return ImageOutput{Image: view}, nil
}

// patch is the PATCH body that makes these changes.
func (ch ImageChanges) patch() *scaleway.UpdateImageRequest {
	req := &scaleway.UpdateImageRequest{Name: ch.Name, Arch: scaleway.Arch(ch.Arch), Tags: ch.Tags, Public: ch.Public}
	if ch.ExtraVolumes != nil {
		req.ExtraVolumes = scaleway.VolumeMap(*ch.ExtraVolumes, func(id string) *scaleway.VolumeImageUpdateTemplate {
			return &scaleway.VolumeImageUpdateTemplate{ID: id}
		})
	}
	return req
}

func (d *Deps) updateImage(ctx context.Context, c *call, in UpdateImageInput) (ImageOutput, error) {
	zone := d.zone(c, in.Zone)
	if in.ExtraVolumes != nil && len(*in.ExtraVolumes) == 0 {
		// PATCH cannot carry an empty map (the API reads it as "no
		// change"), so say so rather than succeed without doing it.
		return ImageOutput{}, &scaleway.ValidationError{Field: "extra_volumes", Kind: scaleway.KindConstraint, Value: "[]", Reason: "cannot remove every extra volume with update-image-2; use update-image with extra_volumes: []"}
	}
	unlock, err := d.lockImage(ctx, zone, in.ImageID)
	if err != nil {
		return ImageOutput{}, err
	}
	defer unlock()
	img, resp, err := d.Client.UpdateImage(ctx, zone, in.ImageID, in.patch())
	c.observe(resp)
	c.wrote(in.ImageID, err)
	err = d.explainDenied(err, "changed", func() *scaleway.Image { return d.readAfterDenial(ctx, zone, in.ImageID) })
	return ImageOutput{Image: newImage(img)}, err
}

// setImage is PUT done safely (see scaleway.ReplaceImage): nothing is
// reset by omission, and a change made by anyone else between the read
// and the write is not undone. The lock keeps this process's own calls
// apart.
func (d *Deps) setImage(ctx context.Context, c *call, in SetImageInput) (ImageOutput, error) {
	zone := d.zone(c, in.Zone)
	unlock, err := d.lockImage(ctx, zone, in.ID)
	if err != nil {
		return ImageOutput{}, err
	}
	defer unlock()
	img, read, resp, err := d.Client.ReplaceImage(ctx, zone, in.ID, in.patch())
	c.observe(resp)
	c.wrote(in.ID, err)
	if errors.Is(err, scaleway.ErrImageChanged) {
		return ImageOutput{}, fmt.Errorf("image %s changed since %s read it (by whom is unknown), so nothing was written; call %s again, or use %s, which changes only the fields it names",
			in.ID, SetImageTool, SetImageTool, UpdateImageTool)
	}
	err = d.explainDenied(err, "changed", func() *scaleway.Image { return read })
	return ImageOutput{Image: newImage(img)}, err
}

func (d *Deps) deleteImage(ctx context.Context, c *call, in DeleteImageInput) (DeleteImageOutput, error) {
	zone := d.zone(c, in.Zone)
	if d.ConfirmDeletes && canAsk(c.req) {
		return d.deleteAfterAsking(ctx, c, zone, in.ImageID)
	}
	img, err := d.readAndDelete(ctx, c, zone, in.ImageID)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	return deleted(zone, img, nil, d.readSnapshots(ctx, zone, img.SnapshotIDs(), snapshotKinds(img))), nil
}

// deleted is the result of a delete: the image, the snapshots deleted
// with it (described), and those that remain, read after.
func deleted(zone scaleway.Zone, img *scaleway.Image, deletedSnapshots []string, remaining []RemainingSnapshot) DeleteImageOutput {
	message := fmt.Sprintf("Deleted image %s (%s) in %s.", img.Name, img.ID, zone)
	if len(deletedSnapshots) > 0 {
		message = fmt.Sprintf("Deleted image %s (%s) in %s, and %d of its snapshots, no longer billed: %s.", img.Name, img.ID, zone, len(deletedSnapshots), strings.Join(deletedSnapshots, "; "))
	}
	if len(remaining) > 0 {
		described := make([]string, len(remaining))
		for i, snap := range remaining {
			described[i] = snap.describe()
		}
		message += fmt.Sprintf(" Its %d snapshot(s) still exist and are still billed: %s. Delete those you no longer need with scw instance snapshot delete or scw block snapshot delete, by kind.",
			len(remaining), strings.Join(described, "; "))
	}
	return DeleteImageOutput{
		Deleted:            DeletedImage{ID: img.ID, Name: img.Name, Zone: string(zone)},
		RemainingSnapshots: remaining,
		Message:            message,
	}
}

// readAndDelete reads the image, then deletes it, both under the image's
// lock so that the snapshots it reports are those of the image deleted.
// Read first: the answer to DELETE is empty, and the caller needs to know
// which snapshots outlive the image.
func (d *Deps) readAndDelete(ctx context.Context, c *call, zone scaleway.Zone, id string) (*scaleway.Image, error) {
	unlock, err := d.lockImage(ctx, zone, id)
	if err != nil {
		return nil, err
	}
	defer unlock()
	img, resp, err := d.Client.GetImage(ctx, zone, id)
	c.observe(resp)
	if err != nil {
		return nil, err
	}
	resp, err = d.Client.DeleteImage(ctx, zone, id)
	c.observe(resp)
	c.wrote(id, err)
	return img, d.explainDenied(err, "deleted", func() *scaleway.Image { return img })
}

// readSnapshots reads, after the delete, the snapshots ids (of the kinds
// given), each from the API that serves it, all at once. A snapshot that
// cannot be read is listed with the reason: the delete already happened,
// and its result must not be lost to a failed read.
func (d *Deps) readSnapshots(ctx context.Context, zone scaleway.Zone, ids []string, kinds map[string]string) []RemainingSnapshot {
	out := make([]RemainingSnapshot, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i] = d.readSnapshot(ctx, zone, id, kinds[id]) })
	}
	wg.Wait()
	return out
}

// snapshotKinds tells, for each snapshot of img, which API serves it.
func snapshotKinds(img *scaleway.Image) map[string]string {
	kinds := map[string]string{}
	if rv := img.RootVolume; rv != nil {
		kinds[rv.ID] = snapshotKind(rv.VolumeType)
	}
	for _, v := range img.ExtraVolumes {
		if v != nil {
			kinds[v.ID] = snapshotKind(v.VolumeType)
		}
	}
	return kinds
}

func (d *Deps) readSnapshot(ctx context.Context, zone scaleway.Zone, id, kind string) RemainingSnapshot {
	snap := RemainingSnapshot{ID: id, Kind: kind}
	var size uint64
	var err error
	if kind == SnapshotKindBlock {
		var block *scaleway.BlockSnapshot
		if block, _, err = d.Client.GetBlockSnapshot(ctx, zone, id); err == nil {
			snap.Name, size, snap.State = block.Name, block.Size, string(block.Status)
		}
	} else {
		var instance *scaleway.Snapshot
		if instance, _, err = d.Client.GetSnapshot(ctx, zone, id); err == nil {
			snap.Name, size, snap.State = instance.Name, instance.Size, string(instance.State)
		}
	}
	if err != nil {
		snap.Error = errorText(err)
		return snap
	}
	snap.SizeGB = gigabytes(size)
	return snap
}

// snapshotKind tells which API serves the snapshot behind a volume.
func snapshotKind(volumeType scaleway.VolumeType) string {
	if volumeType == scaleway.VolumeTypeSBSSnapshot {
		return SnapshotKindBlock
	}
	return SnapshotKindInstance
}

// describe is the snapshot in a few words for the delete message.
func (s RemainingSnapshot) describe() string {
	if s.SizeGB == nil {
		return fmt.Sprintf("%s (%s, size unknown)", s.ID, s.Kind)
	}
	return fmt.Sprintf("%s (%s, %s, %s GB)", s.ID, s.Kind, s.Name, strconv.FormatFloat(*s.SizeGB, 'f', -1, 64))
}
