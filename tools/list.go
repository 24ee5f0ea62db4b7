package tools

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// defaultMaxListItems caps all_pages and zone "all" lists when the server
// sets no cap: enough for any real account, small enough for a model.
const defaultMaxListItems = 500

func (d *Deps) listImages(ctx context.Context, c *call, in ListImagesInput) (ListImagesOutput, error) {
	req, page, perPage := listRequest(in)
	if in.Zone == AllZones {
		c.zone = AllZones
		if page != 1 {
			// Every page of every zone is read: a page number would pick
			// from a list that has no order across zones.
			return ListImagesOutput{}, &scaleway.ValidationError{Field: "page", Kind: scaleway.KindConstraint, Value: strconv.Itoa(page),
				Reason: `does not apply with zone "all", which lists every page of every zone (up to the list cap, saying truncated when it cuts); leave page out`}
		}
		return d.listAllZones(ctx, in, req)
	}
	zone := d.zone(c, in.Zone)
	if in.AllPages {
		all, err := d.Client.ListAllImages(ctx, zone, req, d.maxListItems())
		if err != nil {
			return ListImagesOutput{}, err
		}
		return finishList(ListImagesOutput{
			Images:     shapeImages(all.Items, in.Verbose),
			TotalCount: all.TotalCount,
			Page:       1,
			PerPage:    int(*req.PerPage),
			Truncated:  all.Truncated,
		}, in.Verbose), nil
	}
	result, resp, err := d.Client.ListImages(ctx, zone, req)
	c.observe(resp)
	if err != nil {
		return ListImagesOutput{}, err
	}
	out := ListImagesOutput{
		Images:     shapeImages(result.Images, in.Verbose),
		TotalCount: int(result.TotalCount),
		Page:       page,
		PerPage:    perPage,
	}
	if page*perPage < out.TotalCount {
		out.NextPage = page + 1
	}
	return finishList(out, in.Verbose), nil
}

// listAllZones lists every page of every zone, up to the list cap: a page
// per zone would leave rows out with nothing to say so, and a next_page
// across zones has no meaning. truncated says when a cap cut the list.
func (d *Deps) listAllZones(ctx context.Context, in ListImagesInput, req *scaleway.ListImagesRequest) (ListImagesOutput, error) {
	merged, err := d.Client.ListImagesInZones(ctx, scaleway.Zones, req, true, d.maxListItems())
	if err != nil {
		return ListImagesOutput{}, err
	}
	out := ListImagesOutput{
		Images:     shapeImages(merged.Items, in.Verbose),
		TotalCount: merged.TotalCount,
		Page:       1,
		PerPage:    int(*req.PerPage),
		Truncated:  merged.Truncated,
	}
	for _, f := range merged.Failures {
		out.FailedZones = append(out.FailedZones, ZoneFailed{Zone: string(f.Zone), Error: errorText(f.Err)})
	}
	return finishList(out, in.Verbose), nil
}

func (d *Deps) maxListItems() int {
	if d.MaxListItems > 0 {
		return d.MaxListItems
	}
	return defaultMaxListItems
}

// listRequest maps the tool's arguments to the API's filters. public
// defaults to false, as in the scw CLI: "my images" is what people mean.
// Out-of-range page values are passed on for the client to refuse with a
// message naming the field.
func listRequest(in ListImagesInput) (req *scaleway.ListImagesRequest, page, perPage int) {
	page, perPage = 1, defaultPerPage
	if in.Page != 0 {
		page = in.Page
	}
	switch {
	case in.PerPage != 0:
		perPage = in.PerPage
	case in.AllPages, in.Zone == AllZones:
		perPage = scaleway.MaxPerPage // the fewest requests for a walk
	}
	public := false
	if in.Public != nil {
		public = *in.Public
	}
	req = &scaleway.ListImagesRequest{Public: &public, Page: scaleway.PageNumber(int64(page)), PerPage: scaleway.PageSize(int64(perPage))}
	setIf := func(dst **string, v string) {
		if v != "" {
			*dst = &v
		}
	}
	setIf(&req.Organization, in.Organization)
	setIf(&req.Project, in.Project)
	setIf(&req.Name, in.Name)
	setIf(&req.Arch, in.Arch)
	if len(in.Tags) > 0 {
		tags := strings.Join(in.Tags, ",")
		req.Tags = &tags
	}
	return req, page, perPage
}

// shapeImages turns API images into list items: compact rows by default,
// whole objects when verbose.
func shapeImages(images []*scaleway.Image, verbose bool) []ImageItem {
	items := make([]ImageItem, len(images))
	for i, img := range images {
		items[i] = newImageItem(img, verbose)
	}
	return items
}

// finishList names the values of compact rows (verbose objects name their
// own fields) and keeps the list within maxResultBytes: a list cut there
// says truncated. Only an upstream that answers values far beyond the
// API's own (names of megabytes) gets near it.
func finishList(out ListImagesOutput, verbose bool) ListImagesOutput {
	if !verbose {
		out.Columns = ImageColumns
	}
	if images, cut := fitResult(out.Images); cut {
		out.Images, out.Truncated, out.NextPage = images, true, 0
	}
	return out
}

// fitResult keeps the first items whose encodings fit in maxResultBytes,
// and says whether it cut any.
func fitResult[T json.Marshaler](items []T) (kept []T, cut bool) {
	size := 0
	for i, item := range items {
		encoded, _ := item.MarshalJSON()
		if size += len(encoded) + 1; size > maxResultBytes {
			return items[:i], true
		}
	}
	return items, false
}

// formatTime writes a timestamp in RFC 3339 at second precision, "" for
// the zero time: the microseconds mean nothing to a model and cost tokens.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z07:00")
}
