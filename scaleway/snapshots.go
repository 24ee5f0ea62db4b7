package scaleway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Images are made from snapshots of two APIs: the Instance API serves
// local (l_ssd) snapshots and the legacy b_ssd and unified ones; the Block
// API serves Block Storage snapshots, which images show as sbs_snapshot.
// Neither API serves the other's: an sbs id is a 404 on the Instance route.

func snapshotsPath(zone Zone) string {
	return "/instance/v1/zones/" + url.PathEscape(string(zone)) + "/snapshots"
}

func blockSnapshotsPath(zone Zone) string {
	return "/block/v1alpha1/zones/" + url.PathEscape(string(zone)) + "/snapshots"
}

// GetSnapshot returns one Instance snapshot.
func (c *Client) GetSnapshot(ctx context.Context, zone Zone, snapshotID string) (*Snapshot, *Response, error) {
	var body struct {
		Snapshot *Snapshot `json:"snapshot"`
	}
	resp, err := c.get(ctx, "get_snapshot", "snapshot", zone, snapshotID, snapshotsPath(zone), &body)
	if err == nil && body.Snapshot == nil {
		err = fmt.Errorf("getting snapshot %s: %w", snapshotID, missing(resp, "a snapshot"))
	}
	if err != nil {
		return nil, resp, err
	}
	return body.Snapshot, resp, nil
}

// ListSnapshots returns one page of the zone's Instance snapshots.
// TotalCount is read from X-Total-Count, as for ListImages.
func (c *Client) ListSnapshots(ctx context.Context, zone Zone, r *ListSnapshotsRequest) (*ListSnapshotsResponse, *Response, error) {
	if err := checkList(zone, r); err != nil {
		return nil, nil, fmt.Errorf("listing snapshots: %w", err)
	}
	return c.listSnapshots(ctx, zone, r)
}

// listSnapshots is ListSnapshots once its arguments are checked.
func (c *Client) listSnapshots(ctx context.Context, zone Zone, r *ListSnapshotsRequest) (*ListSnapshotsResponse, *Response, error) {
	return listCounted[ListSnapshotsResponse](ctx, c, "list_snapshots", "snapshots", zone, snapshotsPath(zone), r)
}

// GetBlockSnapshot returns one Block Storage snapshot, as the Block API
// writes it (not wrapped in an envelope).
func (c *Client) GetBlockSnapshot(ctx context.Context, zone Zone, snapshotID string) (*BlockSnapshot, *Response, error) {
	var snap BlockSnapshot
	resp, err := c.get(ctx, "get_block_snapshot", "block snapshot", zone, snapshotID, blockSnapshotsPath(zone), &snap)
	if err == nil && snap.ID == "" {
		err = fmt.Errorf("getting block snapshot %s: %w", snapshotID, missing(resp, "a snapshot"))
	}
	if err != nil {
		return nil, resp, err
	}
	return &snap, resp, nil
}

// get reads snapshot id of zone from the collection path into out.
func (c *Client) get(ctx context.Context, route, what string, zone Zone, id, collection string, out any) (*Response, error) {
	return c.onSnapshot(ctx, http.MethodGet, "getting", route, what, zone, id, collection, out)
}

// DeleteSnapshot deletes an Instance snapshot (l_ssd, or the legacy b_ssd
// and unified). Once the request is sent, cancelling ctx no longer stops
// the call (see CreateImage).
func (c *Client) DeleteSnapshot(ctx context.Context, zone Zone, snapshotID string) (*Response, error) {
	return c.onSnapshot(ctx, http.MethodDelete, "deleting", "delete_snapshot", "snapshot", zone, snapshotID, snapshotsPath(zone), nil)
}

// DeleteBlockSnapshot deletes a Block Storage snapshot (an image's
// sbs_snapshot volume), through the Block API. Once the request is sent,
// cancelling ctx no longer stops the call (see CreateImage).
func (c *Client) DeleteBlockSnapshot(ctx context.Context, zone Zone, snapshotID string) (*Response, error) {
	return c.onSnapshot(ctx, http.MethodDelete, "deleting", "delete_block_snapshot", "block snapshot", zone, snapshotID, blockSnapshotsPath(zone), nil)
}

// onSnapshot sends method to snapshot id of zone under the collection
// path, decoding the answer into out (nil: no body expected); verb and
// what word its errors ("getting block snapshot ...").
func (c *Client) onSnapshot(ctx context.Context, method, verb, route, what string, zone Zone, id, collection string, out any) (*Response, error) {
	if err := CheckPath(zone, "snapshot_id", id); err != nil {
		return nil, fmt.Errorf("%s %s: %w", verb, what, err)
	}
	req, err := c.newRequest(route, method, collection+"/"+url.PathEscape(id), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", verb, what, err)
	}
	resp, err := c.do(ctx, req, out)
	if err != nil {
		return resp, fmt.Errorf("%s %s %s: %w", verb, what, id, err)
	}
	return resp, nil
}

// ListBlockSnapshots returns one page of the zone's Block Storage
// snapshots; the Block API counts them in the body.
func (c *Client) ListBlockSnapshots(ctx context.Context, zone Zone, r *ListBlockSnapshotsRequest) (*ListBlockSnapshotsResponse, *Response, error) {
	if err := checkList(zone, r); err != nil {
		return nil, nil, fmt.Errorf("listing block snapshots: %w", err)
	}
	return c.listBlockSnapshots(ctx, zone, r)
}

// listBlockSnapshots is ListBlockSnapshots once its arguments are checked.
func (c *Client) listBlockSnapshots(ctx context.Context, zone Zone, r *ListBlockSnapshotsRequest) (*ListBlockSnapshotsResponse, *Response, error) {
	var page ListBlockSnapshotsResponse
	_, resp, err := c.list(ctx, "list_block_snapshots", "block snapshots", zone, blockSnapshotsPath(zone), r, &page)
	if err != nil {
		return nil, resp, err
	}
	return &page, resp, nil
}

// query encodes the filters that are set.
func (r *ListSnapshotsRequest) query() url.Values {
	q := url.Values{}
	if r == nil {
		return q
	}
	setQuery(q, "organization", r.Organization)
	setQuery(q, "project", r.Project)
	setQuery(q, "name", r.Name)
	setQuery(q, "tags", r.Tags)
	setQuery(q, "base_volume_id", r.BaseVolumeID)
	setPage(q, "page", r.Page, "per_page", r.PerPage)
	return q
}

// query encodes the filters that are set; tags repeat, as the Go SDK
// sends a list.
func (r *ListBlockSnapshotsRequest) query() url.Values {
	q := url.Values{}
	if r == nil {
		return q
	}
	setQuery(q, "project_id", r.ProjectID)
	setQuery(q, "organization_id", r.OrganizationID)
	setQuery(q, "volume_id", r.VolumeID)
	setQuery(q, "name", r.Name)
	setQuery(q, "order_by", r.OrderBy)
	for _, tag := range r.Tags {
		q.Add("tags", tag)
	}
	setPage(q, "page", r.Page, "page_size", r.PageSize)
	return q
}

func setQuery(q url.Values, name string, v *string) {
	if v != nil {
		q.Set(name, *v)
	}
}

func setPage(q url.Values, pageName string, page *int32, sizeName string, size *uint32) {
	if page != nil {
		q.Set(pageName, strconv.Itoa(int(*page)))
	}
	if size != nil {
		q.Set(sizeName, strconv.FormatUint(uint64(*size), 10))
	}
}

// BlockSnapshotOrders lists the orders a Block snapshot list accepts.
var BlockSnapshotOrders = []string{"created_at_asc", "created_at_desc", "name_asc", "name_desc"}
