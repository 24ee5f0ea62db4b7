package scalewaytest_test

import (
	"fmt"
	"net/http"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

func ExampleNewServer() {
	srv := scalewaytest.NewServer(scalewaytest.Options{})
	defer srv.Close()
	// The next list call fails once, as a busy gateway would.
	srv.Script(scalewaytest.RouteListImages, scalewaytest.ServerError(http.StatusServiceUnavailable))

	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/instance/v1/zones/fr-par-1/images?public=false", nil)
		req.Header.Set("X-Auth-Token", scalewaytest.SandboxToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Printf("%d X-Total-Count=%q\n", resp.StatusCode, resp.Header.Get("X-Total-Count"))
	}
	fmt.Println(srv.RequestCount(scalewaytest.RouteListImages), "requests")
	// Output:
	// 503 X-Total-Count=""
	// 200 X-Total-Count="3"
	// 2 requests
}
