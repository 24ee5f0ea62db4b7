package scaleway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/recorded"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// The contract tests hold the client and the fake to the traffic recorded
// from the real api.scaleway.com (testdata/recorded), row by row: when a
// recording and an SDK type or a doc disagree, the recording wins.

func loadRecorded(t *testing.T) []recorded.Row {
	t.Helper()
	rows, err := recorded.Load()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRecordedBodiesRoundTrip decodes every recorded body, answers and
// request bodies of both eras, into the client's types, refusing any key
// the types do not have, and encodes it back: nothing may be lost or
// invented (from_server null in 2022-2023, b_ssd and unified volumes, arm,
// Block snapshots with or without references, error bodies).
func TestRecordedBodiesRoundTrip(t *testing.T) {
	t.Parallel()
	for _, row := range loadRecorded(t) {
		t.Run(row.Name(), func(t *testing.T) {
			t.Parallel()
			if row.ResponseBody != nil {
				roundTrip(t, "answer", row.ResponseBody, answerType(row))
			}
			if row.RequestBody != nil {
				roundTrip(t, "request", row.RequestBody, requestType(row.Method))
			}
		})
	}
}

// answerType is what the client decodes the row's answer into.
func answerType(row recorded.Row) any {
	if row.Status >= 400 {
		return &scaleway.Error{}
	}
	if answersImage(row) {
		return &struct {
			Image *scaleway.Image `json:"image"`
		}{}
	}
	switch row.Kind() {
	case recorded.Images:
		return &scaleway.ListImagesResponse{}
	case recorded.Image:
		return &struct {
			Image *scaleway.Image `json:"image"`
		}{}
	case recorded.Snapshots:
		return &scaleway.ListSnapshotsResponse{}
	case recorded.Snapshot:
		return &struct {
			Snapshot *scaleway.Snapshot `json:"snapshot"`
		}{}
	case recorded.BlockSnapshots:
		return &scaleway.ListBlockSnapshotsResponse{}
	}
	return &scaleway.BlockSnapshot{}
}

// answersImage says whether a successful answer to row is one image: a
// single image's, or a create's.
func answersImage(row recorded.Row) bool {
	return row.Kind() == recorded.Image || row.Kind() == recorded.Images && row.Method == http.MethodPost
}

// requestType is the client's type for the body of a write.
func requestType(method string) any {
	switch method {
	case http.MethodPost:
		return &scaleway.CreateImageRequest{}
	case http.MethodPut:
		return &scaleway.SetImageRequest{}
	}
	return &scaleway.UpdateImageRequest{}
}

func roundTrip(t *testing.T, what string, body []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("the recorded %s does not decode into %T: %v\n%s", what, v, err, body)
	}
	again, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if diffs := recorded.Compare(body, again, nil); len(diffs) > 0 {
		t.Errorf("the recorded %s changes through %T:\n  %s", what, v, strings.Join(diffs, "\n  "))
	}
}

// TestClientSendsRecordedBodies gives the client the intent of every
// recorded create, PATCH and PUT (the recorded body, decoded) and checks
// that what it sends is what the recorded client sent: the same keys, the
// same values, as JSON.
func TestClientSendsRecordedBodies(t *testing.T) {
	t.Parallel()
	for _, row := range loadRecorded(t) {
		if row.Method == http.MethodGet || row.Method == http.MethodDelete {
			continue
		}
		t.Run(row.Name()+" "+row.Method, func(t *testing.T) {
			t.Parallel()
			if row.RequestBody == nil {
				t.Skipf("nothing to compare: %s", row.RequestBodyNote)
			}
			var sent []byte
			var contentType string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sent, _ = io.ReadAll(r.Body)
				contentType = r.Header.Get("Content-Type")
				for name, values := range row.Header {
					w.Header()[name] = values
				}
				w.WriteHeader(row.Status)
				_, _ = w.Write(row.ResponseBody)
			}))
			defer srv.Close()
			c, err := scaleway.NewClient(scaleway.WithBaseURL(srv.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken), scaleway.WithRetryPolicy(scaleway.NoRetries))
			if err != nil {
				t.Fatal(err)
			}
			intent := requestType(row.Method)
			if err := json.Unmarshal(row.RequestBody, intent); err != nil {
				t.Fatal(err)
			}
			zone := scaleway.Zone(row.Zone())
			switch req := intent.(type) {
			case *scaleway.CreateImageRequest:
				_, _, err = c.CreateImage(t.Context(), zone, req)
			case *scaleway.UpdateImageRequest:
				_, _, err = c.UpdateImage(t.Context(), zone, row.ID(), req)
			case *scaleway.SetImageRequest:
				_, _, err = c.SetImage(t.Context(), zone, row.ID(), req)
			}
			if err != nil {
				t.Fatalf("the client refused or failed the recorded %s: %v", row.Method, err)
			}
			if diffs := recorded.Compare(row.RequestBody, sent, nil); len(diffs) > 0 {
				t.Errorf("sent %s\nrecorded %s\n  %s", sent, row.RequestBody, strings.Join(diffs, "\n  "))
			}
			if contentType != row.RequestType {
				t.Errorf("Content-Type %q, recorded %q", contentType, row.RequestType)
			}
		})
	}
}

// TestFakeReplaysRecordings sends every recorded request to the fake,
// seeded with the state the recordings show before it (each resource as
// last seen in the same cassette; for a read, as the read itself shows
// it), and compares the answer with the recorded one: status, keys, JSON
// types and values (but for what the server generates: a new image's id
// and dates, which are compared by shape; and a modification date, which
// must move exactly when the recorded one moved), and the headers
// Content-Type, X-Total-Count, Link, an absolute Location and
// X-Request-Id.
func TestFakeReplaysRecordings(t *testing.T) {
	t.Parallel()
	rows := loadRecorded(t)
	for i, row := range rows {
		t.Run(row.Name(), func(t *testing.T) {
			t.Parallel()
			unexplained, unseen := recorded.Explained(row.Name(), "answer", replay(t, rows, i))
			if len(unexplained) > 0 {
				t.Errorf("%s %s%s (%s #%d): the fake answers otherwise:\n  %s", row.Method, row.Path, query(row), row.Source, row.Order, strings.Join(unexplained, "\n  "))
			}
			for _, d := range unseen {
				t.Errorf("the listed divergence at %q no longer happens; take it off recorded.Divergences", d.Where)
			}
		})
	}
}

func query(row recorded.Row) string {
	if len(row.Query) == 0 {
		return ""
	}
	return "?" + row.Query.Encode()
}

// replay sends rows[i] to a fake seeded with the state before it, and
// returns every difference between the two answers.
func replay(t *testing.T, rows []recorded.Row, i int) []string {
	t.Helper()
	row := rows[i]
	w := worldBefore(rows, i)
	body := row.RequestBody
	if body == nil && (row.Method == http.MethodPost || row.Method == http.MethodPatch) {
		body = intentFromAnswer(t, row, w)
	}
	w.ensureSnapshotsOf(t, row)
	// The Date header is cut to the second: the answer was made within
	// the second after it.
	fake := scalewaytest.New(scalewaytest.Options{Empty: true, Clock: func() time.Time { return row.Recorded.Add(time.Second) }})
	w.seed(t, fake)

	target := "https://api.scaleway.com" + row.Path + query(row)
	req := httptest.NewRequestWithContext(context.Background(), row.Method, target, bytes.NewReader(body))
	req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
	if row.RequestType != "" {
		req.Header.Set("Content-Type", row.RequestType)
	}
	answer := httptest.NewRecorder()
	fake.ServeHTTP(answer, req)

	var diffs []string
	if answer.Code != row.Status {
		return []string{fmt.Sprintf("status %d, want %d: %s", answer.Code, row.Status, answer.Body)}
	}
	got := answer.Body.Bytes()
	switch {
	case row.ResponseBody == nil && len(got) > 0:
		diffs = append(diffs, fmt.Sprintf("(body): %s, want none", got))
	case row.ResponseBody != nil:
		diffs = append(diffs, recorded.Compare(row.ResponseBody, got, generated(row))...)
		diffs = append(diffs, checkModificationDate(t, row, w, got)...)
	}
	return append(diffs, compareHeaders(row, answer.Header(), got)...)
}

// generated says which values of a write's answer the server makes up,
// so that only their shape is compared.
func generated(row recorded.Row) func(string) bool {
	switch row.Method {
	case http.MethodPost:
		return func(path string) bool {
			return path == "image.id" || path == "image.creation_date" || path == "image.modification_date"
		}
	case http.MethodPatch, http.MethodPut:
		return func(path string) bool { return path == "image.modification_date" }
	}
	return nil
}

// checkModificationDate holds the recorded rule for PATCH and PUT: the
// modification date moves when the recorded one moved, and only then.
func checkModificationDate(t *testing.T, row recorded.Row, w *world, got []byte) []string {
	if row.Method != http.MethodPatch && row.Method != http.MethodPut || row.Status != http.StatusOK {
		return nil
	}
	before := decodeImage(t, w.images[row.ID()])
	after := decodeImage(t, imageOf(t, row.ResponseBody))
	answered := decodeImage(t, imageOf(t, got))
	recordedMoved := !after.ModificationDate.Equal(before.ModificationDate.Time)
	fakeMoved := !answered.ModificationDate.Equal(before.ModificationDate.Time)
	if recordedMoved != fakeMoved {
		return []string{fmt.Sprintf("image.modification_date: moved %v, recorded moved %v", fakeMoved, recordedMoved)}
	}
	return nil
}

func compareHeaders(row recorded.Row, got http.Header, body []byte) []string {
	var diffs []string
	for _, name := range []string{"Content-Type", "X-Total-Count", "Link"} {
		if got.Get(name) != row.Header.Get(name) {
			diffs = append(diffs, fmt.Sprintf("header %s: %q, want %q", name, got.Get(name), row.Header.Get(name)))
		}
	}
	if location := row.Header.Get("Location"); location != "" {
		// The new image's id is the fake's: the URL must be the recorded
		// one, absolute, with that id.
		want := strings.Replace(location, decodeImage(nil, imageOf(nil, row.ResponseBody)).ID, decodeImage(nil, imageOf(nil, body)).ID, 1)
		if got.Get("Location") != want {
			diffs = append(diffs, fmt.Sprintf("header Location: %q, want %q", got.Get("Location"), want))
		}
	} else if got.Get("Location") != "" {
		diffs = append(diffs, fmt.Sprintf("header Location: %q, want none", got.Get("Location")))
	}
	if got.Get("X-Request-Id") == "" {
		diffs = append(diffs, "header X-Request-Id: missing")
	}
	return diffs
}

// world is the state one cassette shows at some point: the latest
// recorded object of each resource, by id.
type world struct {
	images, snapshots, blocks map[string]json.RawMessage
}

// worldBefore is the state before rows[i], seen from its own cassette: the
// effect of every earlier row, and, when rows[i] reads, what it reads (a
// read shows the state it happens in).
func worldBefore(rows []recorded.Row, i int) *world {
	w := &world{images: map[string]json.RawMessage{}, snapshots: map[string]json.RawMessage{}, blocks: map[string]json.RawMessage{}}
	for j := range i {
		if rows[j].Source == rows[i].Source {
			w.apply(rows[j])
		}
	}
	if rows[i].Method == http.MethodGet {
		w.apply(rows[i])
	}
	return w
}

// apply records what a row shows of the state.
func (w *world) apply(row recorded.Row) {
	collection := map[recorded.Kind]map[string]json.RawMessage{
		recorded.Image: w.images, recorded.Images: w.images,
		recorded.Snapshot: w.snapshots, recorded.Snapshots: w.snapshots,
		recorded.BlockSnapshot: w.blocks, recorded.BlockSnapshots: w.blocks,
	}[row.Kind()]
	switch {
	case row.Status == http.StatusNotFound || row.Method == http.MethodDelete && row.Status == http.StatusNoContent:
		delete(collection, row.ID())
	case row.Status >= 300:
	default:
		var body map[string]json.RawMessage
		_ = json.Unmarshal(row.ResponseBody, &body)
		switch {
		case answersImage(row):
			upsert(collection, body["image"])
		case row.Kind() == recorded.Snapshot:
			upsert(collection, body["snapshot"])
		case row.Kind() == recorded.BlockSnapshot:
			upsert(collection, row.ResponseBody)
		default: // a list
			key := "snapshots"
			if row.Kind() == recorded.Images {
				key = "images"
			}
			var items []json.RawMessage
			_ = json.Unmarshal(body[key], &items)
			for _, item := range items {
				upsert(collection, item)
			}
		}
	}
}

// upsert stores an object by its id. A Block list item comes without its
// references: it keeps those already known.
func upsert(collection map[string]json.RawMessage, object json.RawMessage) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(object, &fields) != nil {
		return
	}
	var id string
	_ = json.Unmarshal(fields["id"], &id)
	if _, ok := fields["references"]; !ok && fields["class"] != nil {
		var known map[string]json.RawMessage
		if json.Unmarshal(collection[id], &known) == nil && known["references"] != nil {
			fields["references"] = known["references"]
			object, _ = json.Marshal(fields)
		}
	}
	collection[id] = object
}

// ensureSnapshotsOf adds the snapshots a write's recorded answer names
// that the cassette never read: they existed, with the name, size and type
// the answer shows (a Block snapshot's own size is not shown; any will do).
func (w *world) ensureSnapshotsOf(t *testing.T, row recorded.Row) {
	if !answersImage(row) || row.Method == http.MethodGet || row.ResponseBody == nil || row.Status >= 300 {
		return
	}
	img := decodeImage(t, imageOf(t, row.ResponseBody))
	volumes := map[string]*scaleway.ImageVolume{}
	if rv := img.RootVolume; rv != nil {
		volumes[rv.ID] = &scaleway.ImageVolume{ID: rv.ID, Name: rv.Name, Size: rv.Size, VolumeType: rv.VolumeType}
	}
	for _, v := range img.ExtraVolumes {
		volumes[v.ID] = v
	}
	for id, v := range volumes {
		if w.snapshots[id] != nil || w.blocks[id] != nil {
			continue
		}
		if v.VolumeType == scaleway.VolumeTypeSBSSnapshot {
			at := scaleway.NewBlockTimestamp(img.CreationDate.Time)
			w.blocks[id] = mustJSON(t, scaleway.BlockSnapshot{
				ID: id, Name: "unrecorded", Size: 10_000_000_000, ProjectID: img.Project, CreatedAt: &at, UpdatedAt: &at,
				References: []scaleway.BlockReference{}, Status: scaleway.BlockSnapshotAvailable, Tags: []string{}, Class: "sbs", Zone: img.Zone,
			})
			continue
		}
		w.snapshots[id] = mustJSON(t, scaleway.Snapshot{
			ID: id, Name: v.Name, VolumeType: v.VolumeType, CreationDate: img.CreationDate, ModificationDate: img.CreationDate,
			Organization: img.Organization, Project: img.Project, Size: v.Size, State: scaleway.SnapshotStateAvailable,
			Tags: []string{}, Zone: img.Zone,
		})
	}
}

// seed gives the fake the world.
func (w *world) seed(t *testing.T, fake *scalewaytest.Fake) {
	t.Helper()
	for _, raw := range w.images {
		fake.AddImage(decodeImage(t, raw))
	}
	for _, raw := range w.snapshots {
		var snap scaleway.Snapshot
		mustDecode(t, raw, &snap)
		fake.AddSnapshot(snap)
	}
	for _, raw := range w.blocks {
		var snap scaleway.BlockSnapshot
		mustDecode(t, raw, &snap)
		fake.AddBlockSnapshot(snap)
	}
}

// intentFromAnswer rebuilds a write body that was not recorded (L55, L56:
// a cassette kept a copy of the answer instead) from the answer: the
// create a CLI sends, or the PATCH fields the answer shows changed.
func intentFromAnswer(t *testing.T, row recorded.Row, w *world) []byte {
	after := decodeImage(t, imageOf(t, row.ResponseBody))
	extras := map[string]any{}
	for key, v := range after.ExtraVolumes {
		extras[key] = map[string]string{"id": v.ID}
	}
	intent := map[string]any{}
	if row.Method == http.MethodPost {
		intent = map[string]any{"name": after.Name, "root_volume": after.RootVolume.ID, "arch": after.Arch, "project": after.Project}
		if len(extras) > 0 {
			intent["extra_volumes"] = extras
		}
		return mustJSON(t, intent)
	}
	before := decodeImage(t, w.images[row.ID()])
	if after.Name != before.Name {
		intent["name"] = after.Name
	}
	if after.Arch != before.Arch {
		intent["arch"] = after.Arch
	}
	if after.Public != before.Public {
		intent["public"] = after.Public
	}
	if !slices.Equal(after.Tags, before.Tags) {
		intent["tags"] = after.Tags
	}
	if string(mustJSON(t, after.ExtraVolumes)) != string(mustJSON(t, before.ExtraVolumes)) {
		intent["extra_volumes"] = extras
	}
	return mustJSON(t, intent)
}

func imageOf(t *testing.T, body []byte) json.RawMessage {
	var envelope struct {
		Image json.RawMessage `json:"image"`
	}
	mustDecode(t, body, &envelope)
	return envelope.Image
}

func decodeImage(t *testing.T, raw []byte) scaleway.Image {
	var img scaleway.Image
	mustDecode(t, raw, &img)
	return img
}

// mustDecode decodes raw into v; t may be nil where a failure shows up
// later as a difference anyway.
func mustDecode(t *testing.T, raw []byte, v any) {
	if err := json.Unmarshal(raw, v); err != nil && t != nil {
		t.Helper()
		t.Fatalf("decoding %s: %v", raw, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFakeFollowsRecordedSequences plays two recorded cassettes through one
// fake, in order: an image made of Block Storage snapshots, the snapshots
// read while the image exists, then after it is deleted. The fake must
// link and unlink the snapshots as the API did: in_use with one reference
// to the new image, then available with none, updated_at moving each time.
func TestFakeFollowsRecordedSequences(t *testing.T) {
	t.Parallel()
	rows := loadRecorded(t)
	row := func(line int) recorded.Row { return rows[line-1] }
	tests := []struct {
		name                     string
		seed                     []int // reads of what existed before
		create                   int
		whileUsed, afterDeletion []int // Block snapshot reads
	}{
		{"sbs root volume", []int{47}, 48, []int{50}, []int{52}},
		{"sbs extra volumes", []int{34, 36, 38}, 39, []int{41, 42}, []int{44, 45}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := row(tt.create).Recorded
			fake := scalewaytest.New(scalewaytest.Options{Empty: true, Clock: func() time.Time { return now }})
			w := &world{images: map[string]json.RawMessage{}, snapshots: map[string]json.RawMessage{}, blocks: map[string]json.RawMessage{}}
			for _, line := range tt.seed {
				w.apply(row(line))
			}
			w.seed(t, fake)
			serve := func(method, path string, body []byte) *httptest.ResponseRecorder {
				req := httptest.NewRequestWithContext(context.Background(), method, "https://api.scaleway.com"+path, bytes.NewReader(body))
				req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
				answer := httptest.NewRecorder()
				fake.ServeHTTP(answer, req)
				return answer
			}
			create := row(tt.create)
			created := serve(http.MethodPost, create.Path, create.RequestBody)
			if created.Code != http.StatusCreated {
				t.Fatalf("create: %d %s", created.Code, created.Body)
			}
			image := decodeImage(t, imageOf(t, created.Body.Bytes())).ID
			check := func(lines []int, linked bool) {
				t.Helper()
				for _, line := range lines {
					want := row(line)
					got := serve(http.MethodGet, want.Path, nil)
					// The reference's id and dates are the fake's; what it
					// points to must be the new image.
					diffs := recorded.Compare(want.ResponseBody, got.Body.Bytes(), func(path string) bool {
						return path == "updated_at" || strings.HasPrefix(path, "references.0.")
					})
					var snap scaleway.BlockSnapshot
					mustDecode(t, got.Body.Bytes(), &snap)
					if linked && (len(snap.References) != 1 || snap.References[0].ProductResourceID != image) {
						diffs = append(diffs, fmt.Sprintf("references: %+v, want one to image %s", snap.References, image))
					}
					if !snap.UpdatedAt.After(snap.CreatedAt.Time) {
						diffs = append(diffs, "updated_at: did not move")
					}
					if len(diffs) > 0 {
						t.Errorf("%s: the fake answers otherwise:\n  %s", want.Name(), strings.Join(diffs, "\n  "))
					}
				}
			}
			check(tt.whileUsed, true)
			now = now.Add(time.Second)
			if deleted := serve(http.MethodDelete, create.Path+"/"+image, nil); deleted.Code != http.StatusNoContent {
				t.Fatalf("delete: %d %s", deleted.Code, deleted.Body)
			}
			check(tt.afterDeletion, false)
		})
	}
}

// TestRecordedErrors reads every recorded error answer through the client
// (the Instance API's 404s for images and snapshots, the Block API's for
// snapshots, on GET and DELETE): each is a not_found *Error naming its
// resource and id, with the request id, and a sentence saying what to do.
func TestRecordedErrors(t *testing.T) {
	t.Parallel()
	for _, row := range loadRecorded(t) {
		if row.Status < 400 {
			continue
		}
		t.Run(row.Name(), func(t *testing.T) {
			t.Parallel()
			// The client makes no Block DELETE: it reads that answer as
			// its GET, as any call decodes an error the same way.
			served := row
			served.Method = http.MethodGet
			srv := httptest.NewServer(recorded.NewUpstream(served))
			defer srv.Close()
			c, err := scaleway.NewClient(scaleway.WithBaseURL(srv.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken), scaleway.WithRetryPolicy(scaleway.NoRetries))
			if err != nil {
				t.Fatal(err)
			}
			zone, id := scaleway.Zone(row.Zone()), row.ID()
			switch row.Kind() {
			case recorded.Image:
				_, _, err = c.GetImage(t.Context(), zone, id)
			case recorded.Snapshot:
				_, _, err = c.GetSnapshot(t.Context(), zone, id)
			default:
				_, _, err = c.GetBlockSnapshot(t.Context(), zone, id)
			}
			var apiErr *scaleway.Error
			if !errors.As(err, &apiErr) || !scaleway.IsNotFound(err) || apiErr.StatusCode != row.Status || apiErr.ResourceID != id ||
				apiErr.RequestID != row.Header.Get("X-Request-Id") {
				t.Fatalf("error = %#v (%v)", apiErr, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "found no "+apiErr.Resource+" "+id) || !strings.Contains(msg, "check the id and the zone") {
				t.Errorf("message %q", msg)
			}
		})
	}
}
