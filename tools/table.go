// Package tools holds the MCP tools of the Instance images capability (the
// seed's six, and list-snapshots to find what images are made from): one
// table of definitions, their handlers, and the shaping of results.
// It calls the scaleway client and never builds HTTP requests itself.
package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/callerlimit"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/schemas"
)

// The tool names are fixed by the capability (seed/instance-images.yaml).
const (
	ListImagesTool  = "list-instance-images"
	CreateImageTool = "create-instance-image"
	SetImageTool    = "update-image"
	GetImageTool    = "get-instance-image"
	UpdateImageTool = "update-image-2"
	DeleteImageTool = "delete-instance-image"
	// ListSnapshotsTool is not the seed's: it finds the snapshot ids that
	// create-instance-image takes.
	ListSnapshotsTool = "list-snapshots"
)

// AllZones is the zone value that makes a list (list-instance-images,
// list-snapshots) read every zone.
const AllZones = "all"

// Deps is what the handlers need from the rest of the program.
type Deps struct {
	// Client makes every call; its default project and organization own
	// the images created without a project.
	Client      *scaleway.Client
	DefaultZone scaleway.Zone
	Logger      zerolog.Logger

	// MaxListItems caps all_pages and zone "all" lists.
	MaxListItems int
	// WaitPollInterval is how often create's wait asks for the image.
	WaitPollInterval time.Duration
	// Stopping is closed when the process begins to shut down; nil means
	// never. A create-instance-image waiting for its image then returns
	// at once, successfully, with the image as last read and what to do
	// next, rather than hold the shutdown up or be cut off without an
	// answer.
	Stopping <-chan struct{}
	// Callers bounds the calls in flight of each caller that a call's
	// context names (callerlimit.WithCaller, as the HTTP listener's do);
	// nil bounds none.
	Callers *callerlimit.Limiter
	// Observer, when set, learns of every call (metrics).
	Observer Observer
	// ConfirmDeletes makes delete-instance-image ask the user, when the
	// client can (elicitation), whether to delete the image's snapshots
	// too; declined, nothing is deleted.
	ConfirmDeletes bool

	locks imageLocks // one writer per image at a time
}

// definition is one row of the tool table.
type definition struct {
	name        string
	title       string
	description string
	readOnly    bool
	destructive bool
	idempotent  bool
	allZones    bool // its zone argument takes AllZones
	input       any  // zero value of the input type, for schema generation
	output      any  // zero value of the output type
	bind        func(*Deps) mcp.ToolHandler
}

// table lists every tool: the seed's, in its order and with its hints,
// then list-snapshots. All tools reach Scaleway, so openWorldHint is true
// everywhere.
var table = []definition{
	{
		name:        ListImagesTool,
		title:       "List images",
		description: "List images; next_page is the next page. Rows follow columns. size_gb null: unknown here (Block Storage); get-instance-image reads it.",
		readOnly:    true, destructive: false, idempotent: true, allZones: true,
		input: ListImagesInput{}, output: ListImagesOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, ListImagesTool, d.listImages) },
	},
	{
		name:        CreateImageTool,
		title:       "Create an image",
		description: "Create an image from snapshots: Instance or Block Storage snapshot ids from list-snapshots, not volume ids.",
		readOnly:    false, destructive: false, idempotent: false,
		input: CreateImageInput{}, output: CreateImageOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, CreateImageTool, d.createImage) },
	},
	{
		name:        SetImageTool,
		title:       "Replace an image",
		description: "Replace an image (PUT) by read-merge-write: omitted fields keep their values. update-image-2 (PATCH) changes only those given.",
		readOnly:    false, destructive: false, idempotent: true,
		input: SetImageInput{}, output: ImageOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, SetImageTool, d.setImage) },
	},
	{
		name:        GetImageTool,
		title:       "Get an image",
		description: "One image, every field. Block Storage sizes come from the Block API; null when Scaleway hides them (public images).",
		readOnly:    true, destructive: false, idempotent: true,
		input: GetImageInput{}, output: ImageOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, GetImageTool, d.getImage) },
	},
	{
		name:        UpdateImageTool,
		title:       "Update an image",
		description: "Change only the fields given (PATCH), such as a rename or new tags.",
		readOnly:    false, destructive: false, idempotent: true,
		input: UpdateImageInput{}, output: ImageOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, UpdateImageTool, d.updateImage) },
	},
	{
		name:        DeleteImageTool,
		title:       "Delete an image",
		description: "Delete an image. Its snapshots stay, still billed; the result lists them with kind and size.",
		readOnly:    false, destructive: true, idempotent: true,
		input: DeleteImageInput{}, output: DeleteImageOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, DeleteImageTool, d.deleteImage) },
	},
	{
		name:        ListSnapshotsTool,
		title:       "List snapshots",
		description: "Snapshots to make images from, newest first; ids go to create-instance-image. kind: l_ssd (Instance) or sbs (Block). used_by: image ids; unused ones are still billed.",
		readOnly:    true, destructive: false, idempotent: true, allZones: true,
		input: ListSnapshotsInput{}, output: ListSnapshotsOutput{},
		bind: func(d *Deps) mcp.ToolHandler { return newHandler(d, ListSnapshotsTool, d.listSnapshots) },
	},
}

// ZoneDescription says which zone a call uses when it names none: the
// server's default zone, known only at start-up. The schema files hold it
// for zone "" (what the docs show); Register writes in the configured one.
// allZones: the tool's zone also takes AllZones.
func ZoneDescription(allZones bool, zone scaleway.Zone) string {
	d := "Default " + string(zone)
	if zone == "" {
		d = "Default: SCW_DEFAULT_ZONE, else fr-par-1"
	}
	if allZones {
		d += `; "all": every zone`
	}
	return d
}

// Names returns every tool name, in table order.
func Names() []string {
	names := make([]string, len(table))
	for i, def := range table {
		names[i] = def.name
	}
	return names
}

// Selection says which tools to serve.
type Selection struct {
	ReadOnly bool     // only tools whose readOnlyHint is true
	Allow    []string // when not empty, only these tools
}

// Serves reports whether the selection serves the tool named name.
func (sel Selection) Serves(name string) bool {
	for _, def := range table {
		if def.name == name {
			return sel.serves(def)
		}
	}
	return false
}

func (sel Selection) serves(def definition) bool {
	return (!sel.ReadOnly || def.readOnly) && (len(sel.Allow) == 0 || slices.Contains(sel.Allow, def.name))
}

// Register adds the selected tools to server, with their embedded schemas.
// It fails on an unknown name in the allow-list or a missing schema.
func Register(server *mcp.Server, deps *Deps, sel Selection) ([]string, error) {
	for _, name := range sel.Allow {
		if !slices.Contains(Names(), name) {
			return nil, fmt.Errorf("unknown tool %q in the allow-list; the tools are %s", name, strings.Join(Names(), ", "))
		}
	}
	var registered []string
	for _, def := range table {
		if !sel.serves(def) {
			continue
		}
		tool, err := def.tool(deps.DefaultZone)
		if err != nil {
			return nil, err
		}
		server.AddTool(tool, def.bind(deps))
		registered = append(registered, def.name)
	}
	return registered, nil
}

// tool builds the MCP definition, with all four hints set explicitly and
// the default zone, when known, in the zone's description.
func (def definition) tool(defaultZone scaleway.Zone) (*mcp.Tool, error) {
	input, err := schemas.Read(InputSchemaFile(def.name))
	if err != nil {
		return nil, err
	}
	if defaultZone != "" {
		generic, _ := json.Marshal(ZoneDescription(def.allZones, ""))
		specific, _ := json.Marshal(ZoneDescription(def.allZones, defaultZone))
		input = bytes.Replace(input, generic, specific, 1)
	}
	output, err := schemas.Read(OutputSchemaFile(def.name))
	if err != nil {
		return nil, err
	}
	openWorld := true
	destructive := def.destructive
	return &mcp.Tool{
		Name:         def.name,
		Title:        def.title,
		Description:  def.description,
		InputSchema:  json.RawMessage(input),
		OutputSchema: json.RawMessage(output),
		Annotations: &mcp.ToolAnnotations{
			ReadOnlyHint:    def.readOnly,
			DestructiveHint: &destructive,
			IdempotentHint:  def.idempotent,
			OpenWorldHint:   &openWorld,
		},
	}, nil
}

// Definitions returns every tool's MCP definition, in table order, as
// tools/list shows it: for documentation and checks.
func Definitions() ([]*mcp.Tool, error) {
	defs := make([]*mcp.Tool, 0, len(table))
	for _, def := range table {
		tool, err := def.tool("")
		if err != nil {
			return nil, err
		}
		defs = append(defs, tool)
	}
	return defs, nil
}

// SchemaType names the Go types behind one tool's schemas.
type SchemaType struct {
	Name          string
	Input, Output any
	AllZones      bool // its zone argument takes AllZones
}

// SchemaTypes lists the input and output types of every tool, for
// internal/schemagen.
func SchemaTypes() []SchemaType {
	out := make([]SchemaType, len(table))
	for i, def := range table {
		out[i] = SchemaType{Name: def.name, Input: def.input, Output: def.output, AllZones: def.allZones}
	}
	return out
}

// InputSchemaFile is the embedded file holding a tool's input schema.
func InputSchemaFile(tool string) string { return tool + ".input.json" }

// OutputSchemaFile is the embedded file holding a tool's output schema.
func OutputSchemaFile(tool string) string { return tool + ".output.json" }
