package scaleway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/shorten"
)

// imagesPath is the collection path of a zone; the zone must already be
// validated, and ids are validated and escaped before being appended.
func imagesPath(zone Zone) string {
	return "/instance/v1/zones/" + url.PathEscape(string(zone)) + "/images"
}

func imagePath(zone Zone, id string) string {
	return imagesPath(zone) + "/" + url.PathEscape(id)
}

// query encodes the filters that are set, as the official SDKs do.
func (r *ListImagesRequest) query() url.Values {
	q := url.Values{}
	if r == nil {
		return q
	}
	setQuery(q, "organization", r.Organization)
	setQuery(q, "project", r.Project)
	setQuery(q, "name", r.Name)
	setQuery(q, "arch", r.Arch)
	setQuery(q, "tags", r.Tags)
	if r.Public != nil {
		q.Set("public", strconv.FormatBool(*r.Public))
	}
	setPage(q, "page", r.Page, "per_page", r.PerPage)
	return q
}

// ListImages returns one page of the zone's images. TotalCount is read from
// X-Total-Count; a value that is not a count (see maxTotalCount) fails the
// call.
func (c *Client) ListImages(ctx context.Context, zone Zone, r *ListImagesRequest) (*ListImagesResponse, *Response, error) {
	if err := checkList(zone, r); err != nil {
		return nil, nil, fmt.Errorf("listing images: %w", err)
	}
	return c.listImages(ctx, zone, r)
}

// listImages is ListImages once its arguments are checked.
func (c *Client) listImages(ctx context.Context, zone Zone, r *ListImagesRequest) (*ListImagesResponse, *Response, error) {
	return listCounted[ListImagesResponse](ctx, c, "list_images", "images", zone, imagesPath(zone), r)
}

// listRequest is the filters and page of a list call.
type listRequest interface {
	Validate() error
	query() url.Values
	pageSize() int // the most items a page may hold
}

// listPage is a decoded page of a list call.
type listPage interface{ items() int }

// countedPage is a page of a list the Instance API counts in
// X-Total-Count, which the page keeps.
type countedPage interface {
	listPage
	setTotalCount(uint32)
}

func (p *ListImagesResponse) setTotalCount(n uint32)    { p.TotalCount = n }
func (p *ListSnapshotsResponse) setTotalCount(n uint32) { p.TotalCount = n }

// listCounted makes one list call of an Instance API collection, whose
// zone and filters are checked, and keeps its X-Total-Count in the page.
func listCounted[P any, PP interface {
	*P
	countedPage
}](ctx context.Context, c *Client, route, what string, zone Zone, path string, r listRequest) (*P, *Response, error) {
	var page P
	total, resp, err := c.list(ctx, route, what, zone, path, r, PP(&page))
	if err != nil {
		return nil, resp, err
	}
	PP(&page).setTotalCount(total)
	return &page, resp, nil
}

func (p *ListImagesResponse) items() int         { return len(p.Images) }
func (p *ListSnapshotsResponse) items() int      { return len(p.Snapshots) }
func (p *ListBlockSnapshotsResponse) items() int { return len(p.Snapshots) }

func (r *ListImagesRequest) pageSize() int {
	if r == nil {
		return MaxPerPage
	}
	return pageSize(r.PerPage)
}

func (r *ListSnapshotsRequest) pageSize() int {
	if r == nil {
		return MaxPerPage
	}
	return pageSize(r.PerPage)
}

func (r *ListBlockSnapshotsRequest) pageSize() int {
	if r == nil {
		return MaxPerPage
	}
	return pageSize(r.PageSize)
}

// pageSize is the size asked, or the most any page holds when none was:
// the APIs' default is less.
func pageSize(asked *uint32) int {
	if asked == nil {
		return MaxPerPage
	}
	return int(*asked)
}

// list makes one list call of zone, whose zone and filters are checked:
// it decodes the page into page, and returns X-Total-Count (0 when the
// answer has none, as the Block API's).
//
// A page holding more items than it was asked for is an upstream error:
// the API never does it, and a hostile upstream would use it to make one
// call hold as much as the answer cap allows.
func (c *Client) list(ctx context.Context, route, what string, zone Zone, path string, r listRequest, page listPage) (uint32, *Response, error) {
	req, err := c.newRequest(route, http.MethodGet, path, r.query(), nil)
	if err != nil {
		return 0, nil, fmt.Errorf("listing %s: %w", what, err)
	}
	resp, err := c.do(ctx, req, page)
	if err != nil {
		return 0, resp, fmt.Errorf("listing %s in %s: %w", what, zone, err)
	}
	if n, most := page.items(), r.pageSize(); n > most {
		return 0, resp, fmt.Errorf("listing %s in %s: %w", what, zone, &Error{
			Type: TypeUnknown, StatusCode: resp.StatusCode, RequestID: resp.RequestID,
			Message: fmt.Sprintf("a page of %d %s where at most %d were asked for, which Scaleway's own API never sends: check that SCW_API_URL (or --api-url) points at it", n, what, most),
		})
	}
	total, err := totalCount(resp)
	if err != nil {
		return 0, resp, fmt.Errorf("listing %s in %s: %w", what, zone, err)
	}
	return total, resp, nil
}

// maxTotalCount is the largest X-Total-Count believed: far more images or
// snapshots than any account holds. A larger one (or one that is not a
// count) comes from a broken API or proxy, and a walk of every page must
// not plan on it.
const maxTotalCount = 1_000_000

// totalCount reads the Instance API's X-Total-Count; 0 when it is absent.
func totalCount(resp *Response) (uint32, error) {
	raw := resp.Header.Get("X-Total-Count")
	if raw == "" {
		return 0, nil
	}
	total, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || total > maxTotalCount {
		return 0, &Error{
			Type: TypeUnknown, StatusCode: resp.StatusCode, RequestID: resp.RequestID,
			Message: fmt.Sprintf("an invalid X-Total-Count header %q (not a whole number from 0 to %d), which Scaleway's own API never sends: check that SCW_API_URL (or --api-url) points at it, not at a broken proxy", shorten.To(raw, 64), maxTotalCount),
		}
	}
	return uint32(total), nil
}

// imageEnvelope is the body of every single-image answer.
type imageEnvelope struct {
	Image *Image `json:"image"`
}

// GetImage returns one image.
func (c *Client) GetImage(ctx context.Context, zone Zone, imageID string) (*Image, *Response, error) {
	if err := CheckPath(zone, "image_id", imageID); err != nil {
		return nil, nil, fmt.Errorf("getting image: %w", err)
	}
	return c.getImage(ctx, zone, imageID)
}

// getImage is GetImage once its arguments are checked.
func (c *Client) getImage(ctx context.Context, zone Zone, imageID string) (*Image, *Response, error) {
	req, err := c.newRequest("get_image", http.MethodGet, imagePath(zone, imageID), nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("getting image: %w", err)
	}
	return c.doImage(ctx, req, "getting image "+imageID)
}

// CreateImage creates an image from snapshots. A request that names
// neither a project nor an organization (an empty string names none) goes
// to the default project, else the default organization (see
// WithDefaultProject), as in the Scaleway SDKs; r itself is not changed.
// It is never retried once the request may have reached the API, so it
// creates at most one image. Once the request is sent, cancelling ctx no
// longer stops the call (ctx's deadline still does): it waits for the
// answer and returns it, so that the caller knows whether the image was
// created.
func (c *Client) CreateImage(ctx context.Context, zone Zone, r *CreateImageRequest) (*Image, *Response, error) {
	body := c.withOwner(*r)
	if err := errors.Join(CheckZone(zone), body.Validate()); err != nil {
		return nil, nil, fmt.Errorf("creating image: %w", err)
	}
	req, err := c.newRequest("create_image", http.MethodPost, imagesPath(zone), nil, &body)
	if err != nil {
		return nil, nil, fmt.Errorf("creating image: %w", err)
	}
	return c.doImage(ctx, req, "creating image")
}

// withOwner is r owned as CreateImage says. The API wants exactly one of
// project and organization.
func (c *Client) withOwner(r CreateImageRequest) CreateImageRequest {
	if r.Project != nil && *r.Project == "" {
		r.Project = nil
	}
	if r.Organization != nil && *r.Organization == "" {
		r.Organization = nil
	}
	switch {
	case r.Project != nil || r.Organization != nil:
	case c.defaultProject != "":
		r.Project = &c.defaultProject
	case c.defaultOrganization != "":
		r.Organization = &c.defaultOrganization
	}
	return r
}

// SetImage replaces every property of an image (PUT). Whatever r leaves
// empty is reset; build r with SetImageRequestFrom to keep the rest, or
// use ReplaceImage. r's zone and id, when empty, are set to the path's.
// As for every write, once the request is sent cancelling ctx no longer
// stops the call (see CreateImage).
func (c *Client) SetImage(ctx context.Context, zone Zone, id string, r *SetImageRequest) (*Image, *Response, error) {
	if err := errors.Join(CheckPath(zone, "id", id), r.Validate(), r.matchPath(zone, id)); err != nil {
		return nil, nil, fmt.Errorf("replacing image: %w", err)
	}
	return c.setImage(ctx, zone, id, r)
}

// setImage is SetImage once its arguments are checked.
func (c *Client) setImage(ctx context.Context, zone Zone, id string, r *SetImageRequest) (*Image, *Response, error) {
	req, err := c.newRequest("set_image", http.MethodPut, imagePath(zone, id), nil, r)
	if err != nil {
		return nil, nil, fmt.Errorf("replacing image: %w", err)
	}
	return c.doImage(ctx, req, "replacing image "+id)
}

// UpdateImage changes the fields of r that are set (PATCH). Once the
// request is sent, cancelling ctx no longer stops the call (see
// CreateImage).
func (c *Client) UpdateImage(ctx context.Context, zone Zone, imageID string, r *UpdateImageRequest) (*Image, *Response, error) {
	if err := errors.Join(CheckPath(zone, "image_id", imageID), r.Validate()); err != nil {
		return nil, nil, fmt.Errorf("updating image: %w", err)
	}
	req, err := c.newRequest("update_image", http.MethodPatch, imagePath(zone, imageID), nil, r)
	if err != nil {
		return nil, nil, fmt.Errorf("updating image: %w", err)
	}
	return c.doImage(ctx, req, "updating image "+imageID)
}

// DeleteImage deletes an image. Its snapshots are kept (and still billed).
// Once the request is sent, cancelling ctx no longer stops the call (see
// CreateImage).
func (c *Client) DeleteImage(ctx context.Context, zone Zone, imageID string) (*Response, error) {
	if err := CheckPath(zone, "image_id", imageID); err != nil {
		return nil, fmt.Errorf("deleting image: %w", err)
	}
	req, err := c.newRequest("delete_image", http.MethodDelete, imagePath(zone, imageID), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("deleting image: %w", err)
	}
	resp, err := c.do(ctx, req, nil)
	if err != nil {
		return resp, fmt.Errorf("deleting image %s: %w", imageID, err)
	}
	return resp, nil
}

func (c *Client) doImage(ctx context.Context, req *request, action string) (*Image, *Response, error) {
	var body imageEnvelope
	resp, err := c.do(ctx, req, &body)
	if err != nil {
		return nil, resp, fmt.Errorf("%s: %w", action, err)
	}
	if body.Image == nil {
		return nil, resp, fmt.Errorf("%s: %w", action, missing(resp, "an image"))
	}
	return body.Image, resp, nil
}

// missing is the error of a 2xx answer that lacks what it should hold.
func missing(resp *Response, what string) *Error {
	return &Error{Type: TypeUnknown, Message: "an answer without " + what, StatusCode: resp.StatusCode, RequestID: resp.RequestID}
}
