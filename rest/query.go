package rest

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// parseListQuery reads Scaleway's list parameters. It only parses: the
// rules (UUIDs, arch, page bounds) are the client's, applied by Validate.
// An empty parameter counts as absent, as the SDKs never send one.
func parseListQuery(q url.Values) (*scaleway.ListImagesRequest, error) {
	req := &scaleway.ListImagesRequest{
		Organization: optional(q, "organization"),
		Project:      optional(q, "project"),
		Name:         optional(q, "name"),
		Arch:         optional(q, "arch"),
		Tags:         optional(q, "tags"),
	}
	var errs []error
	if raw := optional(q, "public"); raw != nil {
		// The Python SDK sends True and False.
		public, err := strconv.ParseBool(strings.ToLower(*raw))
		if err != nil {
			errs = append(errs, &scaleway.ValidationError{Field: "public", Kind: scaleway.KindFormat, Value: *raw, Reason: "is not a boolean (true or false)"})
		} else {
			req.Public = &public
		}
	}
	if raw := optional(q, "page"); raw != nil {
		if n, err := strconv.ParseInt(*raw, 10, 64); err != nil {
			errs = append(errs, notInteger("page", *raw))
		} else {
			page := int32(min(max(n, math.MinInt32), math.MaxInt32))
			req.Page = &page
		}
	}
	if raw := optional(q, "per_page"); raw != nil {
		if n, err := strconv.ParseInt(*raw, 10, 64); err != nil {
			errs = append(errs, notInteger("per_page", *raw))
		} else {
			// Saturating keeps an out-of-range number out of range, so
			// that Validate reports the bounds rather than wrapping.
			perPage := uint32(min(max(n, 0), math.MaxUint32))
			req.PerPage = &perPage
		}
	}
	return req, errors.Join(errs...)
}

func optional(q url.Values, name string) *string {
	if v := q.Get(name); v != "" {
		return &v
	}
	return nil
}

func notInteger(field, raw string) error {
	return &scaleway.ValidationError{Field: field, Kind: scaleway.KindFormat, Value: raw, Reason: "is not an integer"}
}
