package scaleway_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
)

// TestTLSMismatchIsPermanent: an API URL whose scheme does not match the
// server, or whose certificate does not verify, fails after one attempt
// (one connection) with a message that says what to fix, instead of being
// retried as a network blip.
func TestTLSMismatchIsPermanent(t *testing.T) {
	t.Parallel()
	nginxRefusal := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("<html><center>The plain HTTP request was sent to HTTPS port</center></html>"))
	})
	tests := []struct {
		name      string
		start     func(srv *httptest.Server) // Start or StartTLS
		scheme    string                     // of the API URL
		handler   http.Handler
		wantInMsg string
	}{
		{"https URL, plain HTTP server", (*httptest.Server).Start, "https", http.NotFoundHandler(), "server gave HTTP response to HTTPS client"},
		{"http URL, TLS server", (*httptest.Server).StartTLS, "http", http.NotFoundHandler(), "the server speaks HTTPS, but the API URL says http"},
		{"http URL, TLS proxy that answers like nginx", (*httptest.Server).Start, "http", nginxRefusal, "the server speaks HTTPS, but the API URL says http"},
		{"https URL, self-signed certificate", (*httptest.Server).StartTLS, "https", http.NotFoundHandler(), "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewUnstartedServer(tt.handler)
			srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake errors are the point
			var conns atomic.Int32
			srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
				if state == http.StateNew {
					conns.Add(1)
				}
			}
			tt.start(srv)
			t.Cleanup(srv.Close)
			checkTLSFailure(t, tt.scheme+"://"+srv.Listener.Addr().String(), conns.Load, tt.wantInMsg)
		})
	}
}

// TestHTTPSToSomethingElse: an https URL pointing at a server that speaks
// neither TLS nor HTTP (here, SSH) is a TLS failure too.
func TestHTTPSToSomethingElse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			_, _ = conn.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
			conn.Close()
		}
	}()
	checkTLSFailure(t, "https://"+ln.Addr().String(), conns.Load, "does not look like a TLS handshake")
}

// checkTLSFailure calls the API at apiURL with the default HTTP client and
// expects one connection and a transport error naming the problem.
func checkTLSFailure(t *testing.T, apiURL string, conns func() int32, wantInMsg string) {
	t.Helper()
	c, err := scaleway.NewClient(scaleway.WithBaseURL(apiURL), scaleway.WithSecretKey(testKey), scaleway.WithRetryPolicy(fastRetries))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.GetImage(t.Context(), "fr-par-1", testImage)
	checkErrKind(t, err, "transport")
	if err == nil {
		return
	}
	for _, want := range []string{wantInMsg, "scheme (https or http)", "certificate", "SCW_API_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "try again") {
		t.Errorf("message %q calls a permanent failure transient", err)
	}
	if got := conns(); got != 1 {
		t.Errorf("%d connections, want 1: the failure must not be retried", got)
	}
}
