package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// runCall runs one tool through a real MCP client session, in memory, and
// prints its result as JSON: the whole path in one command, for people
// trying the server and for scripts.
func runCall(ctx context.Context, opts *options, args []string, stdout, stderr io.Writer) error {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(stderr, "usage: scaleway-images-mcp [flags] call TOOL [JSON-ARGUMENTS]")
		return errUsage
	}
	arguments := json.RawMessage("{}")
	if len(args) == 2 && strings.TrimSpace(args[1]) != "" {
		if !json.Valid([]byte(args[1])) {
			return fmt.Errorf("the arguments of %s are not valid JSON: %s", args[0], args[1])
		}
		arguments = json.RawMessage(args[1])
	}
	a, err := newApp(opts, stderr)
	if err != nil {
		return err
	}
	server, err := a.mcpServer()
	if err != nil {
		return err
	}
	serverTransport, clientTransport := mcp.NewInMemoryTransports()
	serverSession, err := server.Connect(ctx, serverTransport, nil)
	if err != nil {
		return fmt.Errorf("starting the in-memory server: %w", err)
	}
	defer serverSession.Close()
	client := mcp.NewClient(&mcp.Implementation{Name: "scaleway-images-mcp-call", Version: version}, nil)
	session, err := client.Connect(ctx, clientTransport, nil)
	if err != nil {
		return fmt.Errorf("connecting to the in-memory server: %w", err)
	}
	defer session.Close()
	result, err := session.CallTool(ctx, &mcp.CallToolParams{Name: args[0], Arguments: arguments})
	if err != nil {
		return fmt.Errorf("calling %s: %w", args[0], err)
	}
	if result.IsError {
		encoded, _ := json.MarshalIndent(map[string]any{"isError": true, "error": resultText(result)}, "", "  ")
		fmt.Fprintln(stdout, string(encoded))
		return exitError(1)
	}
	// The text block holds the same JSON as structuredContent, in the
	// tool's own field order.
	var indented bytes.Buffer
	if err := json.Indent(&indented, []byte(resultText(result)), "", "  "); err != nil {
		return fmt.Errorf("the result of %s is not JSON: %w", args[0], err)
	}
	fmt.Fprintln(stdout, indented.String())
	return nil
}

func resultText(result *mcp.CallToolResult) string {
	var parts []string
	for _, c := range result.Content {
		if text, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, text.Text)
		}
	}
	return strings.Join(parts, "\n")
}
