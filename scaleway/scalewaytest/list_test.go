package scalewaytest_test

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// seededPerZone is what the seed puts in every zone: 7 marketplace images
// for 2 arches, and 3 private images.
const seededPerZone = 17

func TestListImagesPagination(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	const base = "/instance/v1/zones/fr-par-1/images"
	// Links are relative to the zone, with page and per_page first and the
	// request's filters after them, as the API writes them (recorded).
	tests := []struct {
		name      string
		query     string
		wantCount int
		wantTotal int
		wantLink  string
	}{
		{"single page", "", seededPerZone, seededPerZone,
			`</images?page=1&per_page=50&>; rel="last"`},
		{"first of four", "?per_page=5", 5, seededPerZone,
			`</images?page=2&per_page=5&>; rel="next",</images?page=4&per_page=5&>; rel="last"`},
		{"middle", "?per_page=5&page=2", 5, seededPerZone,
			`</images?page=1&per_page=5&>; rel="first",</images?page=1&per_page=5&>; rel="previous",</images?page=3&per_page=5&>; rel="next",</images?page=4&per_page=5&>; rel="last"`},
		{"last, short", "?per_page=5&page=4", 2, seededPerZone,
			`</images?page=1&per_page=5&>; rel="first",</images?page=3&per_page=5&>; rel="previous",</images?page=4&per_page=5&>; rel="last"`},
		{"past the end", "?per_page=5&page=9", 0, seededPerZone,
			`</images?page=1&per_page=5&>; rel="first",</images?page=4&per_page=5&>; rel="previous",</images?page=4&per_page=5&>; rel="last"`},
		{"filters kept in links", "?public=false&per_page=2", 2, 3,
			`</images?page=2&per_page=2&public=false>; rel="next",</images?page=2&per_page=2&public=false>; rel="last"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := send(t, srv, http.MethodGet, base+tt.query, "").expectStatus(t, http.StatusOK)
			if images := imagesFrom(t, a); len(images) != tt.wantCount {
				t.Errorf("got %d images, want %d", len(images), tt.wantCount)
			}
			if got := a.header.Get("X-Total-Count"); got != strconv.Itoa(tt.wantTotal) {
				t.Errorf("X-Total-Count = %q, want %d", got, tt.wantTotal)
			}
			if got := a.header.Get("Link"); got != tt.wantLink {
				t.Errorf("Link =\n%s\nwant\n%s", got, tt.wantLink)
			}
		})
	}
}

func TestListImagesPagesCoverEveryImageOnce(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{ExtraImages: 600}) // 60 more per zone
	first := send(t, srv, http.MethodGet, imagesPath(zone), "").expectStatus(t, http.StatusOK)
	if n := len(imagesFrom(t, first)); n != 50 {
		t.Errorf("default page size gave %d images, want 50", n)
	}
	if got, want := first.header.Get("X-Total-Count"), strconv.Itoa(seededPerZone+60); got != want {
		t.Errorf("X-Total-Count = %s, want %s", got, want)
	}

	var all []scaleway.Image
	for page := 1; ; page++ {
		images := imagesFrom(t, send(t, srv, http.MethodGet, imagesPath(zone)+"?per_page=100&page="+strconv.Itoa(page), "").expectStatus(t, http.StatusOK))
		if len(images) == 0 {
			break
		}
		all = append(all, images...)
	}
	if len(all) != seededPerZone+60 {
		t.Fatalf("walked %d images, want %d", len(all), seededPerZone+60)
	}
	sorted := slices.IsSortedFunc(all, func(a, b scaleway.Image) int {
		return cmp.Or(a.CreationDate.Compare(b.CreationDate.Time), cmp.Compare(a.ID, b.ID))
	})
	if !sorted {
		t.Error("images are not in creation date then id order")
	}
	again := imagesFrom(t, send(t, srv, http.MethodGet, imagesPath(zone)+"?per_page=100", ""))
	for i := range again {
		if again[i].ID != all[i].ID {
			t.Fatalf("order differs between two calls at %d", i)
		}
	}
}

func TestListImagesRejectsBadQueries(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	tests := []struct {
		query string
		want  []detail
	}{
		{"per_page=0", []detail{{"per_page", "constraint"}}},
		{"per_page=101", []detail{{"per_page", "constraint"}}},
		{"per_page=ten", []detail{{"per_page", "format"}}},
		{"page=0", []detail{{"page", "constraint"}}},
		{"page=-3", []detail{{"page", "constraint"}}},
		{"page=two", []detail{{"page", "format"}}},
		{"public=maybe", []detail{{"public", "format"}}},
		{"project=mine", []detail{{"project", "format"}}},
		{"organization=acme", []detail{{"organization", "format"}}},
		{"page=0&per_page=1000", []detail{{"page", "constraint"}, {"per_page", "constraint"}}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			e := apiError(t, send(t, srv, http.MethodGet, imagesPath(zone)+"?"+tt.query, ""), http.StatusBadRequest)
			if e.Type != scaleway.TypeInvalidArguments || !slices.Equal(detailsOf(e), tt.want) {
				t.Errorf("error = %+v, want details %v", e, tt.want)
			}
		})
	}
}

func TestListImagesFilters(t *testing.T) {
	t.Parallel()
	srv := newServer(t, scalewaytest.Options{})
	tests := []struct {
		query string
		want  int
		keep  func(scaleway.Image) bool
	}{
		{"", seededPerZone, func(scaleway.Image) bool { return true }},
		{"public=true", 14, func(img scaleway.Image) bool { return img.Public }},
		{"public=True", 14, func(img scaleway.Image) bool { return img.Public }},
		{"public=FALSE", 3, func(img scaleway.Image) bool { return !img.Public }},
		{"name=ubuntu", 4, func(img scaleway.Image) bool { return img.Name[:6] == "Ubuntu" }},
		{"name=NOBLE", 2, func(img scaleway.Image) bool { return img.Name == "Ubuntu 24.04 Noble Numbat" }},
		{"arch=arm64", 8, func(img scaleway.Image) bool { return img.Arch == scaleway.ArchArm64 }},
		{"arch=riscv64", 0, nil},
		{"tags=prod", 2, func(img scaleway.Image) bool { return slices.Contains(img.Tags, "prod") }},
		{"tags=db,prod", 1, func(img scaleway.Image) bool { return img.Name == "postgres-16" }},
		{"tags=db,ci", 0, nil},
		{"project=" + scalewaytest.DefaultProjectID, 3, isPrivate},
		{"organization=" + scalewaytest.MarketplaceOrganizationID, 14, isMarketplace},
		{"organization=" + scalewaytest.DefaultOrganizationID + "&arch=x86_64&public=false", 2, func(img scaleway.Image) bool {
			return isPrivate(img) && img.Arch == scaleway.ArchX86_64
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			a := send(t, srv, http.MethodGet, imagesPath(zone)+"?"+tt.query, "").expectStatus(t, http.StatusOK)
			images := imagesFrom(t, a)
			if len(images) != tt.want || a.header.Get("X-Total-Count") != strconv.Itoa(tt.want) {
				t.Fatalf("got %d images (X-Total-Count %s), want %d", len(images), a.header.Get("X-Total-Count"), tt.want)
			}
			for _, img := range images {
				if !tt.keep(img) {
					t.Errorf("image %q should have been filtered out", img.Name)
				}
			}
		})
	}
}
