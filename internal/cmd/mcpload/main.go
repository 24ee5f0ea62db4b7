// Command mcpload drives concurrent MCP tool calls at a streamable HTTP
// endpoint for scripts/replicas.sh, which points it at HAProxy in front of
// three replicas while it restarts them one at a time. Each call is a new
// stateless POST of tools/call, alternately list-instance-images and
// get-instance-image: reads only, which a proxy may safely send again
// after a replica dropped them. It runs until interrupted (SIGINT or
// SIGTERM: calls in flight finish and are counted) or -duration is over,
// then prints the calls made, the calls failed, latency percentiles and
// which replica answered (the proxy's X-Replica header, when it sets one).
//
//	mcpload -url http://127.0.0.1:8080/mcp -clients 12 -header 'X-Auth-Token: <key>'
//	mcpload -url http://127.0.0.1:8080/mcp -clients 12 -key-per-client
//
// It exits 1 when a call failed or none was made.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	cfg := config{headers: http.Header{}}
	flag.StringVar(&cfg.url, "url", "", "the MCP endpoint, such as http://127.0.0.1:8080/mcp")
	flag.IntVar(&cfg.clients, "clients", 12, "concurrent clients, each making one call at a time")
	flag.DurationVar(&cfg.duration, "duration", time.Minute, "longest run; SIGINT or SIGTERM ends it sooner")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "longest wait for one call's answer")
	flag.Var(headerFlag(cfg.headers), "header", "'Name: value' sent with every call, such as the caller's X-Auth-Token (repeatable)")
	flag.BoolVar(&cfg.keyPerClient, "key-per-client", false, "each client sends its own X-Auth-Token, a random UUID, as a team of callers does (any UUID is a key to fake-api)")
	flag.Parse()
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mcpload:", err)
		os.Exit(1)
	}
}

type config struct {
	url      string
	clients  int
	duration time.Duration
	timeout  time.Duration
	headers  http.Header
	// keyPerClient gives each client its own X-Auth-Token.
	keyPerClient bool
}

// headerFlag adds each -header 'Name: value' to its header.
type headerFlag http.Header

func (h headerFlag) String() string { return "" }

func (h headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("%q: use 'Name: value'", s)
	}
	http.Header(h).Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

func run(cfg config, stdout io.Writer) error {
	if cfg.url == "" || cfg.clients < 1 || cfg.duration <= 0 || cfg.timeout <= 0 {
		return errors.New("usage: mcpload -url URL [-clients N] [-duration D] [-timeout D] [-header 'Name: value'] (repeatable) [-key-per-client]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	l := newLoad(cfg)
	imageID, err := l.firstImage(l.clientHeaders())
	if err != nil {
		return fmt.Errorf("finding an image to get: %w", err)
	}
	s := l.run(ctx, imageID)
	fmt.Fprint(stdout, s.report())
	if s.calls == 0 {
		return errors.New("no call was made")
	}
	if s.failed > 0 {
		return fmt.Errorf("%d of %d calls failed", s.failed, s.calls)
	}
	return nil
}

// load makes the calls: one HTTP client, keep-alive to the endpoint, as
// many idle connections as clients.
type load struct {
	cfg    config
	client *http.Client
	nextID atomic.Int64
}

func newLoad(cfg config) *load {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.clients
	return &load{cfg: cfg, client: &http.Client{Transport: transport, Timeout: cfg.timeout}}
}

// clientHeaders are the headers one client sends: -header's, with a key
// of its own under -key-per-client.
func (l *load) clientHeaders() http.Header {
	if !l.cfg.keyPerClient {
		return l.cfg.headers
	}
	headers := l.cfg.headers.Clone()
	headers.Set("X-Auth-Token", newUUID())
	return headers
}

// firstImage lists images once and returns the first one's id, which the
// get calls then read.
func (l *load) firstImage(headers http.Header) (string, error) {
	var id string
	_, err := l.call(headers, listImages, func(structured json.RawMessage) error {
		var list struct {
			Images [][]json.RawMessage `json:"images"`
		}
		if err := json.Unmarshal(structured, &list); err != nil || len(list.Images) == 0 || len(list.Images[0]) == 0 {
			return fmt.Errorf("no image in %.200s", structured)
		}
		return json.Unmarshal(list.Images[0][0], &id)
	})
	return id, err
}

// The tools called, with their arguments.
var (
	listImages = toolCall{name: "list-instance-images", args: `{"per_page":5}`}
	getImage   = func(id string) toolCall {
		return toolCall{name: "get-instance-image", args: fmt.Sprintf(`{"image_id":%q}`, id)}
	}
)

type toolCall struct{ name, args string }

// outcome is one call's.
type outcome struct {
	took    time.Duration
	replica string // X-Replica of the answer, if any
	err     error
}

// run keeps cfg.clients calls in flight until ctx ends; calls in flight
// then finish (each within cfg.timeout) and count.
func (l *load) run(ctx context.Context, imageID string) summary {
	results := make([][]outcome, l.cfg.clients)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range l.cfg.clients {
		headers := l.clientHeaders()
		wg.Go(func() {
			for i := c; ctx.Err() == nil; i++ {
				tc, check := listImages, checkList
				if i%2 == 1 {
					tc, check = getImage(imageID), checkGet(imageID)
				}
				began := time.Now()
				replica, err := l.call(headers, tc, check)
				results[c] = append(results[c], outcome{took: time.Since(began), replica: replica, err: err})
			}
		})
	}
	wg.Wait()
	return summarize(slices.Concat(results...), time.Since(start))
}

// call POSTs one tools/call with headers and checks its answer: HTTP 200,
// a JSON-RPC result for this request, not a tool error, and structured
// content that check accepts. It returns the answer's X-Replica header.
func (l *load) call(headers http.Header, tc toolCall, check func(json.RawMessage) error) (string, error) {
	id := l.nextID.Add(1)
	body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, id, tc.name, tc.args)
	req, err := http.NewRequest(http.MethodPost, l.cfg.url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	maps.Copy(req.Header, headers)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-06-18")
	resp, err := l.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", tc.name, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	replica := resp.Header.Get("X-Replica")
	if err != nil {
		return replica, fmt.Errorf("%s: reading the answer: %w", tc.name, err)
	}
	if err := checkAnswer(resp.StatusCode, resp.Header.Get("Content-Type"), answer, id, check); err != nil {
		return replica, fmt.Errorf("%s: %w", tc.name, err)
	}
	return replica, nil
}

// checkAnswer checks one answer to the tools/call with JSON-RPC id id.
func checkAnswer(status int, contentType string, answer []byte, id int64, check func(json.RawMessage) error) error {
	if status != http.StatusOK {
		return fmt.Errorf("HTTP %d: %.120s", status, bytes.TrimSpace(answer))
	}
	if !strings.HasPrefix(contentType, "application/json") {
		return fmt.Errorf("content type %q, want application/json", contentType)
	}
	var rpc struct {
		ID     json.RawMessage `json:"id"`
		Result *struct {
			IsError bool `json:"isError"`
			Content []struct {
				Text string `json:"text"`
			} `json:"content"`
			StructuredContent json.RawMessage `json:"structuredContent"`
		} `json:"result"`
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(answer, &rpc); err != nil {
		return fmt.Errorf("not JSON-RPC (%v): %.120s", err, answer)
	}
	switch {
	case string(rpc.ID) != fmt.Sprint(id):
		return fmt.Errorf("answer to id %s, want %d", rpc.ID, id)
	case rpc.Error != nil:
		return fmt.Errorf("JSON-RPC error %d: %s", rpc.Error.Code, rpc.Error.Message)
	case rpc.Result == nil:
		return errors.New("no result")
	case rpc.Result.IsError:
		text := ""
		if len(rpc.Result.Content) > 0 {
			text = rpc.Result.Content[0].Text
		}
		return fmt.Errorf("tool error: %.160s", text)
	}
	return check(rpc.Result.StructuredContent)
}

// checkList accepts a list of at least one image.
func checkList(structured json.RawMessage) error {
	var list struct {
		Images []json.RawMessage `json:"images"`
	}
	if err := json.Unmarshal(structured, &list); err != nil || len(list.Images) == 0 {
		return fmt.Errorf("no images in %.120s", structured)
	}
	return nil
}

// checkGet accepts the image id.
func checkGet(id string) func(json.RawMessage) error {
	return func(structured json.RawMessage) error {
		var got struct {
			Image struct {
				ID string `json:"id"`
			} `json:"image"`
		}
		if err := json.Unmarshal(structured, &got); err != nil || got.Image.ID != id {
			return fmt.Errorf("not image %s: %.120s", id, structured)
		}
		return nil
	}
}

// summary is a run's figures.
type summary struct {
	calls, failed int
	elapsed       time.Duration
	p50, p99, max time.Duration
	byReplica     map[string]int
	errors        map[string]int // failures by message
	order         []string       // messages in the order first seen
}

func summarize(outcomes []outcome, elapsed time.Duration) summary {
	s := summary{calls: len(outcomes), elapsed: elapsed, byReplica: map[string]int{}, errors: map[string]int{}}
	took := make([]time.Duration, 0, len(outcomes))
	for _, o := range outcomes {
		took = append(took, o.took)
		if o.replica != "" {
			s.byReplica[o.replica]++
		}
		if o.err != nil {
			s.failed++
			msg := o.err.Error()
			if s.errors[msg] == 0 {
				s.order = append(s.order, msg)
			}
			s.errors[msg]++
		}
	}
	slices.Sort(took)
	s.p50, s.p99 = percentile(took, 50), percentile(took, 99)
	if len(took) > 0 {
		s.max = took[len(took)-1]
	}
	return s
}

// percentile is the nearest-rank p-th percentile of sorted durations: the
// smallest one that at least p percent of them do not exceed; 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100 + 0.9999999)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// report is the summary as printed: the figures, who answered, and each
// distinct failure (at most ten) with its count.
func (s summary) report() string {
	var b strings.Builder
	rate := 0.0
	if s.elapsed > 0 {
		rate = float64(s.calls) / s.elapsed.Seconds()
	}
	fmt.Fprintf(&b, "calls %d in %.1f s (%.0f/s), failed %d; latency p50 %s, p99 %s, max %s\n",
		s.calls, s.elapsed.Seconds(), rate, s.failed, ms(s.p50), ms(s.p99), ms(s.max))
	if len(s.byReplica) > 0 {
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(s.byReplica)) {
			parts = append(parts, fmt.Sprintf("%s %d", name, s.byReplica[name]))
		}
		fmt.Fprintf(&b, "answered by: %s\n", strings.Join(parts, ", "))
	}
	for i, msg := range s.order {
		if i == 10 {
			fmt.Fprintf(&b, "failure: ... and %d more kinds\n", len(s.order)-i)
			break
		}
		fmt.Fprintf(&b, "failure (%d×): %s\n", s.errors[msg], msg)
	}
	return b.String()
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
