package scaleway_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

func TestImageDecoding(t *testing.T) {
	t.Parallel()
	var img struct{ Image *scaleway.Image }
	if err := json.Unmarshal([]byte(imageBody), &img); err != nil {
		t.Fatal(err)
	}
	if img.Image.CreationDate.UTC().Format(time.RFC3339Nano) != "2025-11-04T10:11:53.049425Z" {
		t.Errorf("creation_date = %v", img.Image.CreationDate)
	}
	again, err := json.Marshal(img.Image)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(again), `"creation_date":"2025-11-04T10:11:53.049425+00:00"`) || !strings.Contains(string(again), `"default_bootscript":null`) {
		t.Errorf("re-encoded image differs from the API's form: %s", again)
	}
}
