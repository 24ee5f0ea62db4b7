package scalewaytest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// imageAnswer is the body of every answer that carries one image.
type imageAnswer struct {
	Image scaleway.Image `json:"image"`
}

// imageFilter holds the list filters; empty fields do not filter.
type imageFilter struct {
	organization, project, name, arch string
	public                            *bool
	tags                              []string
}

func parseImageFilter(query url.Values, errs *argumentErrors) imageFilter {
	filter := imageFilter{
		organization: uuidArgument(query, "organization", errs),
		project:      uuidArgument(query, "project", errs),
		name:         query.Get("name"),
		// arch is a plain string in the SDKs, not the enum: an unknown
		// value simply matches nothing.
		arch:   query.Get("arch"),
		public: boolArgument(query, "public", errs),
	}
	filter.tags = commaList(query.Get("tags"))
	return filter
}

// commaList splits a comma-separated query value, dropping empty items.
func commaList(raw string) []string {
	var items []string
	for _, item := range strings.Split(raw, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// hasAll reports whether have holds every one of want.
func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// matches tells whether img passes every filter; an image must carry all
// the tags asked for.
func (filter imageFilter) matches(img *scaleway.Image) bool {
	switch {
	case filter.organization != "" && img.Organization != filter.organization,
		filter.project != "" && img.Project != filter.project,
		filter.name != "" && !containsFold(img.Name, filter.name),
		filter.arch != "" && string(img.Arch) != filter.arch,
		filter.public != nil && img.Public != *filter.public:
		return false
	}
	return hasAll(img.Tags, filter.tags)
}

// listImages answers GET .../images. Without the public filter every image
// the caller sees is listed: the marketplace's and the caller's own.
func (f *Fake) listImages(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	query := r.URL.Query()
	var errs argumentErrors
	page := parsePage(query, &errs)
	filter := parseImageFilter(query, &errs)
	if err := errs.err(); err != nil {
		return err
	}
	writePage(w, r, "images", f.store.listImages(zone, filter.matches, f.now()), page)
	return nil
}

func (f *Fake) getImage(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	id, err := pathUUID(r, "image_id")
	if err != nil {
		return err
	}
	img, err := f.store.image(zone, id, f.now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, imageAnswer{img})
	return nil
}

// createImage answers POST .../images: 201, the new image, and its URL in
// Location. Arguments are checked first (400), then the snapshots (404),
// then the quota (403).
func (f *Fake) createImage(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, body []byte) *scaleway.Error {
	var req scaleway.CreateImageRequest
	if err := decodeBody(body, &req); err != nil {
		return err
	}
	var errs argumentErrors
	checkSnapshotReference("root_volume", req.RootVolume, &errs)
	checkArch(req.Arch, true, &errs)
	extras := extraVolumeReferences(req.ExtraVolumes, func(v *scaleway.VolumeTemplate) string { return v.ID }, &errs)
	owner := parseOwner(req.Organization, req.Project, &errs)
	if err := errs.err(); err != nil {
		return err
	}
	now := f.now()
	img, err := f.store.createImage(zone, newImage{
		name: req.Name, arch: req.Arch, rootSnapshot: req.RootVolume, extraVolumes: extras,
		organization: owner.organization, project: owner.project,
		public: req.Public != nil && *req.Public, tags: req.Tags,
		creatingUntil: now.Add(f.opts.CreatingDuration),
	}, f.opts.PrivateImageQuota, now)
	if err != nil {
		return err
	}
	w.Header().Set("Location", requestOrigin(r)+"/instance/v1/zones/"+string(zone)+"/images/"+img.ID)
	writeJSON(w, http.StatusCreated, imageAnswer{img})
	return nil
}

// setImage answers PUT .../images/{id}, a full replacement. The body is
// the image as real clients send it (recorded): with zone and id, which
// must be the path's (400 otherwise, a guess at the answer: the recorded
// PUTs all match). What the body leaves out is reset: tags to [],
// extra_volumes to {}, public to false. name and arch are required, as a
// full image always has them. The server owns creation_date,
// modification_date, state and from_server, and ownership never changes,
// so those body fields are ignored; a volume's name, size and type are the
// snapshot's own whatever the body says (recorded: a name sent for an
// extra volume is ignored). root_volume is replaced when sent and kept
// otherwise, since an image cannot lose its root volume.
func (f *Fake) setImage(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, body []byte) *scaleway.Error {
	id, err := pathUUID(r, "id")
	if err != nil {
		return err
	}
	var req scaleway.SetImageRequest
	if err := decodeBody(body, &req); err != nil {
		return err
	}
	var errs argumentErrors
	if req.Zone != "" && req.Zone != zone {
		errs.add(badArgument("zone", "constraint", "must be the zone of the path, "+string(zone)))
	}
	if req.ID != "" && !strings.EqualFold(req.ID, id) {
		errs.add(badArgument("id", "constraint", "must be the id of the path, "+id))
	}
	if req.Name == "" {
		errs.add(requiredArgument("name"))
	}
	checkArch(req.Arch, true, &errs)
	if req.RootVolume != nil {
		checkSnapshotReference("root_volume.id", req.RootVolume.ID, &errs)
	}
	extras := extraVolumeReferences(req.ExtraVolumes, func(v *scaleway.SetImageVolume) string { return v.ID }, &errs)
	if err := errs.err(); err != nil {
		return err
	}
	img, err := f.store.modifyImage(zone, id, f.now(), func(img *scaleway.Image) *scaleway.Error {
		if req.RootVolume != nil {
			root, err := f.store.rootVolume(zone, req.RootVolume.ID)
			if err != nil {
				return err
			}
			img.RootVolume = root
		}
		volumes, err := f.store.extraVolumes(zone, extras)
		if err != nil {
			return err
		}
		img.Name, img.Arch, img.Public, img.ExtraVolumes = req.Name, req.Arch, req.Public, volumes
		img.Tags = []string{}
		if req.Tags != nil {
			img.Tags = append(img.Tags, *req.Tags...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, imageAnswer{img})
	return nil
}

// updateImage answers PATCH .../images/{image_id}: only the fields sent
// change; extra_volumes, when sent, replaces the whole map (the Terraform
// provider always sends the full desired map) and "tags":[] clears tags.
func (f *Fake) updateImage(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, body []byte) *scaleway.Error {
	id, err := pathUUID(r, "image_id")
	if err != nil {
		return err
	}
	var req scaleway.UpdateImageRequest
	if err := decodeBody(body, &req); err != nil {
		return err
	}
	var errs argumentErrors
	checkArch(req.Arch, false, &errs)
	extras := extraVolumeReferences(req.ExtraVolumes, func(v *scaleway.VolumeImageUpdateTemplate) string { return v.ID }, &errs)
	if err := errs.err(); err != nil {
		return err
	}
	img, err := f.store.modifyImage(zone, id, f.now(), func(img *scaleway.Image) *scaleway.Error {
		if req.ExtraVolumes != nil {
			volumes, err := f.store.extraVolumes(zone, extras)
			if err != nil {
				return err
			}
			img.ExtraVolumes = volumes
		}
		if req.Name != nil {
			img.Name = *req.Name
		}
		if req.Arch != "" {
			img.Arch = req.Arch
		}
		if req.Tags != nil {
			img.Tags = append([]string{}, *req.Tags...)
		}
		if req.Public != nil {
			img.Public = *req.Public
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, imageAnswer{img})
	return nil
}

// deleteImage answers DELETE .../images/{image_id}: 204 with an empty body
// (Content-Type is still set). The image's snapshots are kept, as on the
// real API.
func (f *Fake) deleteImage(w http.ResponseWriter, r *http.Request, zone scaleway.Zone, _ []byte) *scaleway.Error {
	id, err := pathUUID(r, "image_id")
	if err != nil {
		return err
	}
	if err := f.store.deleteImage(zone, id, f.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// pathUUID reads an id from the path; the argument is named as in the API's
// path template.
func pathUUID(r *http.Request, name string) (string, *scaleway.Error) {
	id := r.PathValue(name)
	if !scaleway.IsUUID(id) {
		return "", invalidArguments(badArgument(name, "format", "must be a UUID"))
	}
	return id, nil
}

// requestOrigin is the scheme and host the client used, for Location.
func requestOrigin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
