package tools

import (
	"bytes"
	"context"
	"encoding/json"
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

// zone resolves the zone argument, defaulting to the configured zone.
func (d *Deps) zone(c *call, arg string) (scaleway.Zone, error) {
	if arg == "" {
		arg = string(d.DefaultZone)
	}
	c.zone = arg
	return scaleway.ParseZone(arg)
}

func (d *Deps) getImage(ctx context.Context, c *call, in GetImageInput) (ImageOutput, error) {
	zone, err := d.zone(c, in.Zone)
	if err != nil {
		return ImageOutput{}, err
	}
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
		req.ExtraVolumes = map[string]*scaleway.VolumeImageUpdateTemplate{}
		for i, id := range *ch.ExtraVolumes {
			req.ExtraVolumes[strconv.Itoa(i+1)] = &scaleway.VolumeImageUpdateTemplate{ID: id}
		}
	}
	return req
}

func (d *Deps) updateImage(ctx context.Context, c *call, in UpdateImageInput) (ImageOutput, error) {
	zone, err := d.zone(c, in.Zone)
	if err != nil {
		return ImageOutput{}, err
	}
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

// setImage is PUT done safely: check the changes, read the image, apply
// the changes to it and write the whole object back as read (the shape
// real clients sent), so that nothing is reset by omission. Since the
// whole object is written, a change made by anyone else between the read
// and the write would be undone: the lock keeps this process's own calls
// out, and a second read just before the write catches the others'.
func (d *Deps) setImage(ctx context.Context, c *call, in SetImageInput) (ImageOutput, error) {
	zone, err := d.zone(c, in.Zone)
	if err != nil {
		return ImageOutput{}, err
	}
	changes := in.patch()
	if err := errors.Join(scaleway.ValidateUUID("id", in.ID), changes.Validate()); err != nil {
		return ImageOutput{}, err
	}
	unlock, err := d.lockImage(ctx, zone, in.ID)
	if err != nil {
		return ImageOutput{}, err
	}
	defer unlock()
	current, resp, err := d.Client.GetImage(ctx, zone, in.ID)
	c.observe(resp)
	if err != nil {
		return ImageOutput{}, fmt.Errorf("reading the image before replacing it: %w", err)
	}
	req := scaleway.SetImageRequestFrom(current)
	req.Apply(changes)
	if err := d.confirmUnchanged(ctx, c, zone, in.ID, current); err != nil {
		return ImageOutput{}, err
	}
	img, resp, err := d.Client.SetImage(ctx, zone, in.ID, req)
	c.observe(resp)
	c.wrote(in.ID, err)
	err = d.explainDenied(err, "changed", func() *scaleway.Image { return current })
	return ImageOutput{Image: newImage(img)}, err
}

// confirmUnchanged reads the image again just before it is replaced and
// refuses when it is not the image read, field for field. The Instance
// API has no conditional PUT; this leaves a change made by another
// process a window of one round trip instead of the whole call.
// modification_date alone would not do: the API does not move it when
// only extra_volumes change.
func (d *Deps) confirmUnchanged(ctx context.Context, c *call, zone scaleway.Zone, id string, read *scaleway.Image) error {
	again, resp, err := d.Client.GetImage(ctx, zone, id)
	c.observe(resp)
	if err != nil {
		return fmt.Errorf("reading the image again before replacing it: %w", err)
	}
	same, err := sameImage(read, again)
	if err != nil {
		return err
	}
	if !same {
		return fmt.Errorf("image %s changed since %s read it (by whom is unknown), so nothing was written; call %s again, or use %s, which changes only the fields it names",
			id, SetImageTool, SetImageTool, UpdateImageTool)
	}
	return nil
}

// sameImage compares two reads of an image, every field, as encoded.
func sameImage(a, b *scaleway.Image) (bool, error) {
	first, errA := json.Marshal(a)
	second, errB := json.Marshal(b)
	if err := errors.Join(errA, errB); err != nil {
		return false, fmt.Errorf("comparing two reads of the image: %w", err)
	}
	return bytes.Equal(first, second), nil
}

func (d *Deps) deleteImage(ctx context.Context, c *call, in DeleteImageInput) (DeleteImageOutput, error) {
	zone, err := d.zone(c, in.Zone)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	img, err := d.readAndDelete(ctx, c, zone, in.ImageID)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	remaining := d.readSnapshots(ctx, zone, img)
	message := fmt.Sprintf("Deleted image %s (%s) in %s.", img.Name, img.ID, zone)
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
	}, nil
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

// readSnapshots reads, after the delete, the snapshots the image was made
// of, each from the API that serves it, all at once. A snapshot that
// cannot be read is listed with the reason: the delete already happened,
// and its result must not be lost to a failed read.
func (d *Deps) readSnapshots(ctx context.Context, zone scaleway.Zone, img *scaleway.Image) []RemainingSnapshot {
	kinds := map[string]string{}
	if rv := img.RootVolume; rv != nil {
		kinds[rv.ID] = snapshotKind(rv.VolumeType)
	}
	for _, v := range img.ExtraVolumes {
		if v != nil {
			kinds[v.ID] = snapshotKind(v.VolumeType)
		}
	}
	ids := img.SnapshotIDs()
	out := make([]RemainingSnapshot, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { out[i] = d.readSnapshot(ctx, zone, id, kinds[id]) })
	}
	wg.Wait()
	return out
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
