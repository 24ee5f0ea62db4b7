// Package scalewaytest is an in-memory fake of the Scaleway Instance images
// API: the six image routes, the read side of Instance snapshots, and Block
// Storage snapshots (read and delete), for the ten Instance zones, with the
// real statuses, headers, bodies and error shapes. What it answers is held
// to the traffic recorded from the real API (testdata/recorded, tested
// row by row); what no recording shows is marked as a guess where it is
// written. It backs the binary's sandbox mode and
// every test that needs "Scaleway" without an account, and it can misbehave
// on demand (latency, random 503s, scripted faults) so that clients can be
// tested against the failures they will meet for real.
package scalewaytest

import (
	"net/http"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Options configures a Fake. The zero value is a faithful, well-behaved API
// that accepts any UUID as a secret key.
type Options struct {
	// AcceptedTokens, when not empty, are the only secret keys (besides
	// ReadOnlyTokens) that authenticate. When empty, any well-formed UUID
	// does, as SandboxToken.
	AcceptedTokens []string
	// ReadOnlyTokens authenticate but may not write: POST, PUT, PATCH and
	// DELETE get 403 permissions_denied.
	ReadOnlyTokens []string

	// Clock tells the time; nil means time.Now. Inject one to drive the
	// creating -> available transition and modification dates in tests.
	Clock func() time.Time
	// CreatingDuration is how long a newly created image stays "creating"
	// before it reads as "available". Zero makes images available at once,
	// as every recorded real answer shows for images built from snapshots.
	CreatingDuration time.Duration
	// PrivateImageQuota caps the private images of one project in one zone
	// (Instance quotas are zonal); creating one more gets 403
	// quotas_exceeded. Zero means no cap.
	PrivateImageQuota int
	// ExtraImages adds that many private images to the default project,
	// spread over the zones in turn, for benchmarks and pagination.
	ExtraImages int
	// Empty starts the fake with no image and no snapshot at all (not even
	// the marketplace's): tests that replay recorded traffic add the world
	// they need with AddImage, AddSnapshot and AddBlockSnapshot.
	Empty bool

	// Latency is added before every answer; it ends early when the client
	// gives up (the request's context is done).
	Latency time.Duration
	// FailureRate is the fraction (0..1) of requests to the API routes that
	// get a 503, drawn from a random source seeded with FailureSeed so that
	// a run can be replayed.
	FailureRate float64
	FailureSeed uint64
	// RequestLogSize is how many requests the log keeps (the counts stay
	// exact); zero means 10,000. The sandbox keeps few: its log is only
	// for inspection, and each entry holds headers and body.
	RequestLogSize int
}

// Fake is the fake API, an http.Handler. It is safe for concurrent use.
type Fake struct {
	opts     Options
	store    *store
	faults   *faults
	requests *requestLog
	mux      *http.ServeMux
}

// New returns a fake seeded with the marketplace images, the default
// project's snapshots and private images, and opts.ExtraImages more.
func New(opts Options) *Fake {
	f := &Fake{
		opts:     opts,
		store:    newStore(),
		faults:   newFaults(opts.FailureRate, opts.FailureSeed),
		requests: newRequestLog(opts.RequestLogSize),
	}
	if !opts.Empty {
		seed(f.store, opts.ExtraImages)
	}
	f.mux = f.newMux()
	return f
}

// ServeHTTP answers one API request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mux.ServeHTTP(w, r)
}

// now is the fake's clock, in UTC so that timestamps read "+00:00" like the
// real API's.
func (f *Fake) now() time.Time {
	if f.opts.Clock != nil {
		return f.opts.Clock().UTC()
	}
	return time.Now().UTC()
}

// Images returns the images of zone as a list call sees them (state
// settled, in list order). It returns nil for a zone the API does not serve.
func (f *Fake) Images(zone scaleway.Zone) []scaleway.Image {
	return f.store.listImages(zone, func(*scaleway.Image) bool { return true }, f.now())
}

// Snapshots returns the Instance snapshots of zone, in the order they were
// made: ids a caller may use as root_volume or extra volumes when creating
// an image there.
func (f *Fake) Snapshots(zone scaleway.Zone) []scaleway.Snapshot {
	return f.store.listSnapshots(zone, func(*scaleway.Snapshot) bool { return true })
}

// BlockSnapshots returns the zone's Block Storage snapshots that a caller
// sees (not those behind public images), in list order: ids usable as
// root_volume or extra volumes too.
func (f *Fake) BlockSnapshots(zone scaleway.Zone) []scaleway.BlockSnapshot {
	return f.store.listBlockSnapshots(zone, func(snap *scaleway.BlockSnapshot) bool { return snap.ProjectID != MarketplaceProjectID })
}

// AddImage stores img as it is (a recorded answer, say): its volumes are
// not resolved and no Block snapshot gains a reference.
func (f *Fake) AddImage(img scaleway.Image) { f.store.addImage(img) }

// AddSnapshot stores an Instance snapshot as it is, replacing one with the
// same id.
func (f *Fake) AddSnapshot(snap scaleway.Snapshot) { f.store.addSnapshot(snap) }

// AddBlockSnapshot stores a Block snapshot as it is, replacing one with
// the same id.
func (f *Fake) AddBlockSnapshot(snap scaleway.BlockSnapshot) { f.store.addBlockSnapshot(snap) }
