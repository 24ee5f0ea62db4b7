package stdio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"
)

// Defaults applied to the zero fields of Options.
const (
	// DefaultMaxFrameBytes bounds one line, as the HTTP listeners bound a
	// body: no MCP message of these tools comes near it.
	DefaultMaxFrameBytes = 1 << 20
	// DefaultMaxBatch bounds a batch (protocol 2025-03-26 only), so that
	// one line cannot start an unbounded number of calls.
	DefaultMaxBatch = 16
	// DefaultGrace is how long calls in flight may finish once draining
	// starts: the listeners' shutdown grace period too.
	DefaultGrace = 10 * time.Second
)

// batchVersions are the protocol versions that allow JSON-RPC batches;
// from 2025-06-18 on, the SDK ends the session on one.
var batchVersions = []string{"2024-11-05", "2025-03-26"}

// Options configures Serve.
type Options struct {
	// MaxFrameBytes bounds one line from the client; a longer line is
	// answered with an error and skipped. 0 means DefaultMaxFrameBytes.
	MaxFrameBytes int
	// MaxBatch bounds the messages of one batch; 0 means DefaultMaxBatch.
	MaxBatch int
	// Grace is how long calls in flight may run once draining starts; 0
	// means DefaultGrace.
	Grace time.Duration
	// OnDrain, when set, is called once, when draining starts, so that
	// long calls (a create that waits) can answer early.
	OnDrain func()
	// Logger gets refused frames (never their content), the drain and the
	// calls it could not finish.
	Logger zerolog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxFrameBytes <= 0 {
		o.MaxFrameBytes = DefaultMaxFrameBytes
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	return o
}

// ErrUnanswered is wrapped by Serve's error when calls were still running
// at the end of the grace period: their answers were not delivered.
var ErrUnanswered = errors.New("calls still running when the grace period ended")

// Serve runs server on a client's stream, reading in and writing out,
// until ctx is done (a signal), the client closes in, or the server ends.
// Then it drains: calls from then on are answered "shutting down", those
// in flight get opts.Grace to finish and their answers are written, and
// only then does the server see the end of its input. (The SDK cancels
// every call in flight when its input ends, which would lose the answer
// of a create that Scaleway already carried out.) Serve returns nil when
// every call was answered, and an error wrapping ErrUnanswered that names
// the calls still running when the grace period ended.
func Serve(ctx context.Context, server *mcp.Server, in io.Reader, out io.Writer, opts Options) error {
	opts = opts.withDefaults()
	g := &gate{opts: opts, out: out, inFlight: map[string]string{}, settled: make(chan struct{}, 1)}
	serverIn, toServer := io.Pipe()
	g.toServer = toServer
	transport := &mcp.IOTransport{
		Reader:        serverIn,
		Writer:        &serverOutput{gate: g},
		MaxLineLength: opts.MaxFrameBytes + 1, // the gate already bounds frames
	}
	// Calls must outlive ctx: they are drained, not cancelled.
	ran := make(chan error, 1)
	go func() { ran <- server.Run(context.WithoutCancel(ctx), transport) }()
	read := make(chan error, 1)
	go func() { read <- g.readClient(in) }()

	var cause string
	select {
	case <-ctx.Done():
		cause = "signal"
	case err := <-read:
		cause = "end of input"
		if !errors.Is(err, io.EOF) {
			cause = "input failed: " + err.Error()
		}
	case err := <-ran:
		g.close()
		return err
	}
	unanswered := g.drain(cause)
	g.close()
	<-ran
	if len(unanswered) > 0 {
		return fmt.Errorf("%w: %s", ErrUnanswered, strings.Join(unanswered, ", "))
	}
	return nil
}

// gate is the state shared by the reading loop and the server's output.
type gate struct {
	opts     Options
	toServer *io.PipeWriter

	outMu sync.Mutex // one whole line at a time on out
	out   io.Writer

	mu              sync.Mutex
	inFlight        map[string]string // canonical id -> method, the calls not yet answered
	initialized     bool              // initialize was answered without error
	protocolVersion string            // as initialize answered it
	draining        bool
	closed          bool          // the server's input is closed
	settled         chan struct{} // signalled when a call is answered
}

// readClient reads the client's lines until its stream ends.
func (g *gate) readClient(in io.Reader) error {
	r := bufio.NewReaderSize(in, 64<<10)
	for {
		line, tooLong, err := readLine(r, g.opts.MaxFrameBytes)
		if tooLong {
			g.refuse(nil, CodeInvalidRequest, fmt.Sprintf("invalid request: the line is longer than %d bytes", g.opts.MaxFrameBytes))
		} else if len(bytes.TrimSpace(line)) > 0 {
			g.take(line)
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads up to the next newline. A line longer than limit is
// read to its end and dropped, so that the next line is read whole.
func readLine(r *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			line = append(line, chunk...)
			if len(line) > limit+1 { // +1: the newline
				line, tooLong = nil, true
			}
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return bytes.TrimRight(line, "\r\n"), tooLong, err
		}
	}
}

// take checks one line and passes it on to the server, or answers it.
func (g *gate) take(line []byte) {
	msgs, isBatch, ferr := parseFrame(line)
	if ferr != nil {
		g.refuse(ferr.id, ferr.code, ferr.message)
		return
	}
	g.mu.Lock()
	refusal := g.admit(msgs, isBatch)
	g.mu.Unlock()
	if refusal != nil {
		g.refuse(refusal.id, refusal.code, refusal.message)
		return
	}
	// Trimmed: the SDK's reader wants the newline right after the value.
	g.forward(bytes.TrimSpace(line))
}

// admit decides whether msgs may reach the server now, and records the
// calls among them as in flight; callers hold g.mu.
func (g *gate) admit(msgs []message, isBatch bool) *frameError {
	if isBatch {
		switch {
		case !slices.Contains(batchVersions, g.protocolVersion):
			return &frameError{code: CodeInvalidRequest, message: "invalid request: batches are not part of the protocol version in use; send one message per line"}
		case len(msgs) > g.opts.MaxBatch:
			return &frameError{code: CodeInvalidRequest, message: fmt.Sprintf("invalid request: a batch holds at most %d messages", g.opts.MaxBatch)}
		}
	}
	ids := map[string]bool{}
	for _, msg := range msgs {
		if msg.method == "" || msg.id == "" {
			continue // responses and notifications always go on
		}
		switch {
		case g.draining:
			return &frameError{code: CodeShuttingDown, message: "the server is shutting down and takes no new calls; start it again and retry", id: msg.rawID}
		case !g.initialized && !g.initializing() && msg.method != "initialize" && msg.method != "ping" && !msg.sessionless:
			return &frameError{code: CodeInvalidRequest, message: "invalid request: the session is not initialized; send initialize first", id: msg.rawID}
		case g.inFlight[msg.id] != "" || ids[msg.id]:
			return &frameError{code: CodeInvalidRequest, message: "invalid request: this id is already used by a call in flight", id: msg.rawID}
		}
		ids[msg.id] = true
	}
	for _, msg := range msgs {
		if ids[msg.id] {
			g.inFlight[msg.id] = msg.method
		}
	}
	return nil
}

// initializing reports whether an initialize call is in flight: the SDK
// handles it before any later message, so calls sent right behind it are
// fine. Callers hold g.mu.
func (g *gate) initializing() bool {
	for _, method := range g.inFlight {
		if method == "initialize" {
			return true
		}
	}
	return false
}

func (g *gate) forward(line []byte) {
	g.mu.Lock()
	closed := g.closed
	g.mu.Unlock()
	if !closed {
		// The pipe delivers the line whole: the server reads it before the
		// next one is written.
		_, _ = g.toServer.Write(append(line, '\n'))
	}
}

// refuse answers a frame the server never sees.
func (g *gate) refuse(id json.RawMessage, code int, message string) {
	g.opts.Logger.Warn().Int("code", code).Str("reason", message).Msg("refused a message from the client")
	g.write(errorLine(id, code, message))
}

func (g *gate) write(line []byte) {
	g.outMu.Lock()
	defer g.outMu.Unlock()
	_, _ = g.out.Write(line)
}

// answering notes the answers in a line the server is about to write,
// and returns the ids of the calls they answer. An answer to initialize
// takes effect here, before the client can read it and send what follows.
func (g *gate) answering(line []byte) []string {
	var items []json.RawMessage
	if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 && trimmed[0] == '[' {
		_ = json.Unmarshal(trimmed, &items)
	} else {
		items = []json.RawMessage{trimmed}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var ids []string
	for _, item := range items {
		var resp struct {
			ID     json.RawMessage `json:"id"`
			Method *string         `json:"method"`
			Result *struct {
				ProtocolVersion string `json:"protocolVersion"`
			} `json:"result"`
		}
		if json.Unmarshal(item, &resp) != nil || resp.Method != nil || resp.ID == nil {
			continue // a notification or a request to the client
		}
		id, err := canonicalID(resp.ID)
		if err != nil {
			continue
		}
		if g.inFlight[id] == "initialize" && resp.Result != nil {
			g.initialized, g.protocolVersion = true, resp.Result.ProtocolVersion
		}
		ids = append(ids, id)
	}
	return ids
}

// answered retires calls whose answers have been written: only then is a
// call no longer in flight for the drain.
func (g *gate) answered(ids []string) {
	g.mu.Lock()
	for _, id := range ids {
		delete(g.inFlight, id)
	}
	g.mu.Unlock()
	select {
	case g.settled <- struct{}{}:
	default:
	}
}

// drain stops new calls, lets those in flight finish within the grace
// period, and returns those that did not ("id method").
func (g *gate) drain(cause string) []string {
	g.mu.Lock()
	g.draining = true
	running := len(g.inFlight)
	g.mu.Unlock()
	g.opts.Logger.Info().Str("cause", cause).Int("calls_in_flight", running).Dur("grace_ms", g.opts.Grace).Msg("draining")
	if g.opts.OnDrain != nil {
		g.opts.OnDrain()
	}
	deadline := time.NewTimer(g.opts.Grace)
	defer deadline.Stop()
	for {
		g.mu.Lock()
		var unanswered []string
		for id, method := range g.inFlight {
			unanswered = append(unanswered, id+" "+method)
		}
		g.mu.Unlock()
		if len(unanswered) == 0 {
			return nil
		}
		select {
		case <-g.settled:
		case <-deadline.C:
			slices.Sort(unanswered)
			g.opts.Logger.Error().Strs("calls", unanswered).Msg("the grace period ended before these calls did; their answers are lost (a write they made upstream is logged with its id)")
			return unanswered
		}
	}
}

// close ends the server's input: the SDK then cancels whatever still runs.
func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	_ = g.toServer.Close()
}

// serverOutput is the server's side of the client's stream: it notes the
// answers going out and writes each line whole.
type serverOutput struct {
	gate    *gate
	pending []byte // a line not yet ended
}

func (s *serverOutput) Write(p []byte) (int, error) {
	s.pending = append(s.pending, p...)
	for {
		i := bytes.IndexByte(s.pending, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := s.pending[:i+1]
		ids := s.gate.answering(line)
		s.gate.write(line)
		s.gate.answered(ids)
		s.pending = s.pending[i+1:]
	}
}

// Close leaves the client's stream open: it is not the server's to close.
func (s *serverOutput) Close() error { return nil }
