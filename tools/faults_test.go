package tools_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/goleak"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// TestMain fails the package when any test leaves a goroutine behind: a
// handler still polling after its call was cancelled, a retry timer, an
// HTTP attempt that outlived its deadline. Tests here run in parallel, so
// one check after all of them is the reliable form of goleak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// faultEnv is a session whose client has the retry policy and per-attempt
// timeout a fault test needs.
type faultEnv struct{ *env }

const faultImageID = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"

// faultRetries is the policy of the fault tests: three retries, waits of
// a few milliseconds, and a Retry-After over 50 ms failing at once.
var faultRetries = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 4 * time.Millisecond, MaxRetryAfter: 50 * time.Millisecond}

// retryAfterRetries waits for a Retry-After of one second, the shortest
// the wire carries.
var retryAfterRetries = scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 4 * time.Millisecond, MaxRetryAfter: time.Second}

func newFaultEnv(t *testing.T, fake scalewaytest.Options, opts ...scaleway.Option) *faultEnv {
	t.Helper()
	return &faultEnv{newEnv(t, setup{fake: fake, clientOpts: append([]scaleway.Option{scaleway.WithRetryPolicy(faultRetries)}, opts...)})}
}

func (e *faultEnv) call(ctx context.Context, tool, args string) (*mcp.CallToolResult, error) {
	return e.session.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: json.RawMessage(args)})
}

// handlerFinished waits (boundedly, by polling) for the tool's log line,
// which the handler writes only once it has returned.
func (e *faultEnv) handlerFinished(tool string) bool {
	for range 500 {
		if strings.Contains(e.logs.String(), `"tool":"`+tool+`"`) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// TestUpstreamFaults plays each fault the fake knows through an MCP
// session: each call ends in a successful retry or in a clear tool error,
// with exactly the attempts the retry policy allows.
func TestUpstreamFaults(t *testing.T) {
	t.Parallel()
	get := `{"image_id":"` + faultImageID + `"}`
	tests := []struct {
		name     string
		opts     []scaleway.Option
		route    scalewaytest.Route
		faults   []scalewaytest.Fault
		tool     string
		args     func(e *faultEnv) string
		wantErr  []string // empty: the call succeeds
		attempts int      // requests the route receives
	}{
		{
			name: "burst of 5xx shorter than the retries", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(502), scalewaytest.ServerError(504)},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` }, attempts: 4,
		},
		{
			name: "burst of 5xx longer than the retries", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503), scalewaytest.ServerError(503), scalewaytest.ServerError(503), scalewaytest.ServerError(503), scalewaytest.ServerError(503)},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` },
			wantErr: []string{"HTTP 503", "try again shortly"}, attempts: 4,
		},
		{
			name: "500 is not retried", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(500)},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` },
			wantErr: []string{"HTTP 500"}, attempts: 1,
		},
		{
			name: "503 on create is not retried", route: scalewaytest.RouteCreateImage,
			faults: []scalewaytest.Fault{scalewaytest.ServerError(503)},
			tool:   tools.CreateImageTool, args: createArgs,
			wantErr: []string{"HTTP 503"}, attempts: 1,
		},
		{
			name: "429 with Retry-After, then success", route: scalewaytest.RouteListImages,
			opts:   []scaleway.Option{scaleway.WithRetryPolicy(retryAfterRetries)},
			faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second), scalewaytest.TooManyRequests(time.Second)},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` }, attempts: 3,
		},
		{
			name: "429 asking for more than the policy waits is not retried", route: scalewaytest.RouteGetImage,
			faults: []scalewaytest.Fault{scalewaytest.TooManyRequests(time.Second), scalewaytest.TooManyRequests(time.Second), scalewaytest.TooManyRequests(time.Second), scalewaytest.TooManyRequests(time.Second)},
			tool:   tools.GetImageTool, args: func(*faultEnv) string { return get },
			wantErr: []string{"too_many_requests", "retry after 1s"}, attempts: 1,
		},
		{
			name: "malformed JSON is not retried", route: scalewaytest.RouteGetImage,
			faults: []scalewaytest.Fault{scalewaytest.MalformedJSON()},
			tool:   tools.GetImageTool, args: func(*faultEnv) string { return get },
			wantErr: []string{"not valid JSON"}, attempts: 1,
		},
		{
			name: "truncated body, then success", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` }, attempts: 2,
		},
		{
			name: "truncated body on every attempt", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.TruncatedBody(), scalewaytest.TruncatedBody(), scalewaytest.TruncatedBody(), scalewaytest.TruncatedBody()},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` },
			wantErr: []string{"connection to the Scaleway API failed", "unexpected EOF"}, attempts: 4,
		},
		{
			name: "truncated answer to create is not retried", route: scalewaytest.RouteCreateImage,
			faults: []scalewaytest.Fault{scalewaytest.TruncatedBody()},
			tool:   tools.CreateImageTool, args: createArgs,
			wantErr: []string{"connection to the Scaleway API failed"}, attempts: 1,
		},
		{
			name: "dropped connection on delete, then success", route: scalewaytest.RouteDeleteImage,
			faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()},
			tool:   tools.DeleteImageTool, args: ownImageArgs(`"image_id"`, ""), attempts: 2,
		},
		{
			name: "dropped connection on patch, then success", route: scalewaytest.RouteUpdateImage,
			faults: []scalewaytest.Fault{scalewaytest.DroppedConnection(), scalewaytest.DroppedConnection()},
			tool:   tools.UpdateImageTool, args: ownImageArgs(`"image_id"`, `,"name":"renamed"`), attempts: 3,
		},
		{
			name: "dropped connection on create is not retried", route: scalewaytest.RouteCreateImage,
			faults: []scalewaytest.Fault{scalewaytest.DroppedConnection()},
			tool:   tools.CreateImageTool, args: createArgs,
			wantErr: []string{"connection to the Scaleway API failed"}, attempts: 1,
		},
		{
			// The first read times out and is retried; update-image then
			// reads the image once more before it writes.
			name: "answer slower than the attempt timeout, then success", route: scalewaytest.RouteGetImage,
			opts:   []scaleway.Option{scaleway.WithRequestTimeout(300 * time.Millisecond)},
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)},
			tool:   tools.SetImageTool, args: ownImageArgs(`"id"`, `,"name":"after-timeout"`), attempts: 3,
		},
		{
			name: "every answer slower than the attempt timeout", route: scalewaytest.RouteGetImage,
			opts:   []scaleway.Option{scaleway.WithRequestTimeout(100 * time.Millisecond)},
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute)},
			tool:   tools.GetImageTool, args: func(*faultEnv) string { return get },
			wantErr: []string{"did not answer GET", "in time"}, attempts: 4,
		},
		{
			name: "denied authentication is not retried", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.ErrorAnswer(401, scaleway.Error{Type: scaleway.TypeDeniedAuthentication, Method: "api_key", Reason: "not_found"})},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{}` },
			wantErr: []string{"denied_authentication", "SCW_SECRET_KEY"}, attempts: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t, scalewaytest.Options{}, tt.opts...)
			args := tt.args(e)
			e.fake.ResetRequests()
			e.fake.Script(tt.route, tt.faults...)
			res, err := e.call(t.Context(), tt.tool, args)
			if err != nil {
				t.Fatalf("protocol error: %v", err)
			}
			if got := e.fake.RequestCount(tt.route); got != tt.attempts {
				t.Errorf("%s received %d requests, want %d", tt.route, got, tt.attempts)
			}
			msg := testutil.ResultText(res)
			if len(tt.wantErr) == 0 {
				if res.IsError {
					t.Fatalf("tool error %q, want a successful retry", msg)
				}
				return
			}
			if !res.IsError {
				t.Fatalf("succeeded with %s, want an error", msg)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
		})
	}
}

func createArgs(e *faultEnv) string {
	return `{"root_volume":"` + e.fake.Snapshots("fr-par-1")[0].ID + `","arch":"x86_64","name":"fault"}`
}

// ownImageArgs names one of the default project's images in fr-par-1.
func ownImageArgs(idKey, more string) func(e *faultEnv) string {
	return func(e *faultEnv) string {
		for _, img := range e.fake.Images("fr-par-1") {
			if !img.Public {
				return `{` + idKey + `:"` + img.ID + `"` + more + `}`
			}
		}
		panic("the fake has no private image in fr-par-1")
	}
}

// TestDeadlinesAreKept checks that nothing waits past the caller's
// deadline. MCP carries no deadline to the server: the client's deadline
// reaches it as a cancellation, which must cut a Retry-After wait short
// (30 s here, allowed by the policy) and end the handler.
func TestDeadlinesAreKept(t *testing.T) {
	t.Parallel()
	patient := scaleway.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: time.Millisecond, MaxRetryAfter: time.Minute}
	e := newFaultEnv(t, scalewaytest.Options{}, scaleway.WithRetryPolicy(patient))
	e.fake.Script(scalewaytest.RouteListImages, scalewaytest.TooManyRequests(30*time.Second))
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err := e.call(ctx, tools.ListImagesTool, `{}`)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if !e.handlerFinished(tools.ListImagesTool) {
		t.Fatal("the handler kept waiting for Retry-After after the caller's deadline")
	}
	if got := e.fake.RequestCount(scalewaytest.RouteListImages); got != 1 {
		t.Errorf("%d attempts, want 1: the retry must not happen after the deadline", got)
	}
}

// TestCancellationStopsTheHandler cancels calls in the middle, while an
// upstream answer is awaited and while a wait polls, and checks that the
// caller gets the cancellation and that the handler returns rather than
// hanging (goleak in TestMain checks that nothing is left running).
func TestCancellationStopsTheHandler(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fake     scalewaytest.Options
		route    scalewaytest.Route
		faults   []scalewaytest.Fault
		tool     string
		args     func(e *faultEnv) string
		deadline time.Duration // 0: cancel once the route got a request
		want     error
	}{
		{
			name: "cancel during a slow get", route: scalewaytest.RouteGetImage,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)},
			tool:   tools.GetImageTool, args: func(*faultEnv) string { return `{"image_id":"` + faultImageID + `"}` },
			want: context.Canceled,
		},
		{
			name: "cancel during a slow list of every zone", route: scalewaytest.RouteListImages,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute), scalewaytest.Delay(time.Minute)},
			tool:   tools.ListImagesTool, args: func(*faultEnv) string { return `{"zone":"all","all_pages":true}` },
			want: context.Canceled,
		},
		{
			name: "cancel during a wait's slow poll", fake: scalewaytest.Options{CreatingDuration: time.Hour}, route: scalewaytest.RouteGetImage,
			faults: []scalewaytest.Fault{scalewaytest.Delay(time.Minute)},
			tool:   tools.CreateImageTool, args: func(e *faultEnv) string { return strings.TrimSuffix(createArgs(e), "}") + `,"wait":true}` },
			want: context.Canceled,
		},
		{
			name: "deadline during a wait", fake: scalewaytest.Options{CreatingDuration: time.Hour}, route: scalewaytest.RouteGetImage,
			tool: tools.CreateImageTool, args: func(e *faultEnv) string {
				return strings.TrimSuffix(createArgs(e), "}") + `,"wait":true,"wait_timeout":3600}`
			},
			deadline: 300 * time.Millisecond, want: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t, tt.fake)
			e.fake.Script(tt.route, tt.faults...)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.deadline > 0 {
				ctx, cancel = context.WithTimeout(t.Context(), tt.deadline)
				defer cancel()
			} else {
				go func() {
					for e.fake.RequestCount(tt.route) == 0 && ctx.Err() == nil {
						time.Sleep(time.Millisecond)
					}
					cancel()
				}()
			}
			_, err := e.call(ctx, tt.tool, tt.args(e))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !e.handlerFinished(tt.tool) {
				t.Fatalf("the handler of %s did not return after the call ended", tt.tool)
			}
			if !strings.Contains(e.logs.String(), `"outcome":"error"`) {
				t.Errorf("the interrupted call was not logged as an error: %s", e.logs.String())
			}
			// The session is still usable.
			res, err := e.call(t.Context(), tools.ListImagesTool, `{}`)
			if err != nil || res.IsError {
				t.Errorf("next call: %v %s", err, testutil.ResultText(res))
			}
		})
	}
}

// TestRandomFailuresAreRiddenOut runs many calls against a fake that
// fails 30% of requests with 503 (seeded, so the run replays): the retry
// policy turns every one into a success.
func TestRandomFailuresAreRiddenOut(t *testing.T) {
	t.Parallel()
	patient := scaleway.RetryPolicy{MaxRetries: 8, MinWait: time.Millisecond, MaxWait: 2 * time.Millisecond}
	e := newFaultEnv(t, scalewaytest.Options{FailureRate: 0.3, FailureSeed: 7}, scaleway.WithRetryPolicy(patient))
	for i := range 40 {
		res, err := e.call(t.Context(), tools.ListImagesTool, `{"public":true,"per_page":5}`)
		if err != nil || res.IsError {
			t.Fatalf("call %d: %v %s", i, err, testutil.ResultText(res))
		}
	}
	if got := e.fake.RequestCount(scalewaytest.RouteListImages); got <= 40 {
		t.Errorf("%d requests for 40 calls: the failure rate did not apply", got)
	}
}
