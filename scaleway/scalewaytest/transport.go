package scalewaytest

import (
	"net/http"
	"net/http/httptest"
)

// Transport returns a RoundTripper that serves requests with the fake
// directly, in-process: no socket, nothing to close, instant start. The
// binary's sandbox uses it. Faults that need a connection (dropped
// connections, truncated bodies) need NewServer instead.
func (f *Fake) Transport() http.RoundTripper { return inProcess{f} }

type inProcess struct{ fake *Fake }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	// A server-side request always has a body; a client-side GET has none.
	served := r.Clone(r.Context())
	if served.Body == nil {
		served.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.fake.ServeHTTP(rec, served)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
