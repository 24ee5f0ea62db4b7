// Package prompts serves the MCP prompts, short plans for the workflows
// people ask for (an image from a snapshot, a clean-up, an audit of public
// images, retiring one image), that clients show as slash commands, and
// the completion of their arguments from the account.
package prompts

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/rs/zerolog"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// The prompts' names.
const (
	ImageFromSnapshotPrompt = "image-from-snapshot"
	CleanUpPrompt           = "clean-up-images"
	PublicAuditPrompt       = "public-images-audit"
	RetireImagePrompt       = "retire-image"
)

// The arguments' names, shared by the prompts that take them, so that
// completion knows each by its name alone.
const (
	argZone     = "zone"
	argSnapshot = "snapshot"
	argName     = "name"
	argDays     = "older_than_days"
	argImage    = "image"
)

// defaultDays is clean-up-images' age when none is given.
const defaultDays = 90

// Deps is what the prompts need from the rest of the program.
type Deps struct {
	Client      *scaleway.Client // completion's lists; its default owner
	DefaultZone scaleway.Zone
	Logger      zerolog.Logger
	// Now is today, for clean-up-images' ages; nil means time.Now.
	Now func() time.Time
}

// definition is one row of the prompt table.
type definition struct {
	prompt *mcp.Prompt
	// needs are the tools the plan calls: the prompt is served only when
	// every one is.
	needs []string
	// allZones: the zone argument may be "all".
	allZones bool
	text     func(d *Deps, a arguments, serves func(string) bool) string
}

// arguments are a prompt's arguments, checked.
type arguments struct {
	zone     string // a zone, or "all" where allowed
	snapshot string
	name     string
	days     int
	image    string
}

func zoneArgument(allZones bool) *mcp.PromptArgument {
	desc := "Zone, such as fr-par-1; default: the server's"
	if allZones {
		desc += `; "all" for every zone`
	}
	return &mcp.PromptArgument{Name: argZone, Title: "Zone", Description: desc}
}

var table = []definition{
	{
		prompt: &mcp.Prompt{
			Name: ImageFromSnapshotPrompt, Title: "Make an image from a snapshot",
			Description: "Find a snapshot, create an image from it and wait until it is available.",
			Arguments: []*mcp.PromptArgument{
				zoneArgument(false),
				{Name: argSnapshot, Title: "Snapshot", Description: "Name or id of the snapshot; default: pick from a list"},
				{Name: argName, Title: "Image name", Description: "Name of the new image; default: generated"},
			},
		},
		needs: []string{tools.ListSnapshotsTool, tools.CreateImageTool},
		text:  imageFromSnapshot,
	},
	{
		prompt: &mcp.Prompt{
			Name: CleanUpPrompt, Title: "Clean up old images",
			Description: "Find images older than some days, show what deleting each would free, delete only those you confirm.",
			Arguments: []*mcp.PromptArgument{
				zoneArgument(true),
				{Name: argDays, Title: "Older than (days)", Description: "Only images created more than this many days ago; default 90"},
			},
		},
		needs:    []string{tools.ListImagesTool, tools.ListSnapshotsTool, tools.DeleteImageTool},
		allZones: true,
		text:     cleanUp,
	},
	{
		prompt: &mcp.Prompt{
			Name: PublicAuditPrompt, Title: "Which of my images are public?",
			Description: "List your images that every Scaleway user can see, and make private those you choose.",
			Arguments:   []*mcp.PromptArgument{zoneArgument(true)},
		},
		needs:    []string{tools.ListImagesTool},
		allZones: true,
		text:     publicAudit,
	},
	{
		prompt: &mcp.Prompt{
			Name: RetireImagePrompt, Title: "Retire an image",
			Description: "Show an image, its snapshots and what else uses them; delete it once you confirm.",
			Arguments: []*mcp.PromptArgument{
				{Name: argImage, Title: "Image", Description: "Name or id of the image", Required: true},
				zoneArgument(false),
			},
		},
		needs: []string{tools.GetImageTool, tools.ListImagesTool, tools.ListSnapshotsTool, tools.DeleteImageTool},
		text:  retireImage,
	},
}

// Names lists every prompt's name, in table order.
func Names() []string {
	names := make([]string, len(table))
	for i, def := range table {
		names[i] = def.prompt.Name
	}
	return names
}

// Register adds to server the prompts whose tools serves says are served,
// and returns their names.
func Register(server *mcp.Server, d *Deps, serves func(tool string) bool) []string {
	var names []string
	for _, def := range table {
		if !slices.ContainsFunc(def.needs, func(tool string) bool { return !serves(tool) }) {
			server.AddPrompt(def.prompt, d.handler(def, serves))
			names = append(names, def.prompt.Name)
		}
	}
	return names
}

func (d *Deps) handler(def definition, serves func(string) bool) mcp.PromptHandler {
	return func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		a, err := d.check(def, req.Params.Arguments)
		if err != nil {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("prompt %s: %v", def.prompt.Name, err)}
		}
		return &mcp.GetPromptResult{
			Description: def.prompt.Description,
			Messages: []*mcp.PromptMessage{{
				Role: "user", Content: &mcp.TextContent{Text: def.text(d, a, serves)},
			}},
		}, nil
	}
}

// check reads and checks the arguments a client sent: an unknown one, a
// zone that is not one, or an age that is not a number of days is
// refused, naming the argument and what it may be.
func (d *Deps) check(def definition, raw map[string]string) (arguments, error) {
	a := arguments{zone: string(d.DefaultZone), days: defaultDays}
	for key, value := range raw {
		if !slices.ContainsFunc(def.prompt.Arguments, func(p *mcp.PromptArgument) bool { return p.Name == key }) {
			return a, fmt.Errorf("unknown argument %q; this prompt takes %s", key, argumentNames(def))
		}
		value = strings.TrimSpace(value)
		if value == "" {
			continue
		}
		switch key {
		case argZone:
			if _, err := scaleway.ParseZone(value); err != nil && (!def.allZones || value != tools.AllZones) {
				return a, zoneError(def, value)
			}
			a.zone = value
		case argDays:
			days, err := strconv.Atoi(value)
			if err != nil || days < 1 || days > 3650 {
				return a, fmt.Errorf("argument %s is %q: give a whole number of days from 1 to 3650", argDays, value)
			}
			a.days = days
		case argSnapshot, argName, argImage:
			if details := scaleway.ValidationErrors(scaleway.CheckName(key, value)); len(details) > 0 {
				return a, fmt.Errorf("argument %s %s", key, details[0].Reason)
			}
			switch key {
			case argSnapshot:
				a.snapshot = value
			case argName:
				a.name = value
			default:
				a.image = value
			}
		}
	}
	for _, p := range def.prompt.Arguments {
		if p.Required && strings.TrimSpace(raw[p.Name]) == "" {
			return a, fmt.Errorf("argument %s is required: %s", p.Name, strings.ToLower(p.Description[:1])+p.Description[1:])
		}
	}
	return a, nil
}

func zoneError(def definition, value string) error {
	allowed := strings.Join(scaleway.ZoneNames(), ", ")
	if def.allZones {
		allowed += `, or "all"`
	}
	return fmt.Errorf("argument %s is %q, not an Instance zone; use one of %s", argZone, value, allowed)
}

func argumentNames(def definition) string {
	names := make([]string, len(def.prompt.Arguments))
	for i, p := range def.prompt.Arguments {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// where is the zone argument as the plans say it.
func (a arguments) where() string {
	if a.zone == tools.AllZones {
		return `every zone (zone "all")`
	}
	return "zone " + a.zone
}

func imageFromSnapshot(_ *Deps, a arguments, _ func(string) bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Make a Scaleway Instance image from a snapshot, in %s.\n\n", a.where())
	switch {
	case scaleway.IsUUID(a.snapshot):
		fmt.Fprintf(&b, "1. The snapshot is %s: find it with %s (zone %s) to learn its name, kind, size and state.\n", a.snapshot, tools.ListSnapshotsTool, a.zone)
	case a.snapshot != "":
		fmt.Fprintf(&b, "1. Find the snapshot named like %q: call %s with zone %s and name %q. If several match, show them (name, kind, size, date) and ask me which one.\n", a.snapshot, tools.ListSnapshotsTool, a.zone, a.snapshot)
	default:
		fmt.Fprintf(&b, "1. Find the snapshot: call %s with zone %s and show me the usable ones (name, kind, size, date), newest first, then ask me which one. Or call %s without root_volume: a client that can ask lets me pick from a list; one that cannot answers with an error, then list them as said.\n", tools.ListSnapshotsTool, a.zone, tools.CreateImageTool)
	}
	fmt.Fprintf(&b, "   A snapshot can make an image when its state is available (or in_use, for kind sbs). If none can, say so and stop.\n")
	fmt.Fprintf(&b, "2. Ask me the CPU architecture of the system on it (x86_64, arm64 or arm) unless you can tell it from its name.\n")
	name := "a name I give, or none (one is generated)"
	if a.name != "" {
		name = fmt.Sprintf("name %q", a.name)
	}
	fmt.Fprintf(&b, "3. Call %s with zone %s, root_volume the snapshot's id, that arch, %s, and wait true.\n", tools.CreateImageTool, a.zone, name)
	fmt.Fprintf(&b, "4. Tell me the image's id, name and state. The snapshot stays, and stays billed, as long as the image exists.")
	return b.String()
}

func cleanUp(d *Deps, a arguments, _ func(string) bool) string {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	today := now().UTC()
	cutoff := today.AddDate(0, 0, -a.days)
	var b strings.Builder
	fmt.Fprintf(&b, "Help me clean up my Scaleway Instance images in %s: those created more than %d days ago, before %s (today is %s). An image costs nothing itself; its snapshots are billed.\n\n",
		a.where(), a.days, cutoff.Format(time.DateOnly), today.Format(time.DateOnly))
	fmt.Fprintf(&b, "1. Call %s with zone %s and all_pages true. Keep the images whose creation_date is before %s.\n", tools.ListImagesTool, a.zone, cutoff.Format(time.DateOnly))
	fmt.Fprintf(&b, "2. Call %s with zone %s once, to learn each snapshot's size and used_by (the images made from it).\n", tools.ListSnapshotsTool, a.zone)
	fmt.Fprintf(&b, "3. Show me a table of the old images: name, id, zone, creation date, and the GB that deleting it with its snapshots would free (only snapshots no other image uses). Add the total.\n")
	fmt.Fprintf(&b, "4. Ask me which to delete. Delete only those I name, one %s call each; never one I did not confirm.\n", tools.DeleteImageTool)
	fmt.Fprintf(&b, "5. Tell me what was deleted, and that the snapshots of each deleted image still exist and stay billed until deleted (unless I chose, when asked, to delete them too): %s with unused true lists them, and scw instance snapshot delete or scw block snapshot delete, by kind, deletes them.", tools.ListSnapshotsTool)
	return b.String()
}

func publicAudit(d *Deps, a arguments, serves func(string) bool) string {
	owner := "organization set to my organization id (ask me for it if you do not know it)"
	switch {
	case d.Client != nil && d.Client.DefaultProject() != "":
		owner = fmt.Sprintf("project %s", d.Client.DefaultProject())
	case d.Client != nil && d.Client.DefaultOrganization() != "":
		owner = fmt.Sprintf("organization %s", d.Client.DefaultOrganization())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Audit which of my Scaleway Instance images are public, that is visible to every Scaleway user, in %s.\n\n", a.where())
	fmt.Fprintf(&b, "1. Call %s with zone %s, public true, %s, and all_pages true. Without the owner, public true lists Scaleway's own images (Ubuntu...) and other users' public ones too.\n", tools.ListImagesTool, a.zone, owner)
	fmt.Fprintf(&b, "2. Show me each of mine that is public: name, id, zone, creation date, tags. If there are none, say so and stop.\n")
	if serves(tools.UpdateImageTool) {
		fmt.Fprintf(&b, "3. Ask me which should stay public. Make private only those I name, each with %s (image_id, zone, public false), and tell me what changed.", tools.UpdateImageTool)
	} else {
		fmt.Fprintf(&b, "3. This server cannot change images: for those I want private, give me the command scw instance image update <id> zone=<zone> public=false.")
	}
	return b.String()
}

func retireImage(_ *Deps, a arguments, _ func(string) bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Retire the Scaleway Instance image %q in %s.\n\n", a.image, a.where())
	if scaleway.IsUUID(a.image) {
		fmt.Fprintf(&b, "1. Call %s with image_id %s and zone %s.\n", tools.GetImageTool, a.image, a.zone)
	} else {
		fmt.Fprintf(&b, "1. Find it: call %s with zone %s and name %q; if several images match, show them and ask me which. Then call %s with its id.\n", tools.ListImagesTool, a.zone, a.image, tools.GetImageTool)
	}
	fmt.Fprintf(&b, "2. Call %s with zone %s to see, for each of its snapshots, the size and which other images use it.\n", tools.ListSnapshotsTool, a.zone)
	fmt.Fprintf(&b, "3. Show me the image (name, id, state, public or not, creation date) and its snapshots (kind, size, other users), and ask me to confirm the delete.\n")
	fmt.Fprintf(&b, "4. Only once I confirm, call %s. Tell me what it says is left: snapshots stay, and stay billed, until deleted.", tools.DeleteImageTool)
	return b.String()
}
