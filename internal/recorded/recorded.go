// Package recorded reads the exchanges recorded from the real Scaleway API
// (testdata/recorded/interactions.jsonl, described in the README beside
// it), compares JSON bodies the way the contract tests need, and serves
// recorded answers back as an upstream. It is the ground truth the client,
// the fake and the tools are tested against; only tests import it.
package recorded

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// Row is one recorded exchange.
type Row struct {
	Line            int    // 1-based line in interactions.jsonl: "L86" in the README
	Source          string // the cassette, as repo[@commit]:path
	Order           int    // its index in the cassette
	Recorded        time.Time
	Method          string
	Path            string
	Query           Query
	RequestType     string          // the request's Content-Type, if it had a body
	RequestBody     json.RawMessage // nil when there was none (or it was not recorded)
	RequestBodyNote string          // why a body is missing, when one should be there
	Status          int
	Header          http.Header     // the kept response headers
	ResponseBody    json.RawMessage // nil when the answer was empty
}

// Name is the row's name in the README and in test names: "L86".
func (r Row) Name() string { return fmt.Sprintf("L%d", r.Line) }

// Query is a request's query, in the order it was sent (the API echoes
// that order in its Link header).
type Query []Param

// Param is one query parameter.
type Param struct{ Name, Value string }

// Encode writes the query in its recorded order.
func (q Query) Encode() string {
	parts := make([]string, len(q))
	for i, p := range q {
		parts[i] = url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value)
	}
	return strings.Join(parts, "&")
}

// UnmarshalJSON reads the recorded object, keeping its key order; a value
// is a string, or a list when the key repeats.
func (q *Query) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("query is not an object: %s", b)
	}
	*q = nil
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var values []string
		var one string
		if json.Unmarshal(raw, &one) == nil {
			values = []string{one}
		} else if err := json.Unmarshal(raw, &values); err != nil {
			return fmt.Errorf("query %s: %w", name, err)
		}
		for _, v := range values {
			*q = append(*q, Param{name, v})
		}
	}
	return nil
}

// Kind names what a row's path addresses.
type Kind string

// The kinds of path the recordings hold.
const (
	Images         Kind = "images"          // /instance/v1/zones/{zone}/images
	Image          Kind = "image"           // /instance/v1/zones/{zone}/images/{id}
	Snapshots      Kind = "snapshots"       // /instance/v1/zones/{zone}/snapshots
	Snapshot       Kind = "snapshot"        // /instance/v1/zones/{zone}/snapshots/{id}
	BlockSnapshots Kind = "block snapshots" // /block/v1alpha1/zones/{zone}/snapshots
	BlockSnapshot  Kind = "block snapshot"  // /block/v1alpha1/zones/{zone}/snapshots/{id}
)

var pathPattern = regexp.MustCompile(`^/(instance/v1|block/v1alpha1)/zones/([a-z0-9-]+)/(images|snapshots)(?:/([0-9a-f-]{36}))?$`)

// Kind, Zone and ID split the row's path.
func (r Row) Kind() Kind {
	m := pathPattern.FindStringSubmatch(r.Path)
	if m == nil {
		return ""
	}
	kind := Kind(m[3])
	if m[1] == "block/v1alpha1" {
		kind = "block " + kind
	}
	if m[4] != "" {
		kind = Kind(strings.TrimSuffix(string(kind), "s"))
	}
	return kind
}

// Zone is the zone of the row's path.
func (r Row) Zone() string { return part(r.Path, 2) }

// ID is the resource id of the row's path, or "" for a collection.
func (r Row) ID() string { return part(r.Path, 4) }

func part(path string, i int) string {
	if m := pathPattern.FindStringSubmatch(path); m != nil {
		return m[i]
	}
	return ""
}

// file is the shape of one line.
type file struct {
	Source          string            `json:"source"`
	Order           int               `json:"order"`
	Recorded        string            `json:"recorded"`
	Method          string            `json:"method"`
	Path            string            `json:"path"`
	Query           Query             `json:"query"`
	RequestHeaders  map[string]string `json:"request_headers"`
	RequestBody     json.RawMessage   `json:"request_body"`
	RequestBodyNote string            `json:"request_body_note"`
	Status          int               `json:"status"`
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    json.RawMessage   `json:"response_body"`
}

// Path is where the repository keeps the recordings, found from this
// source file, so that a test in any package can load them.
func Path() string {
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "testdata", "recorded", "interactions.jsonl")
}

// Load reads every row of the repository's recordings, in file order.
func Load() ([]Row, error) {
	f, err := os.Open(Path())
	if err != nil {
		return nil, fmt.Errorf("opening the recordings: %w", err)
	}
	defer f.Close()
	var rows []Row
	scanner := bufio.NewScanner(f)
	scanner.Buffer(nil, 1<<20)
	for line := 1; scanner.Scan(); line++ {
		var raw file
		if err := json.Unmarshal(scanner.Bytes(), &raw); err != nil {
			return nil, fmt.Errorf("recordings line %d: %w", line, err)
		}
		row := Row{
			Line: line, Source: raw.Source, Order: raw.Order, Method: raw.Method, Path: raw.Path, Query: raw.Query,
			RequestType: raw.RequestHeaders["Content-Type"], RequestBody: nullable(raw.RequestBody),
			RequestBodyNote: raw.RequestBodyNote, Status: raw.Status, Header: http.Header{}, ResponseBody: nullable(raw.ResponseBody),
		}
		if row.Recorded, err = time.Parse(time.RFC3339, raw.Recorded); err != nil {
			return nil, fmt.Errorf("recordings line %d: %w", line, err)
		}
		for name, value := range raw.ResponseHeaders {
			row.Header.Set(name, value)
		}
		rows = append(rows, row)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("reading the recordings: %w", err)
	}
	return rows, nil
}

// nullable turns a recorded JSON null into no body.
func nullable(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}
