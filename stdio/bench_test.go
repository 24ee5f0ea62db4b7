package stdio

import (
	"context"
	"fmt"
	"io"
	"testing"
)

// BenchmarkPing is one ping round trip over a stdio-like pipe, through the
// gate (Serve) and straight to the SDK's own transport: what the gate
// adds to every message.
func BenchmarkPing(b *testing.B) {
	for _, gated := range []bool{true, false} {
		b.Run(map[bool]string{true: "gate", false: "sdk"}[gated], func(b *testing.B) {
			c, stop := serve(serverOptions{ctx: context.Background(), direct: !gated})
			defer stop()
			c.send(b, initialize, initialized)
			<-c.answers
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if _, err := io.WriteString(c.in, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i)); err != nil {
					b.Fatal(err)
				}
				<-c.answers
			}
		})
	}
}
