package rest

import (
	"fmt"
	"regexp"
	"strings"
)

// linkEntry matches one RFC 5988 link of the API's Link header, such as
// </images?page=2&per_page=50>; rel="next".
var linkEntry = regexp.MustCompile(`<([^>]*)>\s*;\s*rel="?([A-Za-z]+)"?`)

// rewriteLinks keeps upstream's links (first, previous, next, last: which
// pages exist is upstream's to say) but points them at ownPath, the
// adapter's path of the same list, so that a client can follow them.
func rewriteLinks(upstream, ownPath string) string {
	var links []string
	for _, m := range linkEntry.FindAllStringSubmatch(upstream, -1) {
		target := ownPath
		if _, query, ok := strings.Cut(m[1], "?"); ok && query != "" {
			target += "?" + query
		}
		links = append(links, fmt.Sprintf("<%s>; rel=%q", target, m[2]))
	}
	return strings.Join(links, ",")
}
