package tools

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

const (
	defaultWaitTimeout      = 300 * time.Second
	defaultWaitPollInterval = 3 * time.Second
)

func (d *Deps) createImage(ctx context.Context, c *call, in CreateImageInput) (CreateImageOutput, error) {
	zone := d.zone(c, in.Zone)
	if in.WaitTimeout < 0 {
		return CreateImageOutput{}, &scaleway.ValidationError{Field: "wait_timeout", Kind: scaleway.KindConstraint, Value: strconv.Itoa(in.WaitTimeout), Reason: "must be between 1 and 3600 seconds"}
	}
	if err := d.pickSnapshot(ctx, c, zone, &in); err != nil {
		return CreateImageOutput{}, err
	}
	img, resp, err := d.Client.CreateImage(ctx, zone, createRequest(in))
	c.observe(resp)
	if err != nil {
		return CreateImageOutput{}, err
	}
	c.wrote(img.ID, nil)
	out := CreateImageOutput{Image: newImage(img)}
	if !in.Wait || img.State != scaleway.ImageStateCreating {
		return out, nil
	}
	timeout := defaultWaitTimeout
	if in.WaitTimeout > 0 {
		timeout = time.Duration(min(in.WaitTimeout, 3600)) * time.Second
	}
	return d.waitForImage(ctx, c, zone, img, timeout)
}

// createRequest is the API request for in. Without a project, the
// client's default owner gets the image.
func createRequest(in CreateImageInput) *scaleway.CreateImageRequest {
	req := &scaleway.CreateImageRequest{
		Name:       in.Name,
		RootVolume: in.RootVolume,
		Arch:       scaleway.Arch(in.Arch),
		Tags:       in.Tags,
		ExtraVolumes: scaleway.VolumeMap(in.ExtraVolumes, func(id string) *scaleway.VolumeTemplate {
			return &scaleway.VolumeTemplate{ID: id}
		}),
	}
	if req.Name == "" {
		req.Name = generatedName()
	}
	if in.Project != "" {
		req.Project = &in.Project
	}
	if in.Public {
		req.Public = &in.Public
	}
	return req
}

// maxSnapshotChoices bounds the snapshots offered in one question: the
// newest, as list-snapshots orders them.
const maxSnapshotChoices = 25

// pickSnapshot asks the user which snapshot the image boots from when the
// call names none and the client can ask (and its architecture, when the
// call names none either), and fills them in. Otherwise it does nothing,
// and the client's check says that root_volume is required, as before.
func (d *Deps) pickSnapshot(ctx context.Context, c *call, zone scaleway.Zone, in *CreateImageInput) error {
	switch {
	case in.RootVolume != "":
		return nil
	case !canAsk(c.req):
		return errors.Join(&scaleway.ValidationError{
			Field: "root_volume", Kind: scaleway.KindRequired,
			Reason: fmt.Sprintf("is required: the id of a snapshot, from %s", ListSnapshotsTool),
		}, checkAllBut(*in, false))
	}
	q := question{
		key: "root_volume", notDone: "Nothing was created",
		next: fmt.Sprintf("Ask the user which snapshot to use, or pass root_volume (ids from %s).", ListSnapshotsTool),
	}
	answer, err := c.answer(q)
	var asking *inputRequired
	switch {
	case err == nil:
		in.RootVolume, _ = answer["snapshot"].(string)
		if arch, ok := answer["arch"].(string); ok && in.Arch == "" {
			in.Arch = arch
		}
		return nil
	case !errors.As(err, &asking):
		return err
	}
	// Never ask for a call that would fail anyway.
	if err := checkAllBut(*in, true); err != nil {
		return err
	}
	listed, err := d.listSnapshots(ctx, c, ListSnapshotsInput{Zone: string(zone)})
	if err != nil {
		return fmt.Errorf("finding snapshots to offer: %w; pass root_volume instead (ids from %s)", err, ListSnapshotsTool)
	}
	var choices []any
	for _, snap := range listed.Snapshots {
		if snap.State == "available" || snap.State == "in_use" {
			choices = append(choices, map[string]any{"const": snap.ID, "title": snap.choiceTitle()})
		}
	}
	if len(choices) == 0 {
		return fmt.Errorf("no snapshot in %s can make an image now (none is available): take one of a volume (scw instance snapshot create, or scw block snapshot create), then call %s again", zone, CreateImageTool)
	}
	q.message = fmt.Sprintf("Create image %q in %s: which snapshot should it boot from?", in.Name, zone)
	if in.Name == "" {
		q.message = fmt.Sprintf("Create an image in %s: which snapshot should it boot from?", zone)
	}
	if len(choices) > maxSnapshotChoices {
		q.message += fmt.Sprintf(" (the %d newest of %d)", maxSnapshotChoices, len(choices))
		choices = choices[:maxSnapshotChoices]
	}
	properties := map[string]any{
		"snapshot": map[string]any{"type": "string", "title": "Snapshot", "oneOf": choices},
	}
	required := []string{"snapshot"}
	if in.Arch == "" {
		arches := make([]string, len(scaleway.Arches))
		for i, a := range scaleway.Arches {
			arches[i] = string(a)
		}
		properties["arch"] = map[string]any{"type": "string", "title": "CPU architecture of its system", "enum": arches, "default": string(scaleway.ArchX86_64)}
		required = append(required, "arch")
	}
	q.schema = map[string]any{"type": "object", "properties": properties, "required": required}
	return &inputRequired{q: q}
}

// checkAllBut checks in as the client will, but for its missing
// root_volume, and its arch too when the user is to be asked for it.
func checkAllBut(in CreateImageInput, archAsked bool) error {
	in.RootVolume = "00000000-0000-4000-8000-000000000000"
	if archAsked && in.Arch == "" {
		in.Arch = string(scaleway.ArchX86_64)
	}
	if err := createRequest(in).Validate(); err != nil {
		return fmt.Errorf("creating image: %w", err)
	}
	return nil
}

// waitForImage polls the image until it leaves "creating", the timeout
// passes or the server begins to shut down (results, not errors: the
// image exists), or ctx is cancelled (at once). It reports progress when
// the client asked for it.
func (d *Deps) waitForImage(ctx context.Context, c *call, zone scaleway.Zone, img *scaleway.Image, timeout time.Duration) (CreateImageOutput, error) {
	start := time.Now()
	interval := d.WaitPollInterval
	if interval <= 0 {
		interval = defaultWaitPollInterval
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	progress := newProgress(c.req, timeout)
	for {
		progress.report(ctx, time.Since(start), fmt.Sprintf("image %s is %s", img.ID, img.State))
		select {
		case <-ctx.Done():
			return CreateImageOutput{}, fmt.Errorf("waiting for image %s stopped: %w; the image exists, check it with %s", img.ID, ctx.Err(), GetImageTool)
		case <-deadline.C:
			out := unfinishedWait(img, start, "the wait timed out")
			out.WaitTimedOut = true
			return out, nil
		case <-d.Stopping:
			out := unfinishedWait(img, start, "the server is shutting down")
			out.WaitInterrupted = true
			return out, nil
		case <-ticker.C:
		}
		current, resp, err := d.Client.GetImage(ctx, zone, img.ID)
		c.observe(resp)
		if err != nil {
			return CreateImageOutput{}, fmt.Errorf("waiting for image %s: %w", img.ID, err)
		}
		img = current
		if img.State != scaleway.ImageStateCreating {
			progress.report(ctx, time.Since(start), fmt.Sprintf("image %s is %s", img.ID, img.State))
			return CreateImageOutput{Image: newImage(img), Waited: true, WaitSeconds: seconds(time.Since(start))}, nil
		}
	}
}

// unfinishedWait is the result of a wait that ended while the image was
// still being made, for a reason that is not the caller's: the image
// exists, and next_step tells the model how to learn how it ends.
func unfinishedWait(img *scaleway.Image, start time.Time, why string) CreateImageOutput {
	return CreateImageOutput{
		Image: newImage(img), Waited: true, WaitSeconds: seconds(time.Since(start)),
		NextStep: fmt.Sprintf("Image %s exists and is still %s, but %s; check it later with %s and image_id %s.", img.ID, img.State, why, GetImageTool, img.ID),
	}
}

func seconds(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

// progress sends MCP progress notifications when the call carried a
// progress token, and does nothing otherwise.
type progress struct {
	req   *mcp.CallToolRequest
	token any
	total float64
}

func newProgress(req *mcp.CallToolRequest, timeout time.Duration) *progress {
	p := &progress{req: req, total: timeout.Seconds()}
	if req != nil && req.Params != nil {
		p.token = req.Params.GetProgressToken()
	}
	return p
}

func (p *progress) report(ctx context.Context, elapsed time.Duration, message string) {
	if p.token == nil || p.req.Session == nil {
		return
	}
	// A lost notification must not fail the call; the result still comes.
	_ = p.req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
		ProgressToken: p.token,
		Progress:      elapsed.Seconds(),
		Total:         p.total,
		Message:       message,
	})
}

// generatedName is img-<8 hex digits>, like the SDKs' img-<words> names:
// unique enough to tell images apart, and obviously generated.
func generatedName() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("img-%x", b)
}
