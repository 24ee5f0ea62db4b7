package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// writeJSON writes body with status and the API's exact Content-Type (the
// JS SDK compares it for equality).
func writeJSON(w http.ResponseWriter, status int, body any) {
	payload, err := json.Marshal(body)
	if err != nil { // bodies are the client's own types, which always encode
		panic(fmt.Sprintf("rest: encoding answer: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

// passRequestID hands upstream's X-Request-Id to our caller.
func passRequestID(w http.ResponseWriter, resp *scaleway.Response) {
	if resp != nil && resp.RequestID != "" {
		w.Header().Set("X-Request-Id", resp.RequestID)
	}
}

// imageAnswer is the body of every answer that carries one image.
type imageAnswer struct {
	Image *scaleway.Image `json:"image"`
}

// listAnswer is a list page's body: only the images, as the API sends;
// the total travels in X-Total-Count.
type listAnswer struct {
	Images []*scaleway.Image `json:"images"`
}
