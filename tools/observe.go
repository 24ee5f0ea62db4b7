package tools

import (
	"errors"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Observer learns of every tool call, for metrics: CallStarted as it
// begins, CallFinished with its outcome and duration as it ends. Its
// methods must be quick and safe for concurrent use.
type Observer interface {
	CallStarted(tool string)
	CallFinished(tool string, outcome Outcome, elapsed time.Duration)
}

// Outcome is how a tool call ended, in a few kinds fit for a metric's
// label.
type Outcome string

// The outcomes of a call. Every one but OutcomeOK and OutcomeAsked is an
// isError result.
const (
	OutcomeOK Outcome = "ok"
	// OutcomeInvalidArguments: arguments that do not decode or that fail
	// the client's checks; nothing was sent to Scaleway.
	OutcomeInvalidArguments Outcome = "invalid_arguments"
	// OutcomeCallerLimit: refused, its caller had its most calls in
	// flight already (Deps.Callers); worth retrying.
	OutcomeCallerLimit Outcome = "caller_limit"
	// OutcomeUpstreamError: Scaleway answered an error, or could not be
	// reached.
	OutcomeUpstreamError Outcome = "upstream_error"
	// OutcomeToolError: any other failure, such as no secret key, an image
	// that changed during update-image, or a result too large.
	OutcomeToolError Outcome = "tool_error"
	// OutcomePanic: the handler panicked; the server went on.
	OutcomePanic Outcome = "panic"
	// OutcomeAsked: the call asked the user a question (elicitation) and
	// goes on in a run of its own with the answer. Not an error.
	OutcomeAsked Outcome = "asked"
	// OutcomeDeclined: the user declined or dismissed the question; nothing
	// was done.
	OutcomeDeclined Outcome = "declined"
)

// Outcomes lists every outcome, so that metrics can show each one from
// the start.
func Outcomes() []Outcome {
	return []Outcome{OutcomeOK, OutcomeInvalidArguments, OutcomeCallerLimit, OutcomeUpstreamError, OutcomeToolError, OutcomePanic, OutcomeAsked, OutcomeDeclined}
}

// failureOutcome is the outcome of a handler that failed with err.
func failureOutcome(err error) Outcome {
	var apiErr *scaleway.Error
	var transportErr *scaleway.TransportError
	var declined *declinedError
	switch {
	case errors.As(err, &declined):
		return OutcomeDeclined
	case len(scaleway.ValidationErrors(err)) > 0:
		return OutcomeInvalidArguments
	case errors.As(err, &apiErr), errors.As(err, &transportErr):
		return OutcomeUpstreamError
	}
	return OutcomeToolError
}
