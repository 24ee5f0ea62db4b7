package listener

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"
)

// refuser answers the requests the listener stops before its handler.
type refuser struct {
	logger zerolog.Logger
	// write is Options.Refuse, or writePlainRefusal when that is nil.
	write func(w http.ResponseWriter, status int, message string)
}

// answer logs why r is refused (reason, for the operator) and answers it
// with status and message (for the client). The body limit answers with
// write alone, unlogged.
func (f refuser) answer(w http.ResponseWriter, r *http.Request, status int, reason, message string) {
	f.logger.Warn().Str("method", r.Method).Str("path", r.URL.Path).Str("remote", r.RemoteAddr).Str("reason", reason).Msg("request refused")
	f.write(w, status, message)
}

// plainRefusal is the body of a refusal when the caller gives no writer:
// plain JSON, which says nothing of any API behind the listener.
type plainRefusal struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// writePlainRefusal answers {"error": message, "status": status}.
func writePlainRefusal(w http.ResponseWriter, status int, message string) {
	body, err := json.Marshal(plainRefusal{Error: message, Status: status})
	if err != nil { // a string and a number always encode
		panic(fmt.Sprintf("listener: encoding refusal: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
