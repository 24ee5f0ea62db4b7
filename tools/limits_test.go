package tools_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

const hugeImageID = "6f3b9c6e-9a1f-4f6e-8d7a-1a2b3c4d5e6f"

// hugeImage is an image as no real API writes it: a name of 2 MiB.
func hugeImage() string {
	return `{"id":"` + hugeImageID + `","name":"` + strings.Repeat("x", 2<<20) + `","arch":"x86_64","state":"available","zone":"fr-par-1","tags":[],"extra_volumes":{}}`
}

// TestResultsAreBounded: an upstream answering values far beyond the
// API's own cannot make a result of megabytes: a list is cut where it
// would pass the bound and says truncated; a single image is an error
// that says what is wrong.
func TestResultsAreBounded(t *testing.T) {
	t.Parallel()
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/images") {
			w.Header().Set("X-Total-Count", "1")
			_, _ = w.Write([]byte(`{"images":[` + hugeImage() + `]}`))
			return
		}
		_, _ = w.Write([]byte(`{"image":` + hugeImage() + `}`))
	})
	e := newEnv(t, setup{upstream: upstream})
	for _, args := range []string{`{}`, `{"verbose":true}`} {
		var out tools.ListImagesOutput
		e.call(t, tools.ListImagesTool, args, &out)
		if len(out.Images) != 0 || !out.Truncated {
			t.Errorf("list %s: %d images, truncated %v", args, len(out.Images), out.Truncated)
		}
	}
	msg := e.callError(t, tools.GetImageTool, `{"image_id":"`+hugeImageID+`"}`)
	if !strings.Contains(msg, "more than the 1048576 a tool answers with") || !strings.Contains(msg, "SCW_API_URL") {
		t.Errorf("get: %s", msg)
	}
}
