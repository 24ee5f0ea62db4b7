package scalewaytest

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// Page sizes of the Instance API's list calls, and the highest page
// number a query may ask for.
const (
	defaultPerPage = 50
	maxPerPage     = 100
	maxPage        = math.MaxInt32
)

// argumentErrors collects the details of one 400 answer, so that a caller
// learns about every bad argument at once.
type argumentErrors []scaleway.ErrorDetail

func (errs *argumentErrors) add(detail scaleway.ErrorDetail) { *errs = append(*errs, detail) }

// err returns the 400 answer, or nil when every argument was fine.
func (errs argumentErrors) err() *scaleway.Error {
	if len(errs) == 0 {
		return nil
	}
	return invalidArguments(errs...)
}

// pageRequest is a validated page and page size.
type pageRequest struct{ page, perPage int }

func parsePage(query url.Values, errs *argumentErrors) pageRequest {
	return pageRequest{
		page:    intArgument(query, "page", 1, 1, maxPage, errs),
		perPage: intArgument(query, "per_page", defaultPerPage, 1, maxPerPage, errs),
	}
}

// intArgument reads an optional integer query argument within [low, high].
func intArgument(query url.Values, name string, fallback, low, high int, errs *argumentErrors) int {
	raw := query.Get(name)
	if raw == "" {
		return fallback
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		errs.add(badArgument(name, "format", "must be an integer"))
		return fallback
	}
	if n < low || n > high {
		errs.add(badArgument(name, "constraint", fmt.Sprintf("must be between %d and %d", low, high)))
		return fallback
	}
	return n
}

// uuidArgument reads an optional UUID query argument.
func uuidArgument(query url.Values, name string, errs *argumentErrors) string {
	raw := query.Get(name)
	if raw != "" && !scaleway.IsUUID(raw) {
		errs.add(badArgument(name, "format", "must be a UUID"))
	}
	return raw
}

// boolArgument reads an optional boolean query argument. Case does not
// matter: the Python SDK sends "True" and "False".
func boolArgument(query url.Values, name string, errs *argumentErrors) *bool {
	raw := query.Get(name)
	if raw == "" {
		return nil
	}
	b, err := strconv.ParseBool(strings.ToLower(raw))
	if err != nil {
		errs.add(badArgument(name, "format", "must be true or false"))
		return nil
	}
	return &b
}

// containsFold reports whether s contains substr, ignoring case: the name
// filters of the API are not exact (the Terraform provider re-filters).
func containsFold(s, substr string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(substr))
}

// writePage answers a list call the legacy Instance way: the body holds only
// the page's items under key, the total is in X-Total-Count and the other
// pages are in Link. A page past the end is an empty list, not an error.
func writePage[T any](w http.ResponseWriter, r *http.Request, key string, items []T, page pageRequest) {
	w.Header().Set("X-Total-Count", strconv.Itoa(len(items)))
	w.Header().Set("Link", linkHeader(r.URL, len(items), page))
	start := min((page.page-1)*page.perPage, len(items))
	end := min(start+page.perPage, len(items))
	writeJSON(w, http.StatusOK, map[string][]T{key: append([]T{}, items[start:end]...)})
}

// linkHeader lists the first, previous, next and last pages (those that
// apply) as the API writes them (recorded): relative to the zone
// ("</images?...>"), page and per_page first, even when the request had
// neither, then the request's other parameters as it sent them, and
// rel="last" alone for a single page. The trailing "&" of a request
// without filters is the API's too (recorded on other Instance lists).
func linkHeader(u *url.URL, total int, page pageRequest) string {
	last := max(1, (total+page.perPage-1)/page.perPage)
	collection := u.EscapedPath()[strings.LastIndex(u.EscapedPath(), "/"):]
	var filters []string
	for _, pair := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if pair != "" && name != "page" && name != "per_page" {
			filters = append(filters, pair)
		}
	}
	var links []string
	link := func(target int, rel string) {
		links = append(links, fmt.Sprintf("<%s?page=%d&per_page=%d&%s>; rel=%q", collection, target, page.perPage, strings.Join(filters, "&"), rel))
	}
	if page.page > 1 {
		link(1, "first")
		link(min(page.page-1, last), "previous")
	}
	if page.page < last {
		link(page.page+1, "next")
	}
	link(last, "last")
	return strings.Join(links, ",")
}
