// Package scaleway is a client for the Scaleway Instance images API. It
// knows HTTP and Scaleway, and nothing of MCP or of the REST adapter.
package scaleway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// DefaultAPIURL is the Scaleway API's base URL.
const DefaultAPIURL = "https://api.scaleway.com"

// Version is the product version put in the User-Agent; main sets it from
// the build's ldflags.
var Version = "dev"

// maxResponseBytes bounds how much of an answer is read, so a broken proxy
// cannot make the client buffer without limit. A page of 100 images is
// about 100 KiB.
const maxResponseBytes = 16 << 20

// Client calls the Instance images API. It is safe for concurrent use.
type Client struct {
	baseURL        *url.URL
	secretKey      string
	userAgent      string
	httpClient     *http.Client
	retry          RetryPolicy
	requestTimeout time.Duration
	listWorkers    int
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL points the client at another API, such as the fake.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := parseBaseURL(raw)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithSecretKey sets the key sent in X-Auth-Token.
func WithSecretKey(key string) Option {
	return func(c *Client) error {
		c.secretKey = key
		return nil
	}
}

// WithHTTPClient replaces the HTTP client. Its Timeout should be zero: the
// client applies its own per-request timeout (WithRequestTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		c.httpClient = hc
		return nil
	}
}

// WithRetryPolicy replaces the retry policy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		c.retry = p
		return nil
	}
}

// WithRequestTimeout bounds each HTTP attempt (not the whole call, whose
// bound is the context's deadline).
func WithRequestTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("request timeout must be positive, got %s", d)
		}
		c.requestTimeout = d
		return nil
	}
}

// defaultListWorkers is how many pages (or zones) a list fetches at once.
// Ten fetches a zone "all" list in one wave, and 1,000 images (page 1, then
// pages 2 to 10 of 100) in two round trips instead of three; Scaleway
// publishes no rate limit for the Instance API, and its JS SDK fetches
// every remaining page at once.
const defaultListWorkers = 10

// WithListWorkers bounds how many pages (or zones) are fetched at once by
// the all-pages and multi-zone lists.
func WithListWorkers(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("list workers must be at least 1, got %d", n)
		}
		c.listWorkers = n
		return nil
	}
}

// WithUserAgentSuffix appends a product token to the User-Agent.
func WithUserAgentSuffix(token string) Option {
	return func(c *Client) error {
		c.userAgent += " " + token
		return nil
	}
}

// NewClient returns a client for the production API with the default
// retry policy, unless options say otherwise. A missing secret key is not
// an error here: each call then fails with a message naming the variables
// to set.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultAPIURL)
	c := &Client{
		baseURL:        base,
		userAgent:      fmt.Sprintf("scaleway-images-mcp/%s (%s; %s; %s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH),
		httpClient:     &http.Client{Transport: newTransport()},
		retry:          DefaultRetryPolicy,
		requestTimeout: 30 * time.Second,
		listWorkers:    defaultListWorkers,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("configuring scaleway client: %w", err)
		}
	}
	return c, nil
}

// newTransport keeps more idle connections per host than net/http's
// default of 2, so that concurrent page fetches reuse their connections.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("parsing API URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("API URL %q must be an absolute http or https URL", raw)
	}
	return u, nil
}

// BaseURL returns the API's base URL.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// UserAgent returns the User-Agent the client sends.
func (c *Client) UserAgent() string { return c.userAgent }

type secretKeyContextKey struct{}

// ContextWithSecretKey makes the client send key instead of its configured
// one for calls made with the returned context. HTTP listeners use it to
// let each request carry its own credentials.
func ContextWithSecretKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, secretKeyContextKey{}, key)
}

// ErrNoSecretKey is returned by calls made without any secret key.
var ErrNoSecretKey = errors.New("no Scaleway secret key: set SCW_SECRET_KEY or SCALEWAY_API_KEY, or run \"scw init\" to write ~/.config/scw/config.yaml")

func (c *Client) secretKeyFor(ctx context.Context) string {
	if key, ok := ctx.Value(secretKeyContextKey{}).(string); ok && key != "" {
		return key
	}
	return c.secretKey
}

// Response describes the HTTP answer behind a successful call.
type Response struct {
	StatusCode int
	Header     http.Header
	RequestID  string // X-Request-Id, for support tickets and logs
	Attempts   int    // 1 when no retry was needed
}

// request is one call to make: everything needed to send it again on retry.
type request struct {
	method string
	path   string // below the base URL, already escaped
	query  url.Values
	body   []byte // nil for no body
}

func (c *Client) newRequest(method, path string, query url.Values, body any) (*request, error) {
	req := &request{method: method, path: path, query: query}
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding request body: %w", err)
		}
		req.body = encoded
	}
	return req, nil
}

func (c *Client) httpRequest(ctx context.Context, req *request, key string) (*http.Request, error) {
	u := *c.baseURL
	u.Path += req.path
	u.RawPath = ""
	if len(req.query) > 0 {
		u.RawQuery = req.query.Encode()
	}
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	hr.Header.Set("X-Auth-Token", key)
	hr.Header.Set("User-Agent", c.userAgent)
	hr.Header.Set("Accept", "application/json")
	if req.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	return hr, nil
}

// do sends req, retrying as the policy allows, and decodes a 2xx JSON
// answer into out (unless out is nil). Any other status becomes an *Error.
func (c *Client) do(ctx context.Context, req *request, out any) (*Response, error) {
	key := c.secretKeyFor(ctx)
	if key == "" {
		return nil, ErrNoSecretKey
	}
	for attempt := 1; ; attempt++ {
		resp, body, err := c.send(ctx, req, key)
		if err == nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
			result := &Response{StatusCode: resp.StatusCode, Header: resp.Header, RequestID: resp.Header.Get("X-Request-Id"), Attempts: attempt}
			if out != nil && resp.StatusCode != http.StatusNoContent {
				if err := json.Unmarshal(body, out); err != nil {
					return result, &Error{Type: ErrUnknown, Message: "an answer that is not valid JSON (" + err.Error() + ")", StatusCode: resp.StatusCode, RequestID: result.RequestID}
				}
			}
			return result, nil
		}
		if err == nil {
			err = decodeError(resp, body)
		}
		wait, retry := c.retry.next(req.method, attempt, err)
		if !retry || ctx.Err() != nil {
			return nil, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return nil, err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, err
		case <-timer.C:
		}
	}
}

// send makes one attempt and reads the whole body. A body that cannot be
// read in full (a dropped or truncated answer) is a transport error.
func (c *Client) send(ctx context.Context, req *request, key string) (*http.Response, []byte, error) {
	attemptCtx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()
	hr, err := c.httpRequest(attemptCtx, req, key)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.httpClient.Do(hr)
	if err != nil {
		return nil, nil, &TransportError{Method: req.method, Path: req.path, Err: err, Sent: !isDialError(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, nil, &TransportError{Method: req.method, Path: req.path, Err: fmt.Errorf("reading answer (HTTP %d): %w", resp.StatusCode, err), Sent: true}
	}
	return resp, body, nil
}
