package rest

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// callContext is the request's context, carrying the caller's own
// X-Auth-Token when it sent one: that key then replaces the server's for
// this call.
func callContext(r *http.Request) context.Context {
	if key := r.Header.Get("X-Auth-Token"); key != "" {
		return scaleway.ContextWithSecretKey(r.Context(), key)
	}
	return r.Context()
}

func (s *server) listImages(w http.ResponseWriter, r *http.Request) {
	zone, zoneErr := scaleway.ParseZone(r.PathValue("zone"))
	req, queryErr := parseListQuery(r.URL.Query())
	if err := errors.Join(zoneErr, queryErr, req.Validate()); err != nil {
		writeFailure(w, err)
		return
	}
	page, resp, err := s.opts.Client.ListImages(callContext(r), zone, req)
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

func (s *server) createImage(w http.ResponseWriter, r *http.Request) {
	zone, zoneErr := scaleway.ParseZone(r.PathValue("zone"))
	var req scaleway.CreateImageRequest
	if err := decodeBody(r, &req); err != nil {
		writeFailure(w, errors.Join(zoneErr, err))
		return
	}
	s.fillOwner(&req)
	if err := errors.Join(zoneErr, req.Validate()); err != nil {
		writeFailure(w, err)
		return
	}
	img, resp, err := s.opts.Client.CreateImage(callContext(r), zone, &req)
	if err != nil {
		writeFailure(w, err)
		return
	}
	passRequestID(w, resp)
	w.Header().Set("Location", requestOrigin(r)+imagePath(zone, img.ID))
	writeJSON(w, http.StatusCreated, imageAnswer{img})
}

// fillOwner gives an image created without project or organization to the
// default project, else the default organization, as the Scaleway SDKs do.
// An empty string counts as absent, so that only one of the two is sent.
func (s *server) fillOwner(req *scaleway.CreateImageRequest) {
	if req.Project != nil && *req.Project == "" {
		req.Project = nil
	}
	if req.Organization != nil && *req.Organization == "" {
		req.Organization = nil
	}
	switch {
	case req.Project != nil || req.Organization != nil:
	case s.opts.DefaultProject != "":
		project := s.opts.DefaultProject
		req.Project = &project
	case s.opts.DefaultOrganization != "":
		organization := s.opts.DefaultOrganization
		req.Organization = &organization
	}
}

func (s *server) setImage(w http.ResponseWriter, r *http.Request) {
	zone, id, req, err := pathAndBody[scaleway.SetImageRequest](r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	img, resp, err := s.opts.Client.SetImage(callContext(r), zone, id, req)
	s.writeImage(w, img, resp, err)
}

func (s *server) getImage(w http.ResponseWriter, r *http.Request) {
	zone, id, err := pathArguments(r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	img, resp, err := s.opts.Client.GetImage(callContext(r), zone, id)
	s.writeImage(w, img, resp, err)
}

func (s *server) updateImage(w http.ResponseWriter, r *http.Request) {
	zone, id, req, err := pathAndBody[scaleway.UpdateImageRequest](r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	img, resp, err := s.opts.Client.UpdateImage(callContext(r), zone, id, req)
	s.writeImage(w, img, resp, err)
}

// pathAndBody reads the zone and id of the path and a JSON body of type T,
// and validates them all, so that one answer names every bad field.
func pathAndBody[T any, PT interface {
	*T
	Validate() error
}](r *http.Request) (scaleway.Zone, string, PT, error) {
	zone, id, pathErr := pathArguments(r)
	req := PT(new(T))
	if err := decodeBody(r, req); err != nil {
		return "", "", nil, errors.Join(pathErr, err)
	}
	if err := errors.Join(pathErr, req.Validate()); err != nil {
		return "", "", nil, err
	}
	return zone, id, req, nil
}

func (s *server) deleteImage(w http.ResponseWriter, r *http.Request) {
	zone, id, err := pathArguments(r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	resp, err := s.opts.Client.DeleteImage(callContext(r), zone, id)
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

// pathArguments checks the zone and image id of the path, reporting both
// when both are wrong.
func pathArguments(r *http.Request) (scaleway.Zone, string, error) {
	zone, zoneErr := scaleway.ParseZone(r.PathValue("zone"))
	id := r.PathValue("image_id")
	return zone, id, errors.Join(zoneErr, scaleway.ValidateUUID(idField(r.Method), id))
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
