package testutil_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/internal/testutil"
)

func TestBufferTakesConcurrentWriters(t *testing.T) {
	t.Parallel()
	var b testutil.Buffer
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() { fmt.Fprintf(&b, "%02d\n", i) })
	}
	wg.Wait()
	if got := len(b.String()); got != 50*3 {
		t.Errorf("%d bytes written, want %d", got, 50*3)
	}
}

func TestClockMovesOnlyWhenAdvanced(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	c := testutil.NewClock(start)
	first := c.Now()
	time.Sleep(time.Millisecond)
	if !first.Equal(start) || !c.Now().Equal(start) {
		t.Fatalf("the clock moved by itself: %v, then %v", first, c.Now())
	}
	c.Advance(90 * time.Second)
	if want := start.Add(90 * time.Second); !c.Now().Equal(want) {
		t.Errorf("after Advance: %v, want %v", c.Now(), want)
	}
}
