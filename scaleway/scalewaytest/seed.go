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
// marketplaceArches.
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

// projectSnapshots are the default project's snapshots in every zone, all
// available, the ones images can be created from.
var projectSnapshots = []struct {
	name       string
	volumeType scaleway.VolumeType
	size       uint64
}{
	{"snap-web-root", scaleway.VolumeTypeLSSD, 10 * gigabyte},
	{"snap-db-root", scaleway.VolumeTypeLSSD, 20 * gigabyte},
	{"snap-db-data", scaleway.VolumeTypeSBSSnapshot, 20 * gigabyte},
	{"snap-ci-root", scaleway.VolumeTypeSBSSnapshot, 10 * gigabyte},
	{"snap-spare", scaleway.VolumeTypeLSSD, 10 * gigabyte},
}

// projectImages are the default project's private images in every zone,
// built from projectSnapshots (by name).
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

// seed fills s deterministically: ids are derived from the zone and names,
// dates from fixed epochs, so every run sees the same world. Snapshots are
// seeded before the images that name them, so those lookups cannot fail.
func seed(s *store, extraImages int) {
	for _, zone := range scaleway.Zones {
		seedMarketplace(s, zone)
		seedProject(s, zone)
	}
	for i := range extraImages {
		zone := scaleway.Zones[i%len(scaleway.Zones)]
		created := scaleway.NewTimestamp(extraEpoch.Add(time.Duration(i) * time.Second))
		root, _ := s.rootVolume(zone, derivedID("snapshot", string(zone), projectSnapshots[0].name))
		s.addImage(scaleway.Image{
			ID: derivedID("extra-image", string(zone), strconv.Itoa(i)), Name: fmt.Sprintf("extra-image-%05d", i),
			Organization: DefaultOrganizationID, Project: DefaultProjectID, RootVolume: root,
			ExtraVolumes: map[string]*scaleway.ImageVolume{}, Arch: marketplaceArches[i%len(marketplaceArches)],
			CreationDate: &created, ModificationDate: &created, State: scaleway.ImageStateAvailable,
			Tags: []string{"extra"}, Zone: zone,
		})
	}
}

func seedMarketplace(s *store, zone scaleway.Zone) {
	n := 0
	for _, listing := range marketplaceImages {
		for _, arch := range marketplaceArches {
			created := scaleway.NewTimestamp(marketplaceEpoch.Add(time.Duration(n) * time.Hour))
			n++
			s.addImage(scaleway.Image{
				ID: derivedID("marketplace-image", string(zone), listing.label, string(arch)), Name: listing.name,
				Organization: MarketplaceOrganizationID, Project: MarketplaceProjectID,
				RootVolume: &scaleway.VolumeSummary{
					ID:   derivedID("marketplace-snapshot", string(zone), listing.label, string(arch)),
					Name: listing.label + "_" + string(arch) + ":volume-0", Size: 10 * gigabyte, VolumeType: scaleway.VolumeTypeLSSD,
				},
				ExtraVolumes: map[string]*scaleway.ImageVolume{}, Public: true, Arch: arch,
				CreationDate: &created, ModificationDate: &created, State: scaleway.ImageStateAvailable,
				Tags: []string{}, Zone: zone,
			})
		}
	}
}

func seedProject(s *store, zone scaleway.Zone) {
	snapshotID := func(name string) string { return derivedID("snapshot", string(zone), name) }
	for i, spec := range projectSnapshots {
		created := scaleway.NewTimestamp(projectEpoch.Add(time.Duration(i) * time.Minute))
		s.snapshots[zone] = append(s.snapshots[zone], scaleway.Snapshot{
			ID: snapshotID(spec.name), Name: spec.name, Organization: DefaultOrganizationID, Project: DefaultProjectID,
			Tags: []string{}, VolumeType: spec.volumeType, Size: spec.size, State: "available",
			CreationDate: &created, ModificationDate: &created, Zone: zone,
		})
	}
	for i, spec := range projectImages {
		created := scaleway.NewTimestamp(projectEpoch.Add(time.Hour + time.Duration(i)*time.Minute))
		root, _ := s.rootVolume(zone, snapshotID(spec.root))
		extraIDs := map[string]string{}
		for position, name := range spec.extras {
			extraIDs[strconv.Itoa(position+1)] = snapshotID(name)
		}
		extras, _ := s.extraVolumes(zone, extraIDs)
		fromServer := ""
		if spec.fromBackup {
			fromServer = derivedID("server", string(zone), spec.name)
		}
		s.addImage(scaleway.Image{
			ID: derivedID("image", string(zone), spec.name), Name: spec.name,
			Organization: DefaultOrganizationID, Project: DefaultProjectID, RootVolume: root, ExtraVolumes: extras,
			Arch: spec.arch, CreationDate: &created, ModificationDate: &created, FromServer: fromServer,
			State: scaleway.ImageStateAvailable, Tags: spec.tags, Zone: zone,
		})
	}
}
