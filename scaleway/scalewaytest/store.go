package scalewaytest

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// store holds the fake's images and snapshots. Snapshots are fixed when the
// store is seeded (the fake has no snapshot write routes), so they are read
// without the lock; images are behind mu.
type store struct {
	snapshots map[scaleway.Zone][]scaleway.Snapshot

	mu     sync.Mutex
	images map[scaleway.Zone]map[string]*imageRecord
}

// imageRecord is a stored image. availableAt is when a "creating" image
// becomes "available": the state is settled lazily from the clock on every
// access, so no goroutine or timer is needed per image.
type imageRecord struct {
	image       scaleway.Image
	availableAt time.Time
}

func (rec *imageRecord) settle(now time.Time) {
	if rec.image.State == scaleway.ImageStateCreating && !now.Before(rec.availableAt) {
		rec.image.State = scaleway.ImageStateAvailable
	}
}

func newStore(extraImages int) *store {
	s := &store{snapshots: map[scaleway.Zone][]scaleway.Snapshot{}, images: map[scaleway.Zone]map[string]*imageRecord{}}
	for _, zone := range scaleway.Zones {
		s.images[zone] = map[string]*imageRecord{}
	}
	seed(s, extraImages)
	return s
}

// addImage stores img as available; only the seed calls it.
func (s *store) addImage(img scaleway.Image) {
	s.images[img.Zone][img.ID] = &imageRecord{image: img}
}

// listImages returns copies of the images of zone that keep selects, ordered
// by creation date then id so that pages are stable.
func (s *store) listImages(zone scaleway.Zone, keep func(*scaleway.Image) bool, now time.Time) []scaleway.Image {
	s.mu.Lock()
	defer s.mu.Unlock()
	var images []scaleway.Image
	for _, rec := range s.images[zone] {
		rec.settle(now)
		if keep(&rec.image) {
			images = append(images, cloneImage(rec.image))
		}
	}
	slices.SortFunc(images, func(a, b scaleway.Image) int {
		return cmp.Or(a.CreationDate.Compare(b.CreationDate.Time), cmp.Compare(a.ID, b.ID))
	})
	return images
}

func (s *store) image(zone scaleway.Zone, id string, now time.Time) (scaleway.Image, *scaleway.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.images[zone][id]
	if !ok {
		return scaleway.Image{}, notFound(resourceImage, id)
	}
	rec.settle(now)
	return cloneImage(rec.image), nil
}

// newImage is a validated create request, with its snapshots still to find.
type newImage struct {
	name          string
	arch          scaleway.Arch
	rootSnapshot  string
	extraVolumes  map[string]string // position -> snapshot id
	organization  string
	project       string
	public        bool
	tags          []string
	creatingUntil time.Time
}

// createImage stores a new image built from its snapshots. The quota is
// checked under the same lock as the insert, so concurrent creates cannot
// overshoot it.
func (s *store) createImage(zone scaleway.Zone, spec newImage, quota int, now time.Time) (scaleway.Image, *scaleway.Error) {
	root, err := s.rootVolume(zone, spec.rootSnapshot)
	if err != nil {
		return scaleway.Image{}, err
	}
	extras, err := s.extraVolumes(zone, spec.extraVolumes)
	if err != nil {
		return scaleway.Image{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if quota > 0 && !spec.public {
		if current := s.privateImages(zone, spec.project); current >= quota {
			return scaleway.Image{}, quotasExceeded("images", int64(quota), int64(current))
		}
	}
	created := scaleway.NewTimestamp(now)
	state := scaleway.ImageStateAvailable
	if now.Before(spec.creatingUntil) {
		state = scaleway.ImageStateCreating
	}
	img := scaleway.Image{
		ID: newID(), Name: spec.name, Organization: spec.organization, Project: spec.project,
		RootVolume: root, ExtraVolumes: extras, Public: spec.public, Arch: spec.arch,
		CreationDate: &created, ModificationDate: &created, State: state,
		Tags: append([]string{}, spec.tags...), Zone: zone,
	}
	s.images[zone][img.ID] = &imageRecord{image: img, availableAt: spec.creatingUntil}
	return cloneImage(img), nil
}

func (s *store) privateImages(zone scaleway.Zone, project string) int {
	count := 0
	for _, rec := range s.images[zone] {
		if rec.image.Project == project && !rec.image.Public {
			count++
		}
	}
	return count
}

// modifyImage applies change to a writable image (see writableImage) and
// bumps its modification date. change works on a copy, so an error leaves
// the image untouched.
func (s *store) modifyImage(zone scaleway.Zone, id string, now time.Time, change func(*scaleway.Image) *scaleway.Error) (scaleway.Image, *scaleway.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.writableImage(zone, id, now)
	if err != nil {
		return scaleway.Image{}, err
	}
	changed := cloneImage(rec.image)
	if err := change(&changed); err != nil {
		return scaleway.Image{}, err
	}
	modified := scaleway.NewTimestamp(now)
	changed.ModificationDate = &modified
	rec.image = changed
	return cloneImage(changed), nil
}

func (s *store) deleteImage(zone scaleway.Zone, id string, now time.Time) *scaleway.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.writableImage(zone, id, now); err != nil {
		return err
	}
	delete(s.images[zone], id)
	return nil
}

// writableImage finds an image the caller may change; callers hold s.mu.
// Marketplace images belong to Scaleway's organization, not the caller's:
// 403. An image still "creating" cannot be changed: 409 transient_state,
// as the API answers for other Instance resources in transient states
// (inferred: no recorded exchange shows an image in "creating").
func (s *store) writableImage(zone scaleway.Zone, id string, now time.Time) (*imageRecord, *scaleway.Error) {
	rec, ok := s.images[zone][id]
	if !ok {
		return nil, notFound(resourceImage, id)
	}
	if rec.image.Organization == MarketplaceOrganizationID {
		return nil, permissionsDenied(resourceImage, "write")
	}
	rec.settle(now)
	if rec.image.State == scaleway.ImageStateCreating {
		return nil, transientState(resourceImage, id, rec.image.State)
	}
	return rec, nil
}

// snapshot finds a snapshot of zone; a snapshot of another zone is unknown
// there, as on the real API where resources are zonal.
func (s *store) snapshot(zone scaleway.Zone, id string) (scaleway.Snapshot, *scaleway.Error) {
	for _, snap := range s.snapshots[zone] {
		if snap.ID == id {
			return snap, nil
		}
	}
	return scaleway.Snapshot{}, notFound(resourceSnapshot, id)
}

// rootVolume is the image's view of the snapshot it boots from.
func (s *store) rootVolume(zone scaleway.Zone, snapshotID string) (*scaleway.VolumeSummary, *scaleway.Error) {
	snap, err := s.snapshot(zone, snapshotID)
	if err != nil {
		return nil, err
	}
	return &scaleway.VolumeSummary{ID: snap.ID, Name: snap.Name, Size: snap.Size, VolumeType: snap.VolumeType}, nil
}

// extraVolumes resolves position -> snapshot id into the image's
// extra_volumes, reporting the first unknown snapshot in position order.
func (s *store) extraVolumes(zone scaleway.Zone, snapshotIDs map[string]string) (map[string]*scaleway.ImageVolume, *scaleway.Error) {
	volumes := make(map[string]*scaleway.ImageVolume, len(snapshotIDs))
	for _, key := range scaleway.SortedVolumeKeys(snapshotIDs) {
		snap, err := s.snapshot(zone, snapshotIDs[key])
		if err != nil {
			return nil, err
		}
		volumes[key] = &scaleway.ImageVolume{ID: snap.ID, Name: snap.Name, Size: snap.Size, VolumeType: snap.VolumeType}
	}
	return volumes, nil
}

// cloneImage deep-copies img so that answers never share memory with the
// store.
func cloneImage(img scaleway.Image) scaleway.Image {
	if img.RootVolume != nil {
		root := *img.RootVolume
		img.RootVolume = &root
	}
	volumes := make(map[string]*scaleway.ImageVolume, len(img.ExtraVolumes))
	for key, v := range img.ExtraVolumes {
		volume := *v
		volumes[key] = &volume
	}
	img.ExtraVolumes = volumes
	img.Tags = append([]string{}, img.Tags...)
	return img
}

func cloneSnapshots(snapshots []scaleway.Snapshot) []scaleway.Snapshot {
	out := slices.Clone(snapshots)
	for i := range out {
		out[i].Tags = slices.Clone(out[i].Tags)
	}
	return out
}
