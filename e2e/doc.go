// Package e2e holds the whole-binary tests: they build scaleway-images-mcp
// once and run it as a user or an MCP client would (over stdio, over
// streamable HTTP and REST, with signals, environment variables and
// hostile peers), and check what the process shows from outside: its
// answers, its output, its exit status, its memory.
//
// They are slow, so "go test -short ./..." leaves them out and builds no
// binary; "go test ./..." (CI: "go test -race ./...") runs them. The tests
// of what runs in process stay beside the code, in the root package and
// the others.
package e2e
