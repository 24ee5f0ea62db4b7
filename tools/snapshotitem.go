package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// SnapshotColumns names the values of a compact listed snapshot, in
// order. kind says which API serves it: an Instance snapshot's volume
// type (l_ssd, or the legacy b_ssd and unified), or sbs for a Block
// Storage one. size_gb is in GB (10^9 bytes, as Scaleway counts), null
// when unknown; state is the Instance state or the Block status; volume is
// the name of the volume it was taken from, null when none; used_by lists
// the ids of the images made from it.
var SnapshotColumns = []string{
	"id", "name", "kind", "size_gb", "state", "volume", "creation_date", "used_by", "zone",
}

// SnapshotKindSBS is the kind of a Block Storage snapshot: the class the
// Block API gives it.
const SnapshotKindSBS = "sbs"

// SnapshotItem is a listed snapshot. It encodes as a row of
// SnapshotColumns values (compact, the default) or, when Snapshot is set
// (verbose), as {"kind", "used_by", "snapshot"} with the API's object.
// Decoding accepts both, as for ImageItem.
type SnapshotItem struct {
	ID           string
	Name         string
	Kind         string
	SizeGB       *float64 // nil (null) when unknown
	State        string
	Volume       string // "" (null) when none
	CreationDate string // RFC 3339 at second precision; "" (null) when unknown
	UsedBy       []string
	Zone         string

	// Snapshot is the API's object, a *scaleway.Snapshot or a
	// *scaleway.BlockSnapshot: set for verbose lists, nil for compact.
	Snapshot any

	created time.Time // to order the list, at the API's precision
}

// newInstanceSnapshotItem shapes an Instance snapshot; verbose keeps the
// whole object too.
func newInstanceSnapshotItem(snap *scaleway.Snapshot, usedBy []string, verbose bool) SnapshotItem {
	item := SnapshotItem{
		ID: snap.ID, Name: snap.Name, Kind: string(snap.VolumeType), SizeGB: knownSize(snap.Size),
		State: string(snap.State), UsedBy: usedBy, Zone: string(snap.Zone),
	}
	if snap.BaseVolume != nil {
		item.Volume = snap.BaseVolume.Name
	}
	if snap.CreationDate != nil {
		item.created = snap.CreationDate.Time
	}
	return item.finish(snap, verbose)
}

// newBlockSnapshotItem shapes a Block Storage snapshot; verbose keeps the
// whole object too.
func newBlockSnapshotItem(snap *scaleway.BlockSnapshot, usedBy []string, verbose bool) SnapshotItem {
	item := SnapshotItem{
		ID: snap.ID, Name: snap.Name, Kind: SnapshotKindSBS, SizeGB: knownSize(snap.Size),
		State: string(snap.Status), UsedBy: usedBy, Zone: string(snap.Zone),
	}
	if snap.ParentVolume != nil {
		item.Volume = snap.ParentVolume.Name
	}
	if snap.CreatedAt != nil {
		item.created = snap.CreatedAt.Time
	}
	return item.finish(snap, verbose)
}

// finish writes the item's creation date and, when verbose, keeps the
// API's object.
func (it SnapshotItem) finish(object any, verbose bool) SnapshotItem {
	if verbose {
		it.Snapshot = object
	}
	it.CreationDate = formatTime(it.created)
	return it
}

// choiceTitle is the snapshot as a user picks it in a form: its name (or
// id), kind, size and date, and whether images use it already.
func (it SnapshotItem) choiceTitle() string {
	title := it.title()
	if len(it.UsedBy) > 0 {
		title = strings.TrimSuffix(title, ")") + fmt.Sprintf(", used by %d image(s))", len(it.UsedBy))
	}
	return title
}

// title is the snapshot in a few words for the user: its name (or id),
// kind, size and date.
func (it SnapshotItem) title() string {
	name := it.Name
	if name == "" {
		name = it.ID
	}
	size := "size unknown"
	if it.SizeGB != nil {
		size = strconv.FormatFloat(*it.SizeGB, 'f', -1, 64) + " GB"
	}
	title := fmt.Sprintf("%s (%s, %s", name, it.Kind, size)
	if it.CreationDate != "" {
		title += ", " + it.CreationDate[:min(len(it.CreationDate), len("2006-01-02"))]
	}
	return title + ")"
}

// knownSize is a snapshot's size in GB, nil for 0: no snapshot is empty,
// so an API that says 0 bytes does not know.
func knownSize(bytes uint64) *float64 {
	if bytes == 0 {
		return nil
	}
	return gigabytes(bytes)
}

// verboseSnapshot is the form of a verbose listed snapshot.
type verboseSnapshot struct {
	Kind     string          `json:"kind"`
	UsedBy   []string        `json:"used_by"`
	Snapshot json.RawMessage `json:"snapshot"`
}

// MarshalJSON writes the verbose object when Snapshot is set, else the
// compact row.
func (it SnapshotItem) MarshalJSON() ([]byte, error) {
	if it.Snapshot == nil {
		return it.appendRow(make([]byte, 0, 192)), nil
	}
	snap, err := json.Marshal(it.Snapshot)
	if err != nil {
		return nil, err
	}
	usedBy := it.UsedBy
	if usedBy == nil {
		usedBy = []string{}
	}
	return json.Marshal(verboseSnapshot{Kind: it.Kind, UsedBy: usedBy, Snapshot: snap})
}

// appendRow writes the row by hand, as ImageItem's.
func (it SnapshotItem) appendRow(b []byte) []byte {
	b = append(b, '[')
	b = appendString(b, it.ID)
	b = append(b, ',')
	b = appendString(b, it.Name)
	b = append(b, ',')
	b = appendString(b, it.Kind)
	b = append(b, ',')
	b = appendFloatOrNull(b, it.SizeGB)
	b = append(b, ',')
	b = appendString(b, it.State)
	b = append(b, ',')
	b = appendStringOrNull(b, it.Volume)
	b = append(b, ',')
	b = appendStringOrNull(b, it.CreationDate)
	b = append(b, ',')
	b = appendStrings(b, it.UsedBy)
	b = append(b, ',')
	b = appendString(b, it.Zone)
	return append(b, ']')
}

// UnmarshalJSON reads a compact row or a verbose object, whose snapshot
// is decoded as its kind says.
func (it *SnapshotItem) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		*it = SnapshotItem{}
		return decodeRow(data, "snapshot", SnapshotColumns, &it.ID, &it.Name, &it.Kind, &it.SizeGB, &it.State,
			&it.Volume, &it.CreationDate, &it.UsedBy, &it.Zone)
	}
	var v verboseSnapshot
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("a listed snapshot object: %w", err)
	}
	if v.Kind == SnapshotKindSBS {
		var snap scaleway.BlockSnapshot
		if err := json.Unmarshal(v.Snapshot, &snap); err != nil {
			return fmt.Errorf("a listed Block Storage snapshot: %w", err)
		}
		*it = newBlockSnapshotItem(&snap, v.UsedBy, true)
		return nil
	}
	var snap scaleway.Snapshot
	if err := json.Unmarshal(v.Snapshot, &snap); err != nil {
		return fmt.Errorf("a listed Instance snapshot: %w", err)
	}
	*it = newInstanceSnapshotItem(&snap, v.UsedBy, true)
	return nil
}
