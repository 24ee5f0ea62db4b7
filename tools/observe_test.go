package tools_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// recorder is an Observer that keeps what it sees.
type recorder struct {
	mu       sync.Mutex
	started  []string
	finished []finishedCall
}

type finishedCall struct {
	tool    string
	outcome tools.Outcome
	elapsed time.Duration
}

func (r *recorder) CallStarted(tool string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = append(r.started, tool)
}

func (r *recorder) CallFinished(tool string, outcome tools.Outcome, elapsed time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = append(r.finished, finishedCall{tool, outcome, elapsed})
}

// TestCallOutcomes: the observer sees each call start and end with the
// kind of its outcome, and the log line of a call that Scaleway refused
// names the refusal's request id, as it names a success's.
func TestCallOutcomes(t *testing.T) {
	t.Parallel()
	unknown := "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name          string
		setup         setup
		tool, args    string
		want          tools.Outcome
		wantRequestID bool
	}{
		{"ok", setup{}, tools.ListImagesTool, `{}`, tools.OutcomeOK, true},
		{"argument that does not decode", setup{}, tools.GetImageTool, `{"image_id":7}`, tools.OutcomeInvalidArguments, false},
		{"argument the client refuses", setup{}, tools.GetImageTool, `{"image_id":"nope"}`, tools.OutcomeInvalidArguments, false},
		{"Scaleway's 404", setup{}, tools.GetImageTool, `{"image_id":"` + unknown + `"}`, tools.OutcomeUpstreamError, true},
		{"Scaleway's 404 after a read", setup{}, tools.SetImageTool, `{"id":"` + unknown + `","name":"x"}`, tools.OutcomeUpstreamError, true},
		{"no secret key", setup{clientOpts: []scaleway.Option{scaleway.WithSecretKey("")}}, tools.ListImagesTool, `{}`, tools.OutcomeToolError, false},
		{"panic", setup{noClient: true}, tools.ListImagesTool, `{}`, tools.OutcomePanic, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var seen recorder
			tt.setup.observer = &seen
			e := newEnv(t, tt.setup)
			res := e.callRaw(t, tt.tool, tt.args)
			if res.IsError != (tt.want != tools.OutcomeOK) {
				t.Errorf("isError %v for outcome %s", res.IsError, tt.want)
			}
			seen.mu.Lock()
			defer seen.mu.Unlock()
			if len(seen.started) != 1 || seen.started[0] != tt.tool || len(seen.finished) != 1 {
				t.Fatalf("observed %v started, %+v finished; want one call of %s", seen.started, seen.finished, tt.tool)
			}
			if got := seen.finished[0]; got.tool != tt.tool || got.outcome != tt.want || got.elapsed <= 0 {
				t.Errorf("finished %+v, want %s %s", got, tt.tool, tt.want)
			}
			var line struct {
				RequestID string  `json:"request_id"`
				Duration  float64 `json:"duration_ms"`
			}
			lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil {
				t.Fatal(err)
			}
			if scaleway.IsUUID(line.RequestID) != tt.wantRequestID || line.Duration <= 0 {
				t.Errorf("log line %s: want a request id: %v", lines[len(lines)-1], tt.wantRequestID)
			}
		})
	}
}

// TestFailedCallLogsTheFailingRequest: a call that made several requests
// logs the request id of the one that failed, not an earlier success's.
func TestFailedCallLogsTheFailingRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, setup{})
	id := e.fake.Images("fr-par-1")[0].ID
	// update-image reads the image twice, then writes it: the write fails.
	e.fake.Script(scalewaytest.RouteSetImage, scalewaytest.ErrorAnswer(409, scaleway.Error{Type: scaleway.TypeTransientState, Message: "scripted", Resource: "instance_image"}))
	text := e.callError(t, tools.SetImageTool, `{"id":"`+id+`","name":"x"}`)
	var line struct {
		RequestID string `json:"request_id"`
	}
	lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &line); err != nil {
		t.Fatal(err)
	}
	// The error names the request id of the answer it comes from.
	if !scaleway.IsUUID(line.RequestID) || !strings.Contains(text, "HTTP 409, request id "+line.RequestID) {
		t.Errorf("logged request id %q; the error says %q", line.RequestID, text)
	}
	if n := e.fake.RequestCount(scalewaytest.RouteGetImage); n != 2 {
		t.Errorf("%d reads before the write, want 2: the test no longer has earlier successes", n)
	}
}
