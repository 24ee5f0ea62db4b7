package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/callerlimit"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/jsonkeys"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// call carries what a handler learns while it runs, for the log line and
// the observer.
type call struct {
	req       *mcp.CallToolRequest
	zone      string
	requestID string
	imageID   string  // the image a write created, changed or deleted
	outcome   Outcome // set by fail; else read from the result
}

// observe keeps the request id of the last answer from Scaleway.
func (c *call) observe(resp *scaleway.Response) {
	if resp != nil && resp.RequestID != "" {
		c.requestID = resp.RequestID
	}
}

// wrote notes, when err is nil, that Scaleway did a write to image id:
// whatever happens to the answer, the log says which image changed.
func (c *call) wrote(id string, err error) {
	if err == nil {
		c.imageID = id
	}
}

// fail is the call's error result, err, with its outcome. A failing
// answer from Scaleway is the one the log line names: the call's client
// methods return no *scaleway.Response for it, only the error.
func (c *call) fail(outcome Outcome, err error) *mcp.CallToolResult {
	c.outcome = outcome
	var apiErr *scaleway.Error
	if errors.As(err, &apiErr) && apiErr.RequestID != "" {
		c.requestID = apiErr.RequestID
	}
	return errorResult(err)
}

// handlerFunc is a tool's logic on decoded input.
type handlerFunc[In, Out any] func(ctx context.Context, c *call, in In) (Out, error)

// newHandler adapts a typed handler to the SDK: it refuses a caller over
// its bound of calls in flight, decodes the arguments strictly, turns
// every failure (including a panic) into an isError result the model can
// act on, and writes one log line per call.
func newHandler[In, Out any](d *Deps, tool string, h handlerFunc[In, Out]) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (result *mcp.CallToolResult, err error) {
		start := time.Now()
		c := &call{req: req}
		if d.Observer != nil {
			d.Observer.CallStarted(tool)
		}
		defer func() {
			if p := recover(); p != nil {
				d.Logger.Error().Str("tool", tool).Interface("panic", p).Bytes("stack", debug.Stack()).Msg("tool handler panicked")
				result, err = c.fail(OutcomePanic, fmt.Errorf("internal error in %s; the server is still running, and the failure was logged", tool)), nil
			}
			d.finishCall(ctx, tool, c, start, result)
		}()
		release, err := d.admit(ctx)
		if err != nil {
			return c.fail(OutcomeCallerLimit, err), nil
		}
		defer release()
		var in In
		if err := decodeArguments(req.Params.Arguments, &in); err != nil {
			return c.fail(OutcomeInvalidArguments, err), nil
		}
		out, err := h(ctx, c, in)
		var asking *inputRequired
		switch {
		case errors.As(err, &asking):
			c.outcome = OutcomeAsked
			return asking.q.inputRequest(), nil
		case err != nil:
			return c.fail(failureOutcome(err), err), nil
		}
		return structuredResult(out)
	}
}

// admit takes a slot among the calls in flight of the caller that ctx
// names, if it names one.
func (d *Deps) admit(ctx context.Context) (release func(), err error) {
	caller, ok := callerlimit.CallerFrom(ctx)
	if !ok {
		return func() {}, nil
	}
	return d.Callers.Acquire(caller)
}

// finishCall writes the one line of a call and tells the observer. When
// the caller went away (its context ended) after Scaleway did a write,
// the line is a warning: the image changed, but the answer may never
// reach the caller, who may then not know it, or do it again.
func (d *Deps) finishCall(ctx context.Context, tool string, c *call, start time.Time, result *mcp.CallToolResult) {
	elapsed := time.Since(start)
	if d.Observer != nil {
		d.Observer.CallFinished(tool, c.finalOutcome(result), elapsed)
	}
	outcome := "ok"
	switch {
	case result != nil && result.IsError:
		outcome = "error"
	case c.outcome == OutcomeAsked:
		outcome = string(OutcomeAsked)
	}
	event, message := d.Logger.Info(), "tool call"
	if c.imageID != "" {
		if ctx.Err() != nil {
			event, message = d.Logger.Warn(), "tool call: the write was done upstream, but the caller went away and may not get the answer"
		}
		event = event.Str("image_id", c.imageID)
	}
	// zerolog writes a duration in milliseconds (its DurationFieldUnit,
	// left at its default): the field's name says so.
	event.Str("tool", tool).Str("zone", c.zone).Dur("duration_ms", elapsed).
		Str("outcome", outcome).Str("request_id", c.requestID).Msg(message)
}

// finalOutcome is the outcome fail set, else the result's.
func (c *call) finalOutcome(result *mcp.CallToolResult) Outcome {
	switch {
	case c.outcome != "":
		return c.outcome
	case result == nil || result.IsError:
		return OutcomeToolError
	}
	return OutcomeOK
}

// decodeArguments reads the arguments into in, refusing with a message
// that names the field: a key that is no argument, or one only when case
// is ignored, a repeated key (what an approval screen shows must be what
// runs; see jsonkeys), and wrong types.
func decodeArguments(raw json.RawMessage, in any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	if err := jsonkeys.Check(trimmed, reflect.TypeOf(in), jsonkeys.RefuseUnknown); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(in); err != nil {
		return argumentError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid arguments: expected one JSON object")
	}
	return nil
}

func argumentError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return fmt.Errorf("invalid arguments: expected a JSON object, got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return &scaleway.ValidationError{Field: typeErr.Field, Kind: scaleway.KindFormat, Reason: fmt.Sprintf("must be %s, not %s", jsonKind(typeErr.Type.String()), typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("invalid arguments: malformed JSON at byte %d", syntaxErr.Offset)
	}
	return fmt.Errorf("invalid arguments: %w", err)
}

// jsonKind names a Go type the way a JSON Schema would.
func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "[]"):
		return "an array"
	case strings.Contains(goType, "map["), strings.Contains(goType, "struct"):
		return "an object"
	case strings.Contains(goType, "bool"):
		return "a boolean"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	}
	return "a string"
}

// maxResultBytes bounds one tool result (its text copy is as large again):
// far more than a model reads, so that an upstream answering absurd
// values cannot make one stdio line or HTTP answer of hundreds of
// megabytes. Lists are cut to fit it (finishList).
const maxResultBytes = 1 << 20

// structuredResult returns out as structuredContent and, for clients that
// only read text, as the same JSON in a text block.
func structuredResult(out any) (*mcp.CallToolResult, error) {
	encoded, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encoding tool output: %w", err)
	}
	if len(encoded) > maxResultBytes {
		return errorResult(fmt.Errorf("the result would be %d bytes, more than the %d a tool answers with: Scaleway's answer holds values far larger than its API's own; check that SCW_API_URL (or --api-url) points at it", len(encoded), maxResultBytes)), nil
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{&mcp.TextContent{Text: string(encoded)}},
		StructuredContent: json.RawMessage(encoded),
	}, nil
}

// errorResult is a failure the model can read and act on: Scaleway's error
// type first, then one sentence.
func errorResult(err error) *mcp.CallToolResult {
	return &mcp.CallToolResult{
		IsError: true,
		Content: []mcp.Content{&mcp.TextContent{Text: errorText(err)}},
	}
}

func errorText(err error) string {
	var apiErr *scaleway.Error
	if errors.As(err, &apiErr) {
		return "Scaleway error " + string(apiErr.Type) + ": " + err.Error()
	}
	if details := scaleway.ValidationErrors(err); len(details) > 0 {
		parts := make([]string, len(details))
		for i, d := range details {
			parts[i] = d.Error()
		}
		return "Invalid arguments, nothing was sent to Scaleway: " + strings.Join(parts, "; ")
	}
	return err.Error()
}
