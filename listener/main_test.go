package listener

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind, such as
// a server that did not stop or a connection that was never closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
