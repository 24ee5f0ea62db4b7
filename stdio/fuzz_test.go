package stdio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

var frameSeeds = []string{
	initialize, initialized, `{"jsonrpc":"2.0","id":2,"method":"ping"}`, `hello`, "\ufeff{}", "\x00", `42`, `[]`,
	`[{"jsonrpc":"2.0","id":8,"method":"ping"}]`, `{"jsonrpc":"2.0","id":1e400,"method":"ping"}`,
	`{"jsonrpc":"2.0","ID":{},"method":"ping"}`, `{"jsonrpc":"2.0","id":1,"result":{}}`,
	`{"jsonrpc":"2.0","id":"x","error":{"code":1,"message":"m"}}`, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}`,
	strings.Repeat("[", 100) + strings.Repeat("]", 100), `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"block"}}   `,
}

// FuzzFrame holds the gate's promise for any line: either it is refused
// with a JSON-RPC error response, or every message in it is one the SDK
// reads (a frame the SDK cannot read would end the session).
func FuzzFrame(f *testing.F) {
	for _, seed := range frameSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Skip() // the gate splits lines first
		}
		msgs, isBatch, ferr := parseFrame(line)
		if ferr != nil {
			var answer errorResponse
			if err := json.Unmarshal(errorLine(ferr.id, ferr.code, ferr.message), &answer); err != nil || answer.Error.Code == 0 || answer.Error.Message == "" {
				t.Fatalf("refusal of %q is not a JSON-RPC error: %v", line, err)
			}
			return
		}
		items := []json.RawMessage{bytes.TrimSpace(line)}
		if isBatch {
			items = nil
			if err := json.Unmarshal(line, &items); err != nil {
				t.Fatal(err)
			}
		}
		if len(items) != len(msgs) {
			t.Fatalf("%q: %d messages for %d items", line, len(msgs), len(items))
		}
		for _, item := range items {
			if _, err := jsonrpc.DecodeMessage(item); err != nil {
				t.Fatalf("accepted %q, which the SDK cannot read: %v", line, err)
			}
		}
	})
}

// fuzzSession is one live session per fuzzing process.
var fuzzSession struct {
	once   sync.Once
	client *client
	n      int
}

// FuzzSession sends any line to a live session, then a ping: the ping
// must be answered (the session survived) and every line the server
// writes must be JSON.
func FuzzSession(f *testing.F) {
	for _, seed := range frameSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Skip()
		}
		fuzzSession.once.Do(func() {
			// The session outlives this first input's test, on purpose:
			// one per fuzzing process, ended with it.
			fuzzSession.client, _ = serve(serverOptions{ctx: context.Background()})
			fuzzSession.client.open(t)
		})
		c := fuzzSession.client
		fuzzSession.n++
		ping := fmt.Sprintf(`{"jsonrpc":"2.0","id":"fuzz-ping-%d","method":"ping"}`, fuzzSession.n)
		c.send(t, string(line), ping)
		for {
			answer := c.next(t)
			if string(answer["id"]) == fmt.Sprintf(`"fuzz-ping-%d"`, fuzzSession.n) {
				return
			}
		}
	})
}
