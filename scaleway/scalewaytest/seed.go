package scalewaytest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Fixed identities of the seeded world. They are well-formed UUIDs, so
// clients that validate ids accept them.
const (
	// DefaultOrganizationID owns the default project: the caller's
	// organization.
	DefaultOrganizationID = "11111111-1111-4111-8111-111111111111"
	// DefaultProjectID holds the seeded snapshots and private images.
	DefaultProjectID = "22222222-2222-4222-8222-222222222222"
	// MarketplaceOrganizationID owns the public marketplace images, which
	// the caller may read but not change.
	MarketplaceOrganizationID = "51a1e000-0000-4000-8000-000000000001"
	// MarketplaceProjectID is the project of the marketplace images.
	MarketplaceProjectID = "51a1e000-0000-4000-8000-000000000002"
	// SandboxToken is a secret key the fake accepts unless
	// Options.AcceptedTokens says otherwise.
	SandboxToken = "5a4db0c5-0000-4000-8000-000000000000"
)

const gigabyte = 1_000_000_000 // Scaleway sizes are decimal bytes

// marketplaceImages are published in every zone, for each of
// marketplaceArches. Like Scaleway's own (recorded), they boot from Block
// Storage snapshots of Scaleway's project: the Instance API shows their
// root volume as sbs_snapshot, size 0, no name, and a caller cannot read
// those snapshots from the Block API.
var marketplaceImages = []struct{ name, label string }{
	{"Ubuntu 22.04 Jammy Jellyfish", "ubuntu_jammy"},
	{"Ubuntu 24.04 Noble Numbat", "ubuntu_noble"},
	{"Debian 12 (Bookworm)", "debian_bookworm"},
	{"Debian 13 (Trixie)", "debian_trixie"},
	{"Rocky Linux 9", "rockylinux_9"},
	{"AlmaLinux 9", "almalinux_9"},
	{"Fedora 42", "fedora_42"},
}

var marketplaceArches = []scaleway.Arch{scaleway.ArchX86_64, scaleway.ArchArm64}

// snapshotKind says which API serves a seeded snapshot.
type snapshotKind int

const (
	instanceSnapshot snapshotKind = iota // local (l_ssd), on the Instance API
	blockSnapshot                        // Block Storage, on the Block API
)

// projectSnapshots are the default project's snapshots in every zone, all
// available, the ones images can be created from: local ones on the
// Instance API and Block Storage ones on the Block API. Each has a volume
// it was taken from.
var projectSnapshots = []struct {
	name string
	kind snapshotKind
	size uint64
}{
	{"snap-web-root", instanceSnapshot, 10 * gigabyte},
	{"snap-db-root", instanceSnapshot, 20 * gigabyte},
	{"snap-db-data", blockSnapshot, 20 * gigabyte},
	{"snap-ci-root", blockSnapshot, 10 * gigabyte},
	{"snap-spare", instanceSnapshot, 10 * gigabyte},
	{"snap-archive", blockSnapshot, 15 * gigabyte},
}

// projectImages are the default project's private images in every zone,
// built from projectSnapshots (by name). snap-spare and snap-archive are
// left free.
var projectImages = []struct {
	name       string
	arch       scaleway.Arch
	root       string
	extras     []string
	tags       []string
	fromBackup bool // made by a server backup, so from_server is set
}{
	{"web-frontend", scaleway.ArchX86_64, "snap-web-root", nil, []string{"web", "prod"}, false},
	{"postgres-16", scaleway.ArchX86_64, "snap-db-root", []string{"snap-db-data"}, []string{"db", "prod"}, true},
	{"ci-runner", scaleway.ArchArm64, "snap-ci-root", nil, []string{"ci"}, false},
}

// Seeded creation dates: marketplace images first, then the project's
// snapshots, images and extra images, so that list order is meaningful.
var (
	marketplaceEpoch = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	projectEpoch     = time.Date(2025, 9, 15, 14, 30, 0, 0, time.UTC)
	extraEpoch       = time.Date(2025, 10, 1, 8, 0, 0, 0, time.UTC)
)

// organizationOf is the organization a seeded project belongs to; any
// other project is taken to be an organization's default project, whose
// id is the organization's own on Scaleway.
func organizationOf(project string) string {
	switch project {
	case DefaultProjectID:
		return DefaultOrganizationID
	case MarketplaceProjectID:
		return MarketplaceOrganizationID
	}
	return project
}

// seed fills s deterministically: ids are derived from the zone and names,
// dates from fixed epochs, so every run sees the same world. Snapshots are
// seeded before the images that name them, and images are made the way
// the API makes them (so their Block snapshots carry references).
func seed(s *store, extraImages int) {
	for _, zone := range scaleway.Zones {
		seedMarketplace(s, zone)
		seedProject(s, zone)
	}
	for i := range extraImages {
		zone := scaleway.Zones[i%len(scaleway.Zones)]
		created := extraEpoch.Add(time.Duration(i) * time.Second)
		seedImage(s, zone, scaleway.Image{
			ID: derivedID("extra-image", string(zone), strconv.Itoa(i)), Name: fmt.Sprintf("extra-image-%05d", i),
			Organization: DefaultOrganizationID, Project: DefaultProjectID, Arch: marketplaceArches[i%len(marketplaceArches)],
			Tags: []string{"extra"}, Zone: zone,
		}, seededSnapshotID(zone, projectSnapshots[0].name), nil, created)
	}
}

func seededSnapshotID(zone scaleway.Zone, name string) string {
	return derivedID("snapshot", string(zone), name)
}

// seedImage stores img, available since created, made of the snapshots
// named (which exist: the seed makes them first), and links it to its
// Block snapshots as the API would.
func seedImage(s *store, zone scaleway.Zone, img scaleway.Image, root string, extras []string, created time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rootVolume, _ := s.volume(zone, root)
	img.RootVolume = summary(rootVolume)
	img.ExtraVolumes = map[string]*scaleway.ImageVolume{}
	for i, id := range extras {
		img.ExtraVolumes[strconv.Itoa(i+1)], _ = s.volume(zone, id)
	}
	at := scaleway.NewTimestamp(created)
	img.CreationDate, img.ModificationDate, img.State = &at, &at, scaleway.ImageStateAvailable
	if img.FromServer == nil {
		img.FromServer = new(string)
	}
	s.images[zone][img.ID] = &imageRecord{image: img}
	s.relink(zone, img.ID, nil, img.SnapshotIDs(), created)
}

func seedMarketplace(s *store, zone scaleway.Zone) {
	n := 0
	for _, listing := range marketplaceImages {
		for _, arch := range marketplaceArches {
			created := marketplaceEpoch.Add(time.Duration(n) * time.Hour)
			n++
			root := derivedID("marketplace-snapshot", string(zone), listing.label, string(arch))
			s.addBlockSnapshot(blockSnapshotOf(zone, root, listing.label+"_"+string(arch)+"_snapshot", MarketplaceProjectID, 10*gigabyte, created))
			seedImage(s, zone, scaleway.Image{
				ID: derivedID("marketplace-image", string(zone), listing.label, string(arch)), Name: listing.name,
				Organization: MarketplaceOrganizationID, Project: MarketplaceProjectID, Public: true, Arch: arch,
				Tags: []string{}, Zone: zone,
			}, root, nil, created)
		}
	}
}

func seedProject(s *store, zone scaleway.Zone) {
	for i, spec := range projectSnapshots {
		created := projectEpoch.Add(time.Duration(i) * time.Minute)
		id := seededSnapshotID(zone, spec.name)
		if spec.kind == blockSnapshot {
			s.addBlockSnapshot(blockSnapshotOf(zone, id, spec.name, DefaultProjectID, spec.size, created))
			continue
		}
		at := scaleway.NewTimestamp(created)
		s.addSnapshot(scaleway.Snapshot{
			ID: id, Name: spec.name, VolumeType: scaleway.VolumeTypeLSSD, CreationDate: &at, ModificationDate: &at,
			Organization: DefaultOrganizationID, Project: DefaultProjectID, Size: spec.size, State: scaleway.SnapshotStateAvailable,
			BaseVolume: &scaleway.SnapshotBaseVolume{ID: derivedID("volume", string(zone), spec.name), Name: "vol-" + spec.name},
			Tags:       []string{}, Zone: zone,
		})
	}
	for i, spec := range projectImages {
		var extras []string
		for _, name := range spec.extras {
			extras = append(extras, seededSnapshotID(zone, name))
		}
		img := scaleway.Image{
			ID: derivedID("image", string(zone), spec.name), Name: spec.name,
			Organization: DefaultOrganizationID, Project: DefaultProjectID, Arch: spec.arch, Tags: spec.tags, Zone: zone,
		}
		if spec.fromBackup {
			server := derivedID("server", string(zone), spec.name)
			img.FromServer = &server
		}
		seedImage(s, zone, img, seededSnapshotID(zone, spec.root), extras, projectEpoch.Add(time.Hour+time.Duration(i)*time.Minute))
	}
}

// blockSnapshotOf is an available Block snapshot taken from an sbs_5k
// volume, as the recorded ones look.
func blockSnapshotOf(zone scaleway.Zone, id, name, project string, size uint64, created time.Time) scaleway.BlockSnapshot {
	at := scaleway.NewBlockTimestamp(created)
	return scaleway.BlockSnapshot{
		ID: id, Name: name, Size: size, ProjectID: project, CreatedAt: &at, UpdatedAt: &at,
		ParentVolume: &scaleway.BlockParentVolume{ID: derivedID("volume", string(zone), name), Name: "vol-" + name, Type: "sbs_5k", Status: "available"},
		References:   []scaleway.BlockReference{}, Status: scaleway.BlockSnapshotAvailable, Tags: []string{}, Class: "sbs", Zone: zone,
	}
}
