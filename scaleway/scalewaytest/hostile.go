package scalewaytest

import (
	"bytes"
	"fmt"
	"strings"
)

// HostileImagesPage is a list answer just under the client's 4 MiB cap on
// one answer, made of n images whose names share what is left: the most a
// hostile upstream (an SCW_API_URL pointing at the wrong thing) can make
// one page hold. Served with a huge X-Total-Count, it shows what bounds a
// process's memory when every page is that large.
func HostileImagesPage(n int) []byte {
	const image = `{"id":"%08x-0000-4000-8000-000000000000","name":"%s","organization":"11111111-1111-4111-8111-111111111111","project":"11111111-1111-4111-8111-111111111111","root_volume":{"id":"22222222-2222-4222-8222-222222222222","name":"n","size":1,"volume_type":"l_ssd"},"extra_volumes":{},"public":false,"arch":"x86_64","creation_date":"2025-01-01T00:00:00.000000+00:00","modification_date":"2025-01-01T00:00:00.000000+00:00","default_bootscript":null,"from_server":"","state":"available","tags":[],"zone":"fr-par-1"}`
	name := strings.Repeat("x", (4<<20-64<<10)/n-len(image))
	var b bytes.Buffer
	b.WriteString(`{"images":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, image, i, name)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
