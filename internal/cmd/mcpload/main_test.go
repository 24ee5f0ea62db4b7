package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(1, 2), 50, 1 * time.Millisecond},
		{ms(1, 2, 3), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{ms(hundred...), 50, 50 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 100, 100 * time.Millisecond},
		{ms(hundred...), 0, 1 * time.Millisecond},
		{ms(append(hundred, 1000)...), 99, 100 * time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%d values, %v) = %v, want %v", len(tc.sorted), tc.p, got, tc.want)
		}
	}
}

func TestHeaderFlag(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	f := headerFlag(h)
	if err := f.Set("X-Auth-Token:  5a4db0c5-0000-4000-8000-000000000000 "); err != nil {
		t.Fatal(err)
	}
	if got := h.Get("X-Auth-Token"); got != "5a4db0c5-0000-4000-8000-000000000000" {
		t.Errorf("X-Auth-Token = %q", got)
	}
	for _, bad := range []string{"no colon", ": value", ""} {
		if err := f.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}

const testImage = "2075b8fb-6b96-8ced-ace7-889afec266b1"

func result(id int64, structured string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"result":{"content":[{"type":"text","text":"..."}],"structuredContent":%s}}`, id, structured)
}

func TestCheckAnswer(t *testing.T) {
	t.Parallel()
	get := `{"image":{"id":"` + testImage + `"}}`
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		answer      string
		check       func(json.RawMessage) error
		wantErr     string // "" for none
	}{
		{"list", 200, "application/json", result(3, `{"columns":["id"],"images":[["x"]]}`), checkList, ""},
		{"get", 200, "application/json", result(3, get), checkGet(testImage), ""},
		{"get another image", 200, "application/json", result(3, `{"image":{"id":"other"}}`), checkGet(testImage), "not image"},
		{"empty list", 200, "application/json", result(3, `{"images":[]}`), checkList, "no images"},
		{"proxy error", 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>\n", checkList, "HTTP 502: <html>"},
		{"event stream", 200, "text/event-stream", "event: message\ndata: {}\n\n", checkList, "content type"},
		{"not JSON", 200, "application/json", "{", checkList, "not JSON-RPC"},
		{"another id", 200, "application/json", result(4, get), checkGet(testImage), "answer to id 4, want 3"},
		{"JSON-RPC error", 200, "application/json", `{"jsonrpc":"2.0","id":3,"error":{"code":-32602,"message":"unknown tool"}}`, checkList, "JSON-RPC error -32602: unknown tool"},
		{"tool error", 200, "application/json", `{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"Scaleway error not_found"}],"isError":true}}`, checkList, "tool error: Scaleway error not_found"},
		{"no result", 200, "application/json", `{"jsonrpc":"2.0","id":3}`, checkList, "no result"},
	} {
		err := checkAnswer(tc.status, tc.contentType, []byte(tc.answer), 3, tc.check)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

// fakeMCP answers tools/call as the server does, naming a replica in
// X-Replica, and answers 502 to every failEvery-th call (0: never). It
// takes "key" or a UUID as X-Auth-Token, and counts the calls by key.
func fakeMCP(t *testing.T, failEvery int64) (*httptest.Server, *atomic.Int64, func() map[string]int) {
	var calls atomic.Int64
	var mu sync.Mutex
	keys := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			ID     int64 `json:"id"`
			Params struct {
				Name string `json:"name"`
			} `json:"params"`
		}
		key := r.Header.Get("X-Auth-Token")
		if err := json.Unmarshal(body, &req); err != nil || (key != "key" && !uuidPattern.MatchString(key)) {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		keys[key]++
		mu.Unlock()
		n := calls.Add(1)
		w.Header().Set("X-Replica", fmt.Sprintf("r%d", n%3+1))
		if failEvery > 0 && n%failEvery == 0 {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		structured := `{"images":[["` + testImage + `"]]}`
		if req.Params.Name == "get-instance-image" {
			structured = `{"image":{"id":"` + testImage + `"}}`
		}
		_, _ = io.WriteString(w, result(req.ID, structured))
	}))
	t.Cleanup(srv.Close)
	return srv, &calls, func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		return maps.Clone(keys)
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRun(t *testing.T) {
	t.Parallel()
	srv, calls, _ := fakeMCP(t, 0)
	var out strings.Builder
	cfg := config{url: srv.URL, clients: 4, duration: 200 * time.Millisecond, timeout: time.Second, headers: http.Header{"X-Auth-Token": {"key"}}}
	if err := run(cfg, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	report := out.String()
	// The first list (finding the image) is not counted.
	if !strings.Contains(report, fmt.Sprintf("calls %d in ", calls.Load()-1)) || !strings.Contains(report, "failed 0;") {
		t.Errorf("report after %d calls:\n%s", calls.Load(), report)
	}
	if !strings.Contains(report, "answered by: r1 ") || !strings.Contains(report, "r3 ") {
		t.Errorf("no replicas in the report:\n%s", report)
	}
}

// TestRunKeyPerClient: each client calls with a key of its own, and the
// first list with one more.
func TestRunKeyPerClient(t *testing.T) {
	t.Parallel()
	srv, _, keys := fakeMCP(t, 0)
	var out strings.Builder
	cfg := config{url: srv.URL, clients: 3, duration: 100 * time.Millisecond, timeout: time.Second, headers: http.Header{}, keyPerClient: true}
	if err := run(cfg, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if got := keys(); len(got) != 4 || got["key"] != 0 {
		t.Errorf("calls by key = %v, want 4 UUIDs", got)
	}
}

func TestRunCountsFailures(t *testing.T) {
	t.Parallel()
	srv, _, _ := fakeMCP(t, 5)
	var out strings.Builder
	cfg := config{url: srv.URL, clients: 2, duration: 100 * time.Millisecond, timeout: time.Second, headers: http.Header{"X-Auth-Token": {"key"}}}
	err := run(cfg, &out)
	if err == nil || !strings.Contains(err.Error(), "calls failed") {
		t.Fatalf("run = %v, want failed calls\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "×): ") || !strings.Contains(out.String(), "HTTP 502: bad gateway") {
		t.Errorf("the failures are not listed:\n%s", out.String())
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	s := summarize([]outcome{
		{took: 3 * time.Millisecond, replica: "r1"},
		{took: time.Millisecond, replica: "r2", err: fmt.Errorf("boom")},
		{took: 2 * time.Millisecond, replica: "r1", err: fmt.Errorf("boom")},
		{took: 9 * time.Millisecond, err: fmt.Errorf("refused")},
	}, 2*time.Second)
	if s.calls != 4 || s.failed != 3 || s.p50 != 2*time.Millisecond || s.p99 != 9*time.Millisecond || s.max != 9*time.Millisecond {
		t.Errorf("summary = %+v", s)
	}
	want := "calls 4 in 2.0 s (2/s), failed 3; latency p50 2.0 ms, p99 9.0 ms, max 9.0 ms\nanswered by: r1 2, r2 1\nfailure (2×): boom\nfailure (1×): refused\n"
	if got := s.report(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}
