package rest

import (
	"net/http"
	"path"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

const zonesPrefix = "/v1/instance/v1/zones/"

// rejectUncleanPaths answers 400 to paths with ".", ".." or empty segments
// (also when percent-encoded, as %2e%2e), naming the zone or id they sit
// in. net/http's ServeMux would otherwise redirect them to a cleaned path,
// turning an id such as "../x" into another route.
func rejectUncleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkCleanPath(r.Method, r.URL.Path); err != nil {
			writeFailure(w, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func checkCleanPath(method, p string) error {
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if clean == p {
		return nil
	}
	if rest, ok := strings.CutPrefix(p, zonesPrefix); ok {
		segments := strings.Split(rest, "/")
		zone := scaleway.Zone(segments[0])
		err := scaleway.CheckZone(zone)
		if len(segments) > 2 && segments[1] == "images" {
			err = scaleway.CheckPath(zone, idField(method), segments[2])
		}
		if err != nil {
			return err
		}
	}
	return &scaleway.ValidationError{Field: "path", Kind: scaleway.KindFormat, Value: p, Reason: "is not a clean path: it must not hold '.', '..' or empty segments"}
}

// idField names the image id as the API's path template does: PUT's is
// {id}, the others' {image_id}.
func idField(method string) string {
	if method == http.MethodPut {
		return "id"
	}
	return "image_id"
}
