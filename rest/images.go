package rest

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// The handlers only parse: the client checks every call's zone, id and
// body, and reports every problem at once. A request that does not parse
// is refused here without calling the client; its answer then names the
// zone's and id's problems too, by the client's own checks, so that it
// still lists every problem.

func (s *server) listImages(w http.ResponseWriter, r *http.Request) {
	zone := scaleway.Zone(r.PathValue("zone"))
	req, err := parseListQuery(r.URL.Query())
	if err != nil {
		writeFailure(w, errors.Join(scaleway.CheckZone(zone), err, req.Validate()))
		return
	}
	page, resp, err := s.opts.Client.ListImages(scaleway.CallerContext(r), zone, req)
	if err != nil {
		writeFailure(w, err)
		return
	}
	passRequestID(w, resp)
	if total := resp.Header.Get("X-Total-Count"); total != "" {
		w.Header().Set("X-Total-Count", total)
	}
	if links := rewriteLinks(resp.Header.Get("Link"), r.URL.EscapedPath()); links != "" {
		w.Header().Set("Link", links)
	}
	images := page.Images
	if images == nil {
		images = []*scaleway.Image{}
	}
	writeJSON(w, http.StatusOK, listAnswer{images})
}

// createImage creates the image the body describes. One that names no
// owner goes to the client's default project or organization.
func (s *server) createImage(w http.ResponseWriter, r *http.Request) {
	zone := scaleway.Zone(r.PathValue("zone"))
	var req scaleway.CreateImageRequest
	if err := decodeBody(r, &req); err != nil {
		writeFailure(w, errors.Join(scaleway.CheckZone(zone), err))
		return
	}
	img, resp, err := s.opts.Client.CreateImage(scaleway.CallerContext(r), zone, &req)
	if err != nil {
		writeFailure(w, err)
		return
	}
	passRequestID(w, resp)
	w.Header().Set("Location", requestOrigin(r)+imagePath(zone, img.ID))
	writeJSON(w, http.StatusCreated, imageAnswer{img})
}

func (s *server) setImage(w http.ResponseWriter, r *http.Request) {
	zone, id, req, err := pathAndBody[scaleway.SetImageRequest](r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	img, resp, err := s.opts.Client.SetImage(scaleway.CallerContext(r), zone, id, req)
	s.writeImage(w, img, resp, err)
}

func (s *server) getImage(w http.ResponseWriter, r *http.Request) {
	zone, id := pathArguments(r)
	img, resp, err := s.opts.Client.GetImage(scaleway.CallerContext(r), zone, id)
	s.writeImage(w, img, resp, err)
}

func (s *server) updateImage(w http.ResponseWriter, r *http.Request) {
	zone, id, req, err := pathAndBody[scaleway.UpdateImageRequest](r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	img, resp, err := s.opts.Client.UpdateImage(scaleway.CallerContext(r), zone, id, req)
	s.writeImage(w, img, resp, err)
}

// pathAndBody reads the zone and id of the path and a JSON body of type T.
func pathAndBody[T any](r *http.Request) (scaleway.Zone, string, *T, error) {
	zone, id := pathArguments(r)
	req := new(T)
	if err := decodeBody(r, req); err != nil {
		return "", "", nil, errors.Join(scaleway.CheckPath(zone, idField(r.Method), id), err)
	}
	return zone, id, req, nil
}

func (s *server) deleteImage(w http.ResponseWriter, r *http.Request) {
	zone, id := pathArguments(r)
	resp, err := s.opts.Client.DeleteImage(scaleway.CallerContext(r), zone, id)
	if err != nil {
		writeFailure(w, err)
		return
	}
	passRequestID(w, resp)
	// The API keeps its Content-Type on the empty 204.
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) writeImage(w http.ResponseWriter, img *scaleway.Image, resp *scaleway.Response, err error) {
	if err != nil {
		writeFailure(w, err)
		return
	}
	passRequestID(w, resp)
	writeJSON(w, http.StatusOK, imageAnswer{img})
}

// pathArguments are the zone and image id of the path, as written.
func pathArguments(r *http.Request) (scaleway.Zone, string) {
	return scaleway.Zone(r.PathValue("zone")), r.PathValue("image_id")
}

// imagePath is the adapter's path of one image.
func imagePath(zone scaleway.Zone, id string) string {
	return zonesPrefix + url.PathEscape(string(zone)) + "/images/" + url.PathEscape(id)
}

// requestOrigin is the scheme and host the caller used, for Location.
func requestOrigin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
