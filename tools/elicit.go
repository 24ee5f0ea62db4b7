package tools

import (
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A handler asks the user (MCP elicitation) only where the choice is the
// user's, and only when the client said, in its capabilities, that it can
// show a form. Elsewhere, over stateless HTTP with a client of a protocol
// before 2026-07-28 among them (no session to ask through), the call goes
// on as it always has, in one round trip.
//
// A question is a multi round-trip request (SEP-2322): the handler's
// first run ends with an input-required result naming the question; the
// second, with the answer in the request, does the work. For clients of
// protocol 2026-07-28 the client sends the call again with the answer
// (any replica can take it: the handler keeps nothing between runs and
// reads everything again); for older ones the SDK asks over the session
// (elicitation/create) and runs the handler again itself.

// canAsk reports whether the client of req declared form elicitation, for
// this request (protocol 2026-07-28) or for its session. A client that
// declares elicitation with neither mode set predates the modes and shows
// forms.
func canAsk(req *mcp.CallToolRequest) bool {
	if req == nil {
		return false
	}
	caps := req.ClientCapabilities()
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	return caps.Elicitation.Form != nil || caps.Elicitation.URL == nil
}

// question is a form to show the user, under a key that names it in the
// request that carries the answer.
type question struct {
	key     string
	message string
	schema  map[string]any
	// what was not done, and what the model can do instead, should the
	// user decline.
	notDone, next string
}

// inputRequired is a handler's "ask this first": newHandler turns it into
// an input-required result.
type inputRequired struct{ q question }

func (e *inputRequired) Error() string { return "asking the user: " + e.q.message }

// answer is what the user entered for q, from the request that carries
// it: nil and an *inputRequired error when the request carries none yet,
// a *declinedError when they declined or dismissed it.
func (c *call) answer(q question) (map[string]any, error) {
	res, ok := c.req.Params.InputResponses[q.key].(*mcp.ElicitResult)
	switch {
	case !ok:
		return nil, &inputRequired{q: q}
	case res.Action != "accept":
		return nil, &declinedError{action: res.Action, what: q.notDone, next: q.next}
	}
	return res.Content, nil
}

// inputRequest is the result that asks q.
func (q question) inputRequest() *mcp.CallToolResult {
	return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{
		q.key: &mcp.ElicitParams{Mode: "form", Message: q.message, RequestedSchema: q.schema},
	}}
}

// declinedError is a question the user did not accept: the call did
// nothing, and says so.
type declinedError struct {
	action string // "decline" or "cancel"
	what   string // what was not done, as "Nothing was created"
	next   string // what the model can do instead
}

func (e *declinedError) Error() string {
	how := "declined"
	if e.action == "cancel" {
		how = "dismissed the question"
	}
	return fmt.Sprintf("%s: the user %s. %s", e.what, how, e.next)
}
