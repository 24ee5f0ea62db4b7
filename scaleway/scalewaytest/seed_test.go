package scalewaytest_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	world := func() string {
		fake := scalewaytest.New(scalewaytest.Options{ExtraImages: 30})
		var b strings.Builder
		for _, z := range scaleway.Zones {
			images, _ := json.Marshal(fake.Images(z))
			snapshots, _ := json.Marshal(fake.Snapshots(z))
			blocks, _ := json.Marshal(fake.BlockSnapshots(z))
			b.Write(images)
			b.Write(snapshots)
			b.Write(blocks)
		}
		return b.String()
	}
	if first, second := world(), world(); first != second {
		t.Error("two fakes seeded differently")
	}
}

func TestSeedInEveryZone(t *testing.T) {
	t.Parallel()
	fake := scalewaytest.New(scalewaytest.Options{})
	ids := map[string]bool{}
	for _, z := range scaleway.Zones {
		images := fake.Images(z)
		for _, distribution := range []string{"Ubuntu 22.04", "Ubuntu 24.04", "Debian 12", "Debian 13", "Rocky Linux 9", "AlmaLinux 9", "Fedora"} {
			for _, arch := range []scaleway.Arch{scaleway.ArchX86_64, scaleway.ArchArm64} {
				if !slices.ContainsFunc(images, func(img scaleway.Image) bool {
					return strings.HasPrefix(img.Name, distribution) && img.Arch == arch && img.Public && isMarketplace(img)
				}) {
					t.Errorf("%s: no public %s image for %s", z, distribution, arch)
				}
			}
		}

		// Local snapshots on the Instance API, Block Storage ones on the
		// Block API, as the real APIs keep them apart.
		usable := map[string]bool{}
		for _, snap := range fake.Snapshots(z) {
			usable[snap.ID] = true
			if snap.VolumeType != scaleway.VolumeTypeLSSD || snap.State != "available" || snap.Project != scalewaytest.DefaultProjectID ||
				snap.Zone != z || snap.Size%1_000_000_000 != 0 || snap.Size == 0 || snap.BaseVolume == nil {
				t.Errorf("%s: instance snapshot %+v", z, snap)
			}
		}
		blocks := fake.BlockSnapshots(z)
		for _, snap := range blocks {
			usable[snap.ID] = true
			if snap.Class != "sbs" || snap.ProjectID != scalewaytest.DefaultProjectID || snap.Zone != z || snap.Size%1_000_000_000 != 0 ||
				snap.Size == 0 || snap.ParentVolume == nil || (snap.Status == scaleway.BlockSnapshotInUse) != (len(snap.References) > 0) {
				t.Errorf("%s: block snapshot %+v", z, snap)
			}
		}
		if len(fake.Snapshots(z)) == 0 || len(blocks) == 0 || !slices.ContainsFunc(blocks, func(s scaleway.BlockSnapshot) bool { return len(s.References) == 0 }) {
			t.Errorf("%s: want local snapshots, and Block snapshots with one that no image uses", z)
		}

		private := 0
		for _, img := range images {
			if ids[img.ID] || !scaleway.IsUUID(img.ID) {
				t.Errorf("image id %q is reused or malformed", img.ID)
			}
			ids[img.ID] = true
			if !isPrivate(img) {
				// Scaleway's public images boot from its own Block Storage
				// snapshots, which the Instance API sizes 0 (recorded).
				if rv := img.RootVolume; rv == nil || rv.VolumeType != scaleway.VolumeTypeSBSSnapshot || rv.Size != 0 || rv.Name != "" || usable[rv.ID] {
					t.Errorf("%s: public image %s root volume %+v", z, img.Name, rv)
				}
				continue
			}
			private++
			if img.Public || img.Organization != scalewaytest.DefaultOrganizationID || img.State != scaleway.ImageStateAvailable {
				t.Errorf("%s: private image %+v", z, img)
			}
			for _, id := range img.SnapshotIDs() {
				if !usable[id] {
					t.Errorf("%s: image %s uses snapshot %s, which is not in the zone", z, img.Name, id)
				}
			}
		}
		if private == 0 {
			t.Errorf("%s: no private image", z)
		}
	}
}

func TestExtraImagesAreSpreadOverZones(t *testing.T) {
	t.Parallel()
	const extra = 25
	fake := scalewaytest.New(scalewaytest.Options{ExtraImages: extra})
	total := 0
	for _, z := range scaleway.Zones {
		n := len(fake.Images(z)) - seededPerZone
		if n < extra/len(scaleway.Zones) || n > extra/len(scaleway.Zones)+1 {
			t.Errorf("%s got %d extra images, want an even share of %d", z, n, extra)
		}
		total += n
	}
	if total != extra {
		t.Errorf("%d extra images in all, want %d", total, extra)
	}
}
