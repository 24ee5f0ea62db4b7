package scaleway_test

import (
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

// The fake spreads its extra images over the 10 zones in turn, so 9,970 of
// them put 997 in fr-par-1 (indexes 0, 10, ..., 9960); with the project's 3
// seeded images, the default project holds exactly 1,000 images there.
const (
	benchExtraImages = 9970
	benchImages      = 1000
	benchPerPage     = 100
)

// benchLatencies are the answer delays BenchmarkListAll runs at: none (the
// cost of the client and the fake alone), a nearby region, a distant one.
var benchLatencies = []time.Duration{0, 20 * time.Millisecond, 50 * time.Millisecond}

// BenchmarkListAll lists 1,000 images in pages of 100 from a fake that
// answers each request after 0, 20 or 50 ms, the way ListAllImages does
// (page 1, then the other 9 pages concurrently) and one page after
// another. Besides time per list, it reports round trips per list and,
// with latency, how many round trips' time a list took (rtts/op): the
// budget is 3 at 50 ms (BENCHMARKS.md).
//
//	go test -run '^$' -bench BenchmarkListAll -benchtime 5x ./scaleway/
func BenchmarkListAll(b *testing.B) {
	for _, latency := range benchLatencies {
		b.Run("latency="+latency.String(), func(b *testing.B) { benchmarkListAll(b, latency) })
	}
}

func benchmarkListAll(b *testing.B, latency time.Duration) {
	srv := scalewaytest.NewServer(scalewaytest.Options{ExtraImages: benchExtraImages, Latency: latency})
	b.Cleanup(srv.Close)
	req := scaleway.ListImagesRequest{Project: ptr(scalewaytest.DefaultProjectID), PerPage: ptr[uint32](benchPerPage)}

	run := func(b *testing.B, list func(c *scaleway.Client) (int, error)) {
		c := newClient(b, srv)
		// One untimed call opens the connections the loop reuses.
		if n, err := list(c); err != nil || n != benchImages {
			b.Fatalf("warm-up listed %d images (%v), want %d", n, err, benchImages)
		}
		before := srv.RequestCount(scalewaytest.RouteListImages)
		calls, images := 0, 0
		start := time.Now()
		for b.Loop() {
			n, err := list(c)
			if err != nil {
				b.Fatal(err)
			}
			calls++
			images += n
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(images)/float64(calls), "images/op")
		if latency > 0 {
			b.ReportMetric(float64(elapsed)/float64(calls)/float64(latency), "rtts/op")
		}
		b.ReportMetric(float64(srv.RequestCount(scalewaytest.RouteListImages)-before)/float64(calls), "roundtrips/op")
	}

	b.Run("concurrent", func(b *testing.B) {
		run(b, func(c *scaleway.Client) (int, error) {
			all, err := c.ListAllImages(b.Context(), zone, &req, 0)
			if err != nil {
				return 0, err
			}
			return len(all.Items), nil
		})
	})

	b.Run("sequential", func(b *testing.B) {
		run(b, func(c *scaleway.Client) (int, error) {
			images, total := 0, 0
			for page := int32(1); page == 1 || images < total; page++ {
				r := req
				r.Page = &page
				got, _, err := c.ListImages(b.Context(), zone, &r)
				if err != nil {
					return 0, err
				}
				if len(got.Images) == 0 {
					break
				}
				images += len(got.Images)
				total = int(got.TotalCount)
			}
			return images, nil
		})
	})
}
