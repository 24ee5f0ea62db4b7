// Package stdio serves MCP over a client's byte stream (standard input and
// output) so that the session survives what the client sends and nothing
// in flight is lost when it ends. A gate reads the client's lines, answers
// every malformed frame itself with the JSON-RPC error the specification
// gives, and passes only well-formed messages on to the go-sdk server,
// whose own transport ends the whole session on the first bad frame. The
// gate also tracks the calls in flight, so that at shutdown, or when the
// client closes its end, it can stop taking new calls, let those running
// finish within a grace period and deliver their answers.
package stdio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The JSON-RPC 2.0 error codes the gate answers with.
const (
	CodeParseError     = -32700 // not JSON
	CodeInvalidRequest = -32600 // JSON, but not a valid message
	// CodeShuttingDown is in the range JSON-RPC leaves to servers: the
	// call was not run because the server is stopping.
	CodeShuttingDown = -32000
)

// maxDepth bounds how deeply a message may nest. No MCP message nests
// deeply; the SDK's decoder gives up at 1,000 levels and ends the session.
const maxDepth = 64

// protocolVersionMeta is the _meta key of the sessionless protocol
// (2026-07-28): such a request needs no initialize.
const protocolVersionMeta = "io.modelcontextprotocol/protocolVersion"

// frameError is a frame refused by the gate, with what to answer.
type frameError struct {
	code    int
	message string
	id      json.RawMessage // the request's id when it could be read, else null
}

func (e *frameError) Error() string { return e.message }

// message is what the gate needs to know of a well-formed message.
type message struct {
	id     string // canonical id ("" for a notification); see canonicalID
	rawID  json.RawMessage
	method string // "" for a response
	// sessionless says the request carries its protocol version in _meta
	// and needs no initialize.
	sessionless bool
}

// memberNames are the members of a JSON-RPC message. A key that equals one
// of them only without case is refused: Go's decoder, as the SDK's,
// matches keys without case, so {"ID":{}} would reach it as an id.
var memberNames = []string{"jsonrpc", "id", "method", "params", "result", "error"}

// parseFrame checks one line from the client: one JSON value, an object or
// a batch (an array) of objects, each a JSON-RPC 2.0 message the SDK can
// take. It returns the messages, or the error to answer.
func parseFrame(line []byte) ([]message, bool, *frameError) {
	if depth(line) > maxDepth {
		return nil, false, &frameError{code: CodeInvalidRequest, message: fmt.Sprintf("invalid request: the message nests more than %d levels deep", maxDepth)}
	}
	if !json.Valid(line) {
		return nil, false, &frameError{code: CodeParseError, message: "parse error: the line is not one JSON value (send one JSON-RPC message per line)"}
	}
	trimmed := bytes.TrimSpace(line)
	if trimmed[0] != '[' {
		msg, err := parseMessage(trimmed)
		if err != nil {
			return nil, false, err
		}
		return []message{msg}, false, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(trimmed, &items); err != nil || len(items) == 0 {
		return nil, true, &frameError{code: CodeInvalidRequest, message: "invalid request: an empty batch"}
	}
	msgs := make([]message, len(items))
	for i, item := range items {
		msg, err := parseMessage(item)
		if err != nil {
			return nil, true, &frameError{code: CodeInvalidRequest, message: fmt.Sprintf("invalid request: batch item %d: %s", i, err.message)}
		}
		msgs[i] = msg
	}
	return msgs, true, nil
}

// parseMessage checks one JSON-RPC message (a JSON value already known to
// be valid).
func parseMessage(raw []byte) (message, *frameError) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return message{}, &frameError{code: CodeInvalidRequest, message: "invalid request: a message is a JSON object"}
	}
	if err := checkMemberNames(raw); err != nil {
		return message{}, err
	}
	var msg message
	if rawID, ok := members["id"]; ok {
		id, err := canonicalID(rawID)
		if err != nil {
			return message{}, &frameError{code: CodeInvalidRequest, message: "invalid request: " + err.Error()}
		}
		msg.id, msg.rawID = id, rawID
	}
	fail := func(text string) (message, *frameError) {
		return message{}, &frameError{code: CodeInvalidRequest, message: "invalid request: " + text, id: msg.rawID}
	}
	if string(members["jsonrpc"]) != `"2.0"` {
		return fail(`"jsonrpc" must be "2.0"`)
	}
	rawMethod, isCall := members["method"]
	if !isCall {
		_, hasResult := members["result"]
		rawError, hasError := members["error"]
		switch {
		case msg.id == "":
			return fail("a response needs the id of the request it answers")
		case hasResult == hasError:
			return fail(`a response holds one of "result" and "error"`)
		case hasError && !validError(rawError):
			return fail(`"error" must be an object with an integer "code" and a string "message"`)
		}
		return msg, nil
	}
	if json.Unmarshal(rawMethod, &msg.method) != nil || msg.method == "" {
		return fail(`"method" must be a non-empty string`)
	}
	if string(members["id"]) == "null" {
		return fail("a request's id is a string or an integer, never null")
	}
	msg.sessionless = hasProtocolMeta(members["params"])
	return msg, nil
}

// checkMemberNames refuses duplicate members and members whose name equals
// a JSON-RPC member's only without case.
func checkMemberNames(raw []byte) *frameError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	_, _ = dec.Token() // the object's "{", known to be there
	seen := map[string]bool{}
	for dec.More() {
		token, err := dec.Token()
		if err != nil {
			return &frameError{code: CodeInvalidRequest, message: "invalid request: " + err.Error()}
		}
		name := token.(string)
		if seen[name] {
			return &frameError{code: CodeInvalidRequest, message: fmt.Sprintf("invalid request: the member %q appears twice", name)}
		}
		seen[name] = true
		for _, member := range memberNames {
			if name != member && strings.EqualFold(name, member) {
				return &frameError{code: CodeInvalidRequest, message: fmt.Sprintf("invalid request: %q is not a member; member names are lower case (%q)", name, member)}
			}
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return &frameError{code: CodeInvalidRequest, message: "invalid request: " + err.Error()}
		}
	}
	return nil
}

// maxIntegerID is the largest integer id the SDK keeps exactly: it reads
// numbers as float64, so a larger one would come back as another id.
const maxIntegerID = 1 << 53

// canonicalID checks an id, a string or an integer (MCP forbids null ids
// on requests; the SDK would truncate a fraction and round a large
// integer, answering under another id), and returns one form for both
// directions, so that a response can be matched to its request.
func canonicalID(raw json.RawMessage) (string, error) {
	if string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strconv.Quote(s), nil
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n > maxIntegerID || n < -maxIntegerID {
		return "", fmt.Errorf("an id is a string or an integer of at most 2^53, got %s", shorten(raw))
	}
	return strconv.FormatInt(n, 10), nil
}

func validError(raw json.RawMessage) bool {
	var e struct {
		Code    *json.Number `json:"code"`
		Message *string      `json:"message"`
	}
	if json.Unmarshal(raw, &e) != nil || e.Code == nil || e.Message == nil {
		return false
	}
	_, err := e.Code.Int64()
	return err == nil
}

func hasProtocolMeta(params json.RawMessage) bool {
	var p struct {
		Meta map[string]json.RawMessage `json:"_meta"`
	}
	return json.Unmarshal(params, &p) == nil && p.Meta[protocolVersionMeta] != nil
}

// depth is how deeply a valid JSON value nests arrays and objects.
func depth(b []byte) int {
	deepest, current, inString, escaped := 0, 0, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped = c == '\\'
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			current++
			deepest = max(deepest, current)
		case c == ']' || c == '}':
			current--
		}
	}
	return deepest
}

func shorten(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// errorResponse is a JSON-RPC error response.
type errorResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   wireError       `json:"error"`
}

type wireError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// ErrorResponse is a JSON-RPC error response with a null id, for a
// message refused before its id could be read, as other transports refuse
// them too.
func ErrorResponse(code int, message string) []byte { return errorLine(nil, code, message) }

// errorLine is the JSON-RPC error response to write for a refused frame,
// with its newline; id is null when the frame's could not be read.
func errorLine(id json.RawMessage, code int, message string) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	b, _ := json.Marshal(errorResponse{JSONRPC: "2.0", ID: id, Error: wireError{code, message}})
	return append(b, '\n')
}
