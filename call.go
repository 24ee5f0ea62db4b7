package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// callUsage introduces the call command; the tool list follows it.
const callUsage = `Usage: scaleway-images-mcp [flags] call TOOL [JSON-ARGUMENTS]

Runs one tool through a real MCP client session, held in memory, and prints
its result as JSON. A tool error prints {"isError": true, "error": "..."}
and exits with status 1. The arguments are a JSON object ({} if omitted).
The flags before "call" are the server's, such as --sandbox, --zone and
--read-only (scaleway-images-mcp help lists them).

Examples:
  scaleway-images-mcp --sandbox call list-instance-images '{"public":true,"per_page":3}'
  scaleway-images-mcp call get-instance-image '{"image_id":"<uuid>"}'

Tools and their arguments (* marks those required):
`

// runCall runs one tool through a real MCP client session, in memory, and
// prints its result as JSON: the whole path in one command, for people
// trying the server and for scripts.
func runCall(ctx context.Context, opts *options, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	if err := parseArgs(fs, args, printCallUsage, stdout, stderr); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) < 1 || len(args) > 2 {
		printCallUsage(stderr)
		return errUsage
	}
	arguments := json.RawMessage("{}")
	if len(args) == 2 && strings.TrimSpace(args[1]) != "" {
		if !json.Valid([]byte(args[1])) {
			return fmt.Errorf("the arguments of %s are not valid JSON: %s", args[0], args[1])
		}
		arguments = json.RawMessage(args[1])
	}
	return callTool(ctx, opts, args[0], arguments, stdout, stderr)
}

// callTool calls tool on the server opts configure and prints the result.
func callTool(ctx context.Context, opts *options, tool string, arguments json.RawMessage, stdout, stderr io.Writer) error {
	a, err := newApp(opts, stderr)
	if err != nil {
		return err
	}
	server, err := a.mcpServer()
	if err != nil {
		return err
	}
	session, closeSession, err := connectInMemory(ctx, server, opts.build.version)
	if err != nil {
		return err
	}
	defer closeSession()
	if err := checkServed(ctx, session, tool, opts); err != nil {
		return err
	}
	result, err := session.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: arguments})
	if err != nil {
		return fmt.Errorf("calling %s: %w", tool, err)
	}
	return printResult(tool, result, stdout)
}

// connectInMemory connects a client session, of this binary's version, to
// server through in-memory transports; the returned function closes both
// ends.
func connectInMemory(ctx context.Context, server *mcp.Server, version string) (*mcp.ClientSession, func(), error) {
	serverTransport, clientTransport := mcp.NewInMemoryTransports()
	serverSession, err := server.Connect(ctx, serverTransport, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("starting the in-memory server: %w", err)
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "scaleway-images-mcp-call", Version: version}, nil)
	session, err := client.Connect(ctx, clientTransport, nil)
	if err != nil {
		serverSession.Close()
		return nil, nil, fmt.Errorf("connecting to the in-memory server: %w", err)
	}
	return session, func() {
		session.Close()
		serverSession.Close()
	}, nil
}

// checkServed refuses a tool the server does not serve, naming those it
// does: the SDK's own answer names none.
func checkServed(ctx context.Context, session *mcp.ClientSession, tool string, opts *options) error {
	listed, err := session.ListTools(ctx, nil)
	if err != nil {
		return fmt.Errorf("listing the tools: %w", err)
	}
	served := make([]string, len(listed.Tools))
	for i, t := range listed.Tools {
		served[i] = t.Name
	}
	if slices.Contains(served, tool) {
		return nil
	}
	narrowed := ""
	if opts.readOnly || opts.tools != "" {
		narrowed = " (--read-only and --tools narrow the list)"
	}
	return fmt.Errorf("no tool named %q is served; the tools are %s%s; run \"scaleway-images-mcp help call\" for their arguments",
		tool, strings.Join(served, ", "), narrowed)
}

// printResult prints a tool's result as indented JSON; a tool error is
// printed as {"isError": true, "error": ...} and ends with status 1.
func printResult(tool string, result *mcp.CallToolResult, stdout io.Writer) error {
	if result.IsError {
		encoded, _ := json.MarshalIndent(map[string]any{"isError": true, "error": resultText(result)}, "", "  ")
		fmt.Fprintln(stdout, string(encoded))
		return exitError(1)
	}
	// The text block holds the same JSON as structuredContent, in the
	// tool's own field order.
	var indented bytes.Buffer
	if err := json.Indent(&indented, []byte(resultText(result)), "", "  "); err != nil {
		return fmt.Errorf("the result of %s is not JSON: %w", tool, err)
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

// printCallUsage writes call's usage and every tool with its arguments,
// read from the same definitions tools/list serves.
func printCallUsage(w io.Writer) {
	fmt.Fprint(w, callUsage)
	defs, err := tools.Definitions()
	if err != nil {
		fmt.Fprintf(w, "  (the tool list cannot be read: %v)\n", err)
		return
	}
	for _, def := range defs {
		fmt.Fprintf(w, "  %-23s %s\n      %s\n", def.Name, def.Title, argumentList(def.InputSchema))
	}
}

// argumentList names the arguments of an input schema: the required ones
// first, marked *, then the others in alphabetical order.
func argumentList(inputSchema any) string {
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	encoded, err := json.Marshal(inputSchema)
	if err != nil || json.Unmarshal(encoded, &schema) != nil {
		return "(arguments unknown)"
	}
	var names []string
	for _, name := range schema.Required {
		names = append(names, name+"*")
	}
	for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
		if !slices.Contains(schema.Required, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "(no arguments)"
	}
	return strings.Join(names, ", ")
}
