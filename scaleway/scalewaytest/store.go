package scalewaytest

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// store holds the fake's images and the snapshots they are made of: the
// Instance API's snapshots and the Block API's, kept apart as the two APIs
// keep them. Everything is behind mu: image writes change Block snapshots
// (their references), and tests may add resources at any time.
type store struct {
	mu             sync.Mutex
	images         map[scaleway.Zone]map[string]*imageRecord
	snapshots      map[scaleway.Zone][]*scaleway.Snapshot      // in list order
	blockSnapshots map[scaleway.Zone][]*scaleway.BlockSnapshot // in list order
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

func newStore() *store {
	s := &store{
		images:         map[scaleway.Zone]map[string]*imageRecord{},
		snapshots:      map[scaleway.Zone][]*scaleway.Snapshot{},
		blockSnapshots: map[scaleway.Zone][]*scaleway.BlockSnapshot{},
	}
	for _, zone := range scaleway.Zones {
		s.images[zone] = map[string]*imageRecord{}
	}
	return s
}

// addImage stores img as given (state settled, volumes as they are): the
// seed and tests that replay recorded answers call it.
func (s *store) addImage(img scaleway.Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	img = cloneImage(img)
	s.images[img.Zone][img.ID] = &imageRecord{image: img}
}

// addSnapshot stores an Instance snapshot as given, replacing one with the
// same id.
func (s *store) addSnapshot(snap scaleway.Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap = cloneSnapshot(snap)
	s.snapshots[snap.Zone] = upsert(s.snapshots[snap.Zone], &snap, func(x *scaleway.Snapshot) string { return x.ID })
}

// addBlockSnapshot stores a Block snapshot as given, replacing one with
// the same id.
func (s *store) addBlockSnapshot(snap scaleway.BlockSnapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap = cloneBlockSnapshot(snap)
	if snap.References == nil {
		snap.References = []scaleway.BlockReference{}
	}
	s.blockSnapshots[snap.Zone] = upsert(s.blockSnapshots[snap.Zone], &snap, func(x *scaleway.BlockSnapshot) string { return x.ID })
}

func upsert[T any](list []*T, item *T, id func(*T) string) []*T {
	for i, old := range list {
		if id(old) == id(item) {
			list[i] = item
			return list
		}
	}
	return append(list, item)
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
	s.mu.Lock()
	defer s.mu.Unlock()
	root, err := s.rootVolume(zone, spec.rootSnapshot)
	if err != nil {
		return scaleway.Image{}, err
	}
	extras, err := s.extraVolumes(zone, spec.extraVolumes)
	if err != nil {
		return scaleway.Image{}, err
	}
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
		CreationDate: &created, ModificationDate: &created, FromServer: new(string), State: state,
		Tags: append([]string{}, spec.tags...), Zone: zone,
	}
	s.images[zone][img.ID] = &imageRecord{image: img, availableAt: spec.creatingUntil}
	s.relink(zone, img.ID, nil, img.SnapshotIDs(), now)
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

// modifyImage applies change to a writable image (see writableImage).
// change works on a copy, so an error leaves the image untouched; it may
// resolve snapshots with s.rootVolume and s.extraVolumes, the lock being
// held. The Block snapshots the image stops or starts using are relinked.
//
// The modification date moves only when the name, public or tags change
// (recorded: a rename, a public change and a tag change move it; an
// extra_volumes change and a no-op PATCH do not). Whether an arch change
// alone moves it is not recorded (it only ever changed together with a
// name); the fake guesses that it does.
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
	before := rec.image
	if changed.Name != before.Name || changed.Arch != before.Arch || changed.Public != before.Public || !slices.Equal(changed.Tags, before.Tags) {
		modified := scaleway.NewTimestamp(now)
		changed.ModificationDate = &modified
	}
	s.relink(zone, id, before.SnapshotIDs(), changed.SnapshotIDs(), now)
	rec.image = changed
	return cloneImage(changed), nil
}

func (s *store) deleteImage(zone scaleway.Zone, id string, now time.Time) *scaleway.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.writableImage(zone, id, now)
	if err != nil {
		return err
	}
	s.relink(zone, id, rec.image.SnapshotIDs(), nil, now)
	delete(s.images[zone], id)
	return nil
}

// writableImage finds an image the caller may change; callers hold s.mu.
// Marketplace images belong to Scaleway's organization, not the caller's:
// 403. An image still "creating" cannot be changed: 409 transient_state,
// as the API answers for other Instance resources in transient states
// (a guess: no recorded exchange shows an image in "creating").
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

// volume is the image's view of snapshot id, which may be an Instance or a
// Block snapshot of the zone; callers hold s.mu. The Instance API shows a
// Block snapshot as sbs_snapshot with size 0 and no name (recorded: every
// sbs volume of every recorded image). A snapshot of another zone, or of
// no kind, is unknown: 404 instance_snapshot (a guess: the answer to an
// unknown snapshot on create is not recorded).
func (s *store) volume(zone scaleway.Zone, id string) (*scaleway.ImageVolume, *scaleway.Error) {
	if snap := s.findSnapshot(zone, id); snap != nil {
		return &scaleway.ImageVolume{ID: snap.ID, Name: snap.Name, Size: snap.Size, VolumeType: snap.VolumeType}, nil
	}
	if snap := s.findBlockSnapshot(zone, id); snap != nil {
		return &scaleway.ImageVolume{ID: snap.ID, VolumeType: scaleway.VolumeTypeSBSSnapshot}, nil
	}
	return nil, notFound(resourceSnapshot, id)
}

// usableVolume is volume for a caller's image: the snapshots behind
// Scaleway's public images are not the caller's to use, and read as
// unknown (a guess, as for any unknown snapshot).
func (s *store) usableVolume(zone scaleway.Zone, id string) (*scaleway.ImageVolume, *scaleway.Error) {
	if snap := s.findBlockSnapshot(zone, id); snap != nil && snap.ProjectID == MarketplaceProjectID {
		return nil, notFound(resourceSnapshot, id)
	}
	return s.volume(zone, id)
}

// rootVolume is the image's view of the snapshot it boots from; callers
// hold s.mu.
func (s *store) rootVolume(zone scaleway.Zone, snapshotID string) (*scaleway.VolumeSummary, *scaleway.Error) {
	v, err := s.usableVolume(zone, snapshotID)
	if err != nil {
		return nil, err
	}
	return summary(v), nil
}

func summary(v *scaleway.ImageVolume) *scaleway.VolumeSummary {
	return &scaleway.VolumeSummary{ID: v.ID, Name: v.Name, Size: v.Size, VolumeType: v.VolumeType}
}

// extraVolumes resolves position -> snapshot id into the image's
// extra_volumes, reporting the first unknown snapshot in position order;
// callers hold s.mu.
func (s *store) extraVolumes(zone scaleway.Zone, snapshotIDs map[string]string) (map[string]*scaleway.ImageVolume, *scaleway.Error) {
	volumes := make(map[string]*scaleway.ImageVolume, len(snapshotIDs))
	for _, key := range scaleway.SortedVolumeKeys(snapshotIDs) {
		v, err := s.usableVolume(zone, snapshotIDs[key])
		if err != nil {
			return nil, err
		}
		volumes[key] = v
	}
	return volumes, nil
}

// relink moves image's references from the Block snapshots in before to
// those in after; callers hold s.mu. Recorded: a Block snapshot reads
// in_use with one reference {product_resource_type instance_image, type
// link, status attached} once an image is made of it, and available with
// none once the image is deleted, its updated_at moving each time. That a
// PUT or PATCH relinks the same way is a guess.
func (s *store) relink(zone scaleway.Zone, image string, before, after []string, now time.Time) {
	for _, id := range before {
		if snap := s.findBlockSnapshot(zone, id); snap != nil && !slices.Contains(after, id) {
			snap.References = slices.DeleteFunc(snap.References, func(ref scaleway.BlockReference) bool {
				return ref.ProductResourceType == scaleway.ReferenceTypeImage && ref.ProductResourceID == image
			})
			if len(snap.References) == 0 && snap.Status == scaleway.BlockSnapshotInUse {
				snap.Status = scaleway.BlockSnapshotAvailable
			}
			updated := scaleway.NewBlockTimestamp(now)
			snap.UpdatedAt = &updated
		}
	}
	for _, id := range after {
		if snap := s.findBlockSnapshot(zone, id); snap != nil && !slices.Contains(before, id) {
			linked := scaleway.NewBlockTimestamp(now)
			snap.References = append(snap.References, scaleway.BlockReference{
				ID: derivedID("reference", id, image), ProductResourceType: scaleway.ReferenceTypeImage, ProductResourceID: image,
				CreatedAt: &linked, Type: "link", Status: "attached",
			})
			snap.Status, snap.UpdatedAt = scaleway.BlockSnapshotInUse, &linked
		}
	}
}

// findSnapshot returns the stored Instance snapshot, or nil; callers hold
// s.mu. A snapshot of another zone is unknown here, as resources are zonal.
func (s *store) findSnapshot(zone scaleway.Zone, id string) *scaleway.Snapshot {
	return find(s.snapshots[zone], func(snap *scaleway.Snapshot) bool { return snap.ID == id })
}

// findBlockSnapshot returns the stored Block snapshot, or nil; callers
// hold s.mu.
func (s *store) findBlockSnapshot(zone scaleway.Zone, id string) *scaleway.BlockSnapshot {
	return find(s.blockSnapshots[zone], func(snap *scaleway.BlockSnapshot) bool { return snap.ID == id })
}

func find[T any](items []*T, match func(*T) bool) *T {
	if i := slices.IndexFunc(items, match); i >= 0 {
		return items[i]
	}
	return nil
}

// selected returns copies of the items that keep selects, in order, under
// the lock.
func selected[T any](s *store, items func() []*T, keep func(*T) bool, clone func(T) T) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []T{}
	for _, item := range items() {
		if keep(item) {
			out = append(out, clone(*item))
		}
	}
	return out
}

// listSnapshots returns copies of the zone's Instance snapshots that keep
// selects, in the order they were made.
func (s *store) listSnapshots(zone scaleway.Zone, keep func(*scaleway.Snapshot) bool) []scaleway.Snapshot {
	return selected(s, func() []*scaleway.Snapshot { return s.snapshots[zone] }, keep, cloneSnapshot)
}

func (s *store) snapshot(zone scaleway.Zone, id string) (scaleway.Snapshot, *scaleway.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if snap := s.findSnapshot(zone, id); snap != nil {
		return cloneSnapshot(*snap), nil
	}
	return scaleway.Snapshot{}, notFound(resourceSnapshot, id)
}

// listBlockSnapshots returns copies of the zone's Block snapshots that
// keep selects, in the order they were made.
func (s *store) listBlockSnapshots(zone scaleway.Zone, keep func(*scaleway.BlockSnapshot) bool) []scaleway.BlockSnapshot {
	return selected(s, func() []*scaleway.BlockSnapshot { return s.blockSnapshots[zone] }, keep, cloneBlockSnapshot)
}

func (s *store) blockSnapshot(zone scaleway.Zone, id string) (scaleway.BlockSnapshot, *scaleway.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if snap := s.findBlockSnapshot(zone, id); snap != nil {
		return cloneBlockSnapshot(*snap), nil
	}
	return scaleway.BlockSnapshot{}, notFound(resourceBlockSnapshot, id)
}

// deleteBlockSnapshot removes a Block snapshot that nothing uses. Only the
// 404 for an unknown id is recorded; the 412 for a snapshot an image still
// uses and the 204 on success are guesses (the Go SDK decodes no answer).
func (s *store) deleteBlockSnapshot(zone scaleway.Zone, id string) *scaleway.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.findBlockSnapshot(zone, id)
	switch {
	case snap == nil:
		return notFound(resourceBlockSnapshot, id)
	case snap.ProjectID == MarketplaceProjectID:
		return permissionsDenied(resourceBlockSnapshot, "delete")
	case len(snap.References) > 0:
		return stillInUse(resourceBlockSnapshot, id)
	}
	s.blockSnapshots[zone] = slices.DeleteFunc(s.blockSnapshots[zone], func(x *scaleway.BlockSnapshot) bool { return x.ID == id })
	return nil
}

// deleteSnapshot removes an Instance snapshot that no image of its zone is
// made of. Nothing of it is recorded (no cassette deletes an Instance
// snapshot): the 204 follows the Go SDK's DeleteSnapshot, which decodes no
// answer; the 404 is the GET's; refusing a snapshot an image still uses,
// with the Block API's 412, is a guess.
func (s *store) deleteSnapshot(zone scaleway.Zone, id string) *scaleway.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findSnapshot(zone, id) == nil {
		return notFound(resourceSnapshot, id)
	}
	for _, rec := range s.images[zone] {
		if slices.Contains(rec.image.SnapshotIDs(), id) {
			return stillInUse(resourceSnapshot, id)
		}
	}
	s.snapshots[zone] = slices.DeleteFunc(s.snapshots[zone], func(x *scaleway.Snapshot) bool { return x.ID == id })
	return nil
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
	if img.FromServer != nil {
		fromServer := *img.FromServer
		img.FromServer = &fromServer
	}
	return img
}

func cloneSnapshot(snap scaleway.Snapshot) scaleway.Snapshot {
	snap.Tags = slices.Clone(snap.Tags)
	if snap.BaseVolume != nil {
		base := *snap.BaseVolume
		snap.BaseVolume = &base
	}
	snap.ErrorDetails = slices.Clone(snap.ErrorDetails)
	return snap
}

func cloneBlockSnapshot(snap scaleway.BlockSnapshot) scaleway.BlockSnapshot {
	snap.Tags = slices.Clone(snap.Tags)
	snap.References = slices.Clone(snap.References)
	if snap.ParentVolume != nil {
		parent := *snap.ParentVolume
		snap.ParentVolume = &parent
	}
	return snap
}
