package tools

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	return ImageOutput{Image: img}, err
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
	img, resp, err := d.Client.UpdateImage(ctx, zone, in.ImageID, in.patch())
	c.observe(resp)
	return ImageOutput{Image: img}, err
}

// setImage is PUT done safely: check the changes, read the image, apply
// the changes to it and write the whole object back, so that nothing is
// reset by omission.
func (d *Deps) setImage(ctx context.Context, c *call, in SetImageInput) (ImageOutput, error) {
	zone, err := d.zone(c, in.Zone)
	if err != nil {
		return ImageOutput{}, err
	}
	changes := in.patch()
	if err := errors.Join(scaleway.ValidateUUID("id", in.ID), changes.Validate()); err != nil {
		return ImageOutput{}, err
	}
	current, resp, err := d.Client.GetImage(ctx, zone, in.ID)
	c.observe(resp)
	if err != nil {
		return ImageOutput{}, fmt.Errorf("reading the image before replacing it: %w", err)
	}
	req := scaleway.SetImageRequestFrom(current)
	req.Apply(changes)
	img, resp, err := d.Client.SetImage(ctx, zone, in.ID, req)
	c.observe(resp)
	return ImageOutput{Image: img}, err
}

func (d *Deps) deleteImage(ctx context.Context, c *call, in DeleteImageInput) (DeleteImageOutput, error) {
	zone, err := d.zone(c, in.Zone)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	// Read first: the answer to DELETE is empty, and the caller needs to
	// know which snapshots outlive the image.
	img, resp, err := d.Client.GetImage(ctx, zone, in.ImageID)
	c.observe(resp)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	resp, err = d.Client.DeleteImage(ctx, zone, in.ImageID)
	c.observe(resp)
	if err != nil {
		return DeleteImageOutput{}, err
	}
	snapshots := img.SnapshotIDs()
	if snapshots == nil {
		snapshots = []string{}
	}
	message := fmt.Sprintf("Deleted image %s (%s) in %s.", img.Name, img.ID, zone)
	if len(snapshots) > 0 {
		message += fmt.Sprintf(" Its %d snapshot(s) still exist and are still billed: %s.", len(snapshots), strings.Join(snapshots, ", "))
	}
	return DeleteImageOutput{
		Deleted:            DeletedImage{ID: img.ID, Name: img.Name, Zone: string(zone)},
		RemainingSnapshots: snapshots,
		Message:            message,
	}, nil
}
