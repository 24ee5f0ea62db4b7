package tools_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// The benchmarks behind BENCHMARKS.md. Run them all with
//
//	go test -run '^$' -bench . -benchmem ./tools/
//
// Every call goes to the fake API over loopback HTTP with no injected
// latency, so that what is left is the cost of each layer: the HTTP
// request itself, the scaleway client on top of it, and MCP on top of
// that (an in-memory client session, JSON-RPC both ways, the tool
// handler with its argument decoding, shaping and log line).

// benchEnv is a fake API, a client for it, and an MCP session whose tools
// use that client.
type benchEnv struct {
	srv     *scalewaytest.Server
	client  *scaleway.Client
	session *mcp.ClientSession
	imageID string // a private image of fr-par-1, of local snapshots
	// blockImageID is a private image of fr-par-1 that boots from a Block
	// Storage snapshot, whose size get-instance-image reads from the
	// Block API.
	blockImageID, blockSnapshotID string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	e := &benchEnv{srv: scalewaytest.NewServer(scalewaytest.Options{})}
	b.Cleanup(e.srv.Close)
	var err error
	e.client, err = scaleway.NewClient(scaleway.WithBaseURL(e.srv.URL), scaleway.WithSecretKey(scalewaytest.SandboxToken), scaleway.WithDefaultProject(scalewaytest.DefaultProjectID))
	if err != nil {
		b.Fatal(err)
	}
	for _, img := range e.srv.Images("fr-par-1") {
		switch {
		case img.Public:
		case img.RootVolume.VolumeType == scaleway.VolumeTypeSBSSnapshot && e.blockImageID == "":
			e.blockImageID, e.blockSnapshotID = img.ID, img.RootVolume.ID
		case img.RootVolume.VolumeType != scaleway.VolumeTypeSBSSnapshot && len(img.ExtraVolumes) == 0 && e.imageID == "":
			e.imageID = img.ID
		}
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "bench", Version: "v0"}, nil)
	deps := &tools.Deps{
		Client:      e.client,
		DefaultZone: "fr-par-1",
		// The server writes one log line per call; keep its cost in.
		Logger: zerolog.New(io.Discard).With().Timestamp().Logger(),
	}
	if _, err := tools.Register(server, deps, tools.Selection{}); err != nil {
		b.Fatal(err)
	}
	e.session = testutil.ConnectInMemory(b, server, nil)
	return e
}

// operation is one way of doing a call: a raw HTTP request to the fake,
// the client method, or the MCP tool.
type operation struct {
	name string
	do   func(ctx context.Context) error
}

// operations returns the three ways of getting one image (of local
// snapshots; of a Block Storage one, which the tool sizes with a second
// request, as the client does here) and of listing a page of 20 private
// images.
func (e *benchEnv) operations() map[string][]operation {
	rawGet := func(path string) func(ctx context.Context) error {
		hc := &http.Client{}
		return func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+path, nil)
			if err != nil {
				return err
			}
			req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if _, err := io.ReadAll(resp.Body); err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("GET %s: %s", path, resp.Status)
			}
			return nil
		}
	}
	tool := func(name, args string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			res, err := e.session.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: json.RawMessage(args)})
			if err != nil {
				return err
			}
			if res.IsError {
				return fmt.Errorf("%s: %v", name, res.Content)
			}
			return nil
		}
	}
	public, perPage, page := false, uint32(20), int32(1)
	listReq := &scaleway.ListImagesRequest{Public: &public, PerPage: &perPage, Page: &page}
	return map[string][]operation{
		"get": {
			{"raw-http", rawGet("/instance/v1/zones/fr-par-1/images/" + e.imageID)},
			{"client", func(ctx context.Context) error {
				_, _, err := e.client.GetImage(ctx, "fr-par-1", e.imageID)
				return err
			}},
			{"mcp", tool(tools.GetImageTool, `{"image_id":"`+e.imageID+`"}`)},
		},
		"get-block": {
			{"raw-http", rawGet("/instance/v1/zones/fr-par-1/images/" + e.blockImageID)},
			{"client", func(ctx context.Context) error {
				if _, _, err := e.client.GetImage(ctx, "fr-par-1", e.blockImageID); err != nil {
					return err
				}
				_, _, err := e.client.GetBlockSnapshot(ctx, "fr-par-1", e.blockSnapshotID)
				return err
			}},
			{"mcp", tool(tools.GetImageTool, `{"image_id":"`+e.blockImageID+`"}`)},
		},
		"list": {
			{"raw-http", rawGet("/instance/v1/zones/fr-par-1/images?public=false&per_page=20&page=1")},
			{"client", func(ctx context.Context) error {
				_, _, err := e.client.ListImages(ctx, "fr-par-1", listReq)
				return err
			}},
			{"mcp", tool(tools.ListImagesTool, `{}`)},
		},
	}
}

// BenchmarkCall times one call done three ways (a raw HTTP request to the
// fake, the client, the MCP tool in memory), with allocations and the
// median (p50-ns/op) beside Go's mean.
func BenchmarkCall(b *testing.B) {
	e := newBenchEnv(b)
	ops := e.operations()
	for _, call := range []string{"get", "get-block", "list"} {
		for _, op := range ops[call] {
			b.Run(call+"/"+op.name, func(b *testing.B) {
				if err := op.do(b.Context()); err != nil { // warm the connection
					b.Fatal(err)
				}
				b.ReportAllocs()
				var durations []time.Duration
				for b.Loop() {
					start := time.Now()
					if err := op.do(b.Context()); err != nil {
						b.Fatal(err)
					}
					durations = append(durations, time.Since(start))
				}
				b.ReportMetric(float64(median(durations)), "p50-ns/op")
			})
		}
	}
}

// BenchmarkMCPOverhead measures what MCP adds to a direct client call:
// each iteration makes one client call and one MCP tool call, back to
// back, so that both see the same machine load; it reports the median of
// each and the difference of the medians (overhead-p50-ns/op), whose
// budget is 0.3 ms (BENCHMARKS.md).
func BenchmarkMCPOverhead(b *testing.B) {
	e := newBenchEnv(b)
	ops := e.operations()
	for _, call := range []string{"get", "get-block", "list"} {
		b.Run(call, func(b *testing.B) {
			client, viaMCP := ops[call][1], ops[call][2]
			for _, op := range []operation{client, viaMCP} {
				if err := op.do(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			var direct, wrapped []time.Duration
			for b.Loop() {
				start := time.Now()
				if err := client.do(b.Context()); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if err := viaMCP.do(b.Context()); err != nil {
					b.Fatal(err)
				}
				direct = append(direct, mid.Sub(start))
				wrapped = append(wrapped, time.Since(mid))
			}
			d, w := median(direct), median(wrapped)
			b.ReportMetric(float64(d), "client-p50-ns/op")
			b.ReportMetric(float64(w), "mcp-p50-ns/op")
			b.ReportMetric(float64(w-d), "overhead-p50-ns/op")
		})
	}
}

// BenchmarkMCPFloor is the SDK's own cost: a tool that does nothing and
// returns an empty object, called through the same in-memory session. What
// BenchmarkMCPOverhead reports above this floor is this server's share.
func BenchmarkMCPFloor(b *testing.B) {
	server := mcp.NewServer(&mcp.Implementation{Name: "floor", Version: "v0"}, nil)
	server.AddTool(&mcp.Tool{Name: "noop", InputSchema: json.RawMessage(`{"type":"object"}`)},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "{}"}}, StructuredContent: json.RawMessage(`{}`)}, nil
		})
	session := testutil.ConnectInMemory(b, server, nil)
	b.ReportAllocs()
	var durations []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := session.CallTool(b.Context(), &mcp.CallToolParams{Name: "noop", Arguments: json.RawMessage(`{}`)}); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.ReportMetric(float64(median(durations)), "p50-ns/op")
}

func median(durations []time.Duration) time.Duration {
	if len(durations) == 0 {
		return 0
	}
	sorted := slices.Clone(durations)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// fakeImages are every image of the seeded fake, public and private, in
// every zone: the population the bytes-per-image figures average over.
func fakeImages() []*scaleway.Image {
	fake := scalewaytest.New(scalewaytest.Options{})
	var images []*scaleway.Image
	for _, zone := range scaleway.Zones {
		for _, img := range fake.Images(zone) {
			images = append(images, &img)
		}
	}
	return images
}

// imageBytes returns the bytes per image of a list of images encoded the
// three ways (the list's brackets and commas shared out), and the bytes of
// the columns header a compact list carries once.
func imageBytes(images []*scaleway.Image) (raw, compact, verbose, columns float64, err error) {
	per := func(v any) (float64, error) {
		encoded, err := json.Marshal(v)
		return float64(len(encoded)) / float64(len(images)), err
	}
	if raw, err = per(images); err != nil {
		return
	}
	if compact, err = per(tools.ShapeImages(images, false)); err != nil {
		return
	}
	if verbose, err = per(tools.ShapeImages(images, true)); err != nil {
		return
	}
	header, err := json.Marshal(map[string][]string{"columns": tools.ImageColumns})
	return raw, compact, verbose, float64(len(header) - 1), err
}

// BenchmarkListedImageBytes shapes and encodes the fake's 170 images the
// three ways, reporting bytes per image (the budget: compact at most 35%
// of raw) and the time and allocations of shaping plus encoding.
func BenchmarkListedImageBytes(b *testing.B) {
	images := fakeImages()
	raw, compact, verbose, columns, err := imageBytes(images)
	if err != nil {
		b.Fatal(err)
	}
	for _, form := range []struct {
		name  string
		bytes float64
		value func() any
	}{
		{"raw", raw, func() any { return images }},
		{"compact", compact, func() any { return tools.ShapeImages(images, false) }},
		{"verbose", verbose, func() any { return tools.ShapeImages(images, true) }},
	} {
		b.Run(form.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(form.value()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(form.bytes, "bytes/image")
			b.ReportMetric(100*form.bytes/raw, "%-of-raw")
			if form.name == "compact" {
				b.ReportMetric(columns, "columns-bytes/list")
			}
		})
	}
}

// stdioSession is a server run over a pair of pipes, spoken to in raw
// JSON-RPC lines: what a desktop client and the binary exchange over
// stdio, byte for byte.
type stdioSession struct {
	in  *io.PipeWriter
	out *bufio.Reader
}

func newStdioSession(tb testing.TB) *stdioSession {
	tb.Helper()
	fake := scalewaytest.New(scalewaytest.Options{})
	client, err := scaleway.NewClient(scaleway.WithBaseURL("http://sandbox.invalid"), scaleway.WithSecretKey(scalewaytest.SandboxToken),
		scaleway.WithHTTPClient(&http.Client{Transport: fake.Transport()}))
	if err != nil {
		tb.Fatal(err)
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "scaleway-images-mcp", Version: "dev"}, nil)
	if _, err := tools.Register(server, &tools.Deps{Client: client, DefaultZone: "fr-par-1", Logger: zerolog.Nop()}, tools.Selection{}); err != nil {
		tb.Fatal(err)
	}
	clientToServer, serverIn := io.Pipe()
	serverOut, serverToClient := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = server.Run(ctx, &mcp.IOTransport{Reader: clientToServer, Writer: serverToClient})
	}()
	tb.Cleanup(func() {
		cancel()
		serverIn.Close()
		serverOut.Close()
		<-done
	})
	s := &stdioSession{in: serverIn, out: bufio.NewReaderSize(serverOut, 1<<16)}
	s.roundTrip(tb, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"0"}}}`)
	if _, err := io.WriteString(s.in, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"); err != nil {
		tb.Fatal(err)
	}
	return s
}

// roundTrip sends one request line and returns the answer line, without
// its newline.
func (s *stdioSession) roundTrip(tb testing.TB, request string) []byte {
	tb.Helper()
	if _, err := io.WriteString(s.in, request+"\n"); err != nil {
		tb.Fatal(err)
	}
	line, err := s.out.ReadBytes('\n')
	if err != nil {
		tb.Fatal(err)
	}
	return line[:len(line)-1]
}

const toolsListRequest = `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`

// BenchmarkToolsList answers tools/list over a stdio-like pipe and reports
// the size of the answer as it goes over the wire (the budget: 8,192
// bytes; the official scw MCP mode's six image tools take 6,854).
func BenchmarkToolsList(b *testing.B) {
	s := newStdioSession(b)
	size := len(s.roundTrip(b, toolsListRequest))
	b.ReportAllocs()
	for b.Loop() {
		s.roundTrip(b, toolsListRequest)
	}
	b.ReportMetric(float64(size), "bytes/answer")
}
