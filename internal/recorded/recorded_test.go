package recorded

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestLoadReadsEveryRow(t *testing.T) {
	t.Parallel()
	rows, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 251 {
		t.Fatalf("%d rows, want the 251 of the README", len(rows))
	}
	kinds := map[Kind]int{}
	for _, row := range rows {
		kinds[row.Kind()]++
		if row.Zone() == "" || row.Recorded.IsZero() || row.Status == 0 || row.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: %+v", row.Name(), row)
		}
	}
	// The README's counts, by kind of path.
	want := map[Kind]int{Images: 4 + 23, Image: 50 + 11 + 6 + 7 + 2, Snapshots: 5, Snapshot: 74 + 28, BlockSnapshots: 1, BlockSnapshot: 34 + 4 + 2}
	for kind, n := range want {
		if kinds[kind] != n {
			t.Errorf("%d rows of %s, want %d", kinds[kind], kind, n)
		}
	}
	put := rows[85] // L86, the README's first PUT
	if put.Method != http.MethodPut || put.ID() != "9c251d2a-0879-4eec-823e-64a4a781996e" || put.RequestType != "application/json" || put.RequestBody == nil {
		t.Errorf("L86 = %+v", put)
	}
	l32 := rows[31]
	if got := l32.Query.Encode(); got != "page=1&public=false" {
		t.Errorf("L32 query = %q, want the recorded order", got)
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		want, got string
		shape     func(string) bool
		diffs     []string
	}{
		{`{"a":1,"b":[true]}`, `{"b":[true],"a":1}`, nil, nil},
		{`{"a":1}`, `{"a":2}`, nil, []string{"a: 2, want 1"}},
		{`{"a":1}`, `{"a":2}`, func(p string) bool { return p == "a" }, nil},
		{`{"a":null}`, `{"a":""}`, func(string) bool { return true }, []string{`a: string "", want null null`}},
		{`{"a":{"b":1}}`, `{"a":{"c":1}}`, nil, []string{"a.b: missing", "a.c: not expected (1)"}},
		{`[1,2]`, `[1]`, nil, []string{"(body): 1 items, want 2"}},
		{`{"n":20000000000}`, `{"n":2e10}`, nil, []string{"n: 2e10, want 20000000000"}},
	}
	for _, tt := range tests {
		if got := Compare([]byte(tt.want), []byte(tt.got), tt.shape); !slices.Equal(got, tt.diffs) {
			t.Errorf("Compare(%s, %s) = %q, want %q", tt.want, tt.got, got, tt.diffs)
		}
	}
}

func TestUpstreamPlaysRowsInTurn(t *testing.T) {
	t.Parallel()
	rows, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	// L1 and L2: the same Block snapshot, creating then available.
	srv := httptest.NewServer(NewUpstream(rows[0], rows[1]))
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	for _, want := range []string{`"status":"creating"`, `"status":"available"`, `"status":"available"`} {
		if status, body := get(rows[0].Path); status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET = %d %s, want %s", status, body, want)
		}
	}
	status, body := get("/instance/v1/zones/fr-par-1/images/7a892c1a-0000-4000-8000-000000000000")
	if status != http.StatusNotFound || !strings.Contains(body, `"resource":"instance_image"`) {
		t.Errorf("unrecorded image = %d %s", status, body)
	}
}

func TestExplained(t *testing.T) {
	t.Parallel()
	tests := []struct {
		row, kind   string
		diffs       []string
		unexplained int
		unseen      int
	}{
		{"L86", "request", []string{"tags: not expected ([])"}, 0, 0},
		{"L86", "request", nil, 0, 1},
		{"L86", "answer", []string{"image.name: \"x\", want \"y\""}, 1, 0},
		{"L213", "request", []string{"extra_volumes.1.name: missing", "extra_volumes.1.size: missing"}, 0, 0},
		{"L213", "request", []string{"extra_volumes.10.name: missing"}, 1, 1},
		{"L1", "answer", nil, 0, 0},
	}
	for _, tt := range tests {
		unexplained, unseen := Explained(tt.row, tt.kind, tt.diffs)
		if len(unexplained) != tt.unexplained || len(unseen) != tt.unseen {
			t.Errorf("Explained(%s, %s, %q) = %q, %v", tt.row, tt.kind, tt.diffs, unexplained, unseen)
		}
	}
}
