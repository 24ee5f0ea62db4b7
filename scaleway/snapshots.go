package scaleway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	if err := checkZoneAndID(zone, "snapshot_id", snapshotID); err != nil {
		return nil, nil, fmt.Errorf("getting snapshot: %w", err)
	}
	req, err := c.newRequest(http.MethodGet, snapshotsPath(zone)+"/"+url.PathEscape(snapshotID), nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("getting snapshot: %w", err)
	}
	var body struct {
		Snapshot *Snapshot `json:"snapshot"`
	}
	resp, err := c.do(ctx, req, &body)
	if err == nil && body.Snapshot == nil {
		err = &Error{Type: ErrUnknown, Message: "an answer without a snapshot", StatusCode: resp.StatusCode, RequestID: resp.RequestID}
	}
	if err != nil {
		return nil, resp, fmt.Errorf("getting snapshot %s: %w", snapshotID, err)
	}
	return body.Snapshot, resp, nil
}

// ListSnapshots returns one page of the zone's Instance snapshots.
// TotalCount is read from X-Total-Count.
func (c *Client) ListSnapshots(ctx context.Context, zone Zone, r *ListSnapshotsRequest) (*ListSnapshotsResponse, *Response, error) {
	if _, err := ParseZone(string(zone)); err != nil {
		return nil, nil, fmt.Errorf("listing snapshots: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, nil, fmt.Errorf("listing snapshots: %w", err)
	}
	req, err := c.newRequest(http.MethodGet, snapshotsPath(zone), r.query(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("listing snapshots: %w", err)
	}
	var page ListSnapshotsResponse
	resp, err := c.do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("listing snapshots in %s: %w", zone, err)
	}
	if total, err := strconv.ParseUint(resp.Header.Get("X-Total-Count"), 10, 32); err == nil {
		page.TotalCount = uint32(total)
	}
	return &page, resp, nil
}

// GetBlockSnapshot returns one Block Storage snapshot, as the Block API
// writes it (not wrapped in an envelope).
func (c *Client) GetBlockSnapshot(ctx context.Context, zone Zone, snapshotID string) (*BlockSnapshot, *Response, error) {
	if err := checkZoneAndID(zone, "snapshot_id", snapshotID); err != nil {
		return nil, nil, fmt.Errorf("getting block snapshot: %w", err)
	}
	req, err := c.newRequest(http.MethodGet, blockSnapshotsPath(zone)+"/"+url.PathEscape(snapshotID), nil, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("getting block snapshot: %w", err)
	}
	var snap BlockSnapshot
	resp, err := c.do(ctx, req, &snap)
	if err == nil && snap.ID == "" {
		err = &Error{Type: ErrUnknown, Message: "an answer without a snapshot", StatusCode: resp.StatusCode, RequestID: resp.RequestID}
	}
	if err != nil {
		return nil, resp, fmt.Errorf("getting block snapshot %s: %w", snapshotID, err)
	}
	return &snap, resp, nil
}

// ListBlockSnapshots returns one page of the zone's Block Storage
// snapshots; the Block API counts them in the body.
func (c *Client) ListBlockSnapshots(ctx context.Context, zone Zone, r *ListBlockSnapshotsRequest) (*ListBlockSnapshotsResponse, *Response, error) {
	if _, err := ParseZone(string(zone)); err != nil {
		return nil, nil, fmt.Errorf("listing block snapshots: %w", err)
	}
	if err := r.Validate(); err != nil {
		return nil, nil, fmt.Errorf("listing block snapshots: %w", err)
	}
	req, err := c.newRequest(http.MethodGet, blockSnapshotsPath(zone), r.query(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("listing block snapshots: %w", err)
	}
	var page ListBlockSnapshotsResponse
	resp, err := c.do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("listing block snapshots in %s: %w", zone, err)
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

// Validate checks the filters and page before anything is sent.
func (r *ListSnapshotsRequest) Validate() error {
	if r == nil {
		return nil
	}
	errs := []error{
		checkOptionalUUID("organization", r.Organization),
		checkOptionalUUID("project", r.Project),
		checkOptionalUUID("base_volume_id", r.BaseVolumeID),
		checkPage("page", r.Page, "per_page", r.PerPage),
	}
	if r.Name != nil {
		errs = append(errs, checkText("name", *r.Name, maxFilterLength))
	}
	if r.Tags != nil {
		errs = append(errs, checkText("tags", *r.Tags, MaxTags*MaxTagLength))
	}
	return errors.Join(errs...)
}

// Validate checks the filters and page before anything is sent.
func (r *ListBlockSnapshotsRequest) Validate() error {
	if r == nil {
		return nil
	}
	errs := []error{
		checkOptionalUUID("project_id", r.ProjectID),
		checkOptionalUUID("organization_id", r.OrganizationID),
		checkOptionalUUID("volume_id", r.VolumeID),
		checkTags("tags", r.Tags),
		checkPage("page", r.Page, "page_size", r.PageSize),
	}
	if r.Name != nil {
		errs = append(errs, checkText("name", *r.Name, maxFilterLength))
	}
	if r.OrderBy != nil && !slices.Contains(BlockSnapshotOrders, *r.OrderBy) {
		errs = append(errs, &ValidationError{Field: "order_by", Kind: KindConstraint, Value: *r.OrderBy, Reason: fmt.Sprintf("is not an order; use one of %v", BlockSnapshotOrders)})
	}
	return errors.Join(errs...)
}
