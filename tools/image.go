package tools

import (
	"context"
	"sync"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Image is an image as the tools show it: the API's object, except for
// its volumes' sizes. The Instance API writes a Block Storage snapshot
// (volume_type sbs_snapshot) with size 0 and no name, which a model would
// read as an empty disk; here a size nobody has read is null, never 0.
type Image struct {
	*scaleway.Image
	// These shadow the API's fields of the same JSON names.
	RootVolume   *Volume            `json:"root_volume"`
	ExtraVolumes map[string]*Volume `json:"extra_volumes"`
}

// Volume is a snapshot of an image: the root volume or an extra one.
type Volume struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Size       *uint64             `json:"size"` // bytes; null when unknown
	VolumeType scaleway.VolumeType `json:"volume_type"`
}

// newImage shapes an API image for a result; nil stays nil.
func newImage(img *scaleway.Image) *Image {
	if img == nil {
		return nil
	}
	view := &Image{Image: img}
	if rv := img.RootVolume; rv != nil {
		view.RootVolume = newVolume(rv.ID, rv.Name, rv.Size, rv.VolumeType)
	}
	if img.ExtraVolumes != nil {
		view.ExtraVolumes = make(map[string]*Volume, len(img.ExtraVolumes))
	}
	for key, v := range img.ExtraVolumes {
		if v != nil {
			view.ExtraVolumes[key] = newVolume(v.ID, v.Name, v.Size, v.VolumeType)
		}
	}
	return view
}

func newVolume(id, name string, size uint64, volumeType scaleway.VolumeType) *Volume {
	v := &Volume{ID: id, Name: name, VolumeType: volumeType}
	if !sizeUnknown(volumeType, size) {
		v.Size = &size
	}
	return v
}

// sizeUnknown reports whether the Instance API left a volume's size out:
// it writes 0 for every Block Storage snapshot, whatever its real size.
func sizeUnknown(volumeType scaleway.VolumeType, size uint64) bool {
	return volumeType == scaleway.VolumeTypeSBSSnapshot && size == 0
}

// volumes lists the image's volumes, root first.
func (img *Image) volumes() []*Volume {
	var out []*Volume
	if img.RootVolume != nil {
		out = append(out, img.RootVolume)
	}
	for _, key := range scaleway.SortedVolumeKeys(img.ExtraVolumes) {
		out = append(out, img.ExtraVolumes[key])
	}
	return out
}

// readBlockSizes fills the size and name of the image's Block Storage
// volumes from the Block API, as Scaleway's CLI does, one request per
// volume, all at once (an image has a handful). A volume the Block API
// will not show (the snapshots behind public images belong to Scaleway)
// keeps a null size: the image itself was read, so the call still
// succeeds.
func (d *Deps) readBlockSizes(ctx context.Context, zone scaleway.Zone, img *Image) {
	var wg sync.WaitGroup
	for _, v := range img.volumes() {
		if v.Size != nil || v.VolumeType != scaleway.VolumeTypeSBSSnapshot {
			continue
		}
		wg.Go(func() {
			snap, _, err := d.Client.GetBlockSnapshot(ctx, zone, v.ID)
			if err != nil {
				d.Logger.Debug().Err(err).Str("snapshot", v.ID).Msg("block snapshot size not readable")
				return
			}
			v.Size, v.Name = &snap.Size, snap.Name
		})
	}
	wg.Wait()
}
