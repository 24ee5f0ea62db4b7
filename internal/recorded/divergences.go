package recorded

import "strings"

// Divergence is a place where this project answers or sends otherwise
// than a recorded exchange, on purpose.
type Divergence struct {
	// Where is "answer <path>" for the fake's answer to the row (a body
	// path such as image.from_server, or "header <Name>"), or "request
	// <path>" for the body our client sends for the row's intent; a path
	// covers everything below it.
	Where string
	Why   string
}

const (
	// The fake answers as today's API; these rows are from 2022-2023.
	eraFromServer  = "2022-2023 answers wrote from_server null for images made from snapshots; since 2025 the API writes \"\", as the fake does"
	eraContentType = "the 2022 API sent no Content-Type on an empty 204; the 2025+ API does, as the fake does"
	// update-image (PUT) against the image as recorded before the PUT.
	alwaysTags = "Scaleway's CLI in 2022 left tags out of its PUTs; Terraform sent them, and so does update-image, so that a PUT never clears tags by omission"
	idOnly     = "Terraform sent the new extra volume whole, as it knew it; update-image knows a new volume only by its snapshot id and sends {\"id\"}, as the CLI did (L86)"
)

// Divergences lists, by row name ("L86"), every deliberate difference
// from the recordings: this is the one place they are written. The
// contract tests skip exactly these and fail when one no longer happens,
// so that the list stays true.
var Divergences = map[string][]Divergence{
	"L84":  {{"answer image.from_server", eraFromServer}},
	"L86":  {{"request tags", alwaysTags}},
	"L88":  {{"answer header Content-Type", eraContentType}},
	"L89":  {{"answer image.from_server", eraFromServer}},
	"L91":  {{"request tags", alwaysTags}},
	"L93":  {{"answer image.from_server", eraFromServer}},
	"L95":  {{"request tags", alwaysTags}},
	"L199": {{"answer image.from_server", eraFromServer}},
	"L209": {{"answer image.from_server", eraFromServer}},
	"L213": {{"request extra_volumes.1", idOnly}},
	"L223": {{"answer image.from_server", eraFromServer}},
	"L230": {{"answer image.from_server", eraFromServer}},
}

// Explained sorts the differences a test found for row (each "path: what",
// as Compare writes them, the path prefixed with kind: "answer" or
// "request") into those a listed divergence explains and the others, and
// returns the listed divergences of that kind that did not happen.
func Explained(row, kind string, diffs []string) (unexplained []string, unseen []Divergence) {
	seen := map[string]bool{}
	for _, diff := range diffs {
		path, _, _ := strings.Cut(kind+" "+diff, ":")
		explained := false
		for _, d := range Divergences[row] {
			if path == d.Where || strings.HasPrefix(path, d.Where+".") {
				seen[d.Where], explained = true, true
			}
		}
		if !explained {
			unexplained = append(unexplained, diff)
		}
	}
	for _, d := range Divergences[row] {
		if strings.HasPrefix(d.Where, kind+" ") && !seen[d.Where] {
			unseen = append(unseen, d)
		}
	}
	return unexplained, unseen
}
