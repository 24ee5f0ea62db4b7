package prompts_test

import (
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/prompts"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// BenchmarkComplete measures one completion through an in-memory
// session: a zone (no request) and a snapshot (one page of each snapshot
// API, from the fake over loopback).
func BenchmarkComplete(b *testing.B) {
	for _, arg := range []string{"zone", "snapshot"} {
		b.Run(arg, func(b *testing.B) {
			e := newEnv(b, tools.Selection{})
			params := &mcp.CompleteParams{Ref: &mcp.CompleteReference{Type: "ref/prompt", Name: prompts.ImageFromSnapshotPrompt}, Argument: mcp.CompleteParamsArgument{Name: arg, Value: "s"}}
			for b.Loop() {
				if _, err := e.session.Complete(b.Context(), params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPromptsList reports the size of the prompts/list answer, which
// a client reads once per session.
func BenchmarkPromptsList(b *testing.B) {
	e := newEnv(b, tools.Selection{})
	var size int
	for b.Loop() {
		listed, err := e.session.ListPrompts(b.Context(), nil)
		if err != nil {
			b.Fatal(err)
		}
		encoded, _ := json.Marshal(listed)
		size = len(encoded)
	}
	b.ReportMetric(float64(size), "bytes/answer")
}
