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

// maxResponseBytes bounds how much of an answer is read, so a broken proxy
// or a hostile upstream cannot make the client buffer without limit. A
// page of 100 images is about 100 KiB; one of 100 images at every bound
// (names of 255 bytes, 64 tags of 128 bytes, 16 extra volumes) is about
// 1.5 MiB.
const maxResponseBytes = 4 << 20

// Client calls the Instance images API. It is safe for concurrent use, and
// meant to be shared: its limit on requests in flight holds for every call
// made through it.
type Client struct {
	baseURL         *url.URL
	secretKey       string
	redactedSecrets []string
	// defaultProject, else defaultOrganization, owns an image created
	// without an owner (CreateImage).
	defaultProject      string
	defaultOrganization string
	version             string   // the product version in the User-Agent
	userAgentTokens     []string // more product tokens after it
	userAgent           string   // made of both once the options are applied
	httpClient          *http.Client
	retry               RetryPolicy
	requestTimeout      time.Duration
	listWorkers         int
	inFlight            chan struct{} // one token per request in flight
	maxPages            int
	maxListBytes        int
	observe             func(Attempt) // nil: no observer
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

// WithDefaultProject makes the project the owner of the images created
// with neither a project nor an organization, as the Scaleway SDKs' default
// project does. It is checked as the request's own project would be.
func WithDefaultProject(id string) Option {
	return func(c *Client) error {
		c.defaultProject = id
		return nil
	}
}

// WithDefaultOrganization makes the organization the owner of the images
// created with neither a project nor an organization, when there is no
// default project.
func WithDefaultOrganization(id string) Option {
	return func(c *Client) error {
		c.defaultOrganization = id
		return nil
	}
}

// WithRedactedSecrets names more secrets (such as the HTTP listeners'
// bearer tokens) to replace by RedactSecret's form wherever the client
// passes on text from an answer: error messages and details, request ids,
// headers. The secret key of each call (the configured one and a
// per-request one) is always redacted.
func WithRedactedSecrets(secrets ...string) Option {
	return func(c *Client) error {
		c.redactedSecrets = append(c.redactedSecrets, secrets...)
		return nil
	}
}

// WithHTTPClient makes the client send its requests with a copy of hc. hc
// itself is not changed, but the copy refuses every redirect whatever hc's
// CheckRedirect says (see TypeRedirect). Its Timeout should be zero: the
// client applies its own per-request timeout (WithRequestTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("the HTTP client is nil; pass one, or leave WithHTTPClient out to use the default")
		}
		own := *hc
		own.CheckRedirect = refuseRedirect
		c.httpClient = &own
		return nil
	}
}

// refuseRedirect keeps net/http from following a redirect: do then turns
// the 3xx into an *Error of type TypeRedirect. The Scaleway API never
// redirects, and following would send X-Auth-Token again (net/http drops
// only Authorization), to any host and even over plain HTTP; a 307 or 308
// would send a write's body again too.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

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

// DefaultMaxInFlight is how many requests a Client has in flight at most,
// over all its calls: room for the list fan-out (10 workers) of three
// callers at once, the stdio session and the two HTTP listeners.
const DefaultMaxInFlight = 32

// WithMaxInFlight bounds the requests in flight over every call made
// through the client, however many callers share it. A call waits for a
// free slot before each attempt; the wait ends when its context does.
func WithMaxInFlight(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("max requests in flight must be at least 1, got %d", n)
		}
		c.inFlight = make(chan struct{}, n)
		return nil
	}
}

// DefaultMaxPages is how many pages one all-pages list call reads at most:
// 10,000 images at 100 a page.
const DefaultMaxPages = 100

// WithMaxPages bounds the pages one all-pages list call (ListAllImages,
// ListAllSnapshots, ListAllBlockSnapshots) reads, and the pages the parts
// of a FanOut read together. A list cut short by it says Truncated.
func WithMaxPages(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("max pages must be at least 1, got %d", n)
		}
		c.maxPages = n
		return nil
	}
}

// DefaultMaxListBytes is how many bytes of answers one all-pages list call
// reads at most: 32 MiB, some 30,000 images.
const DefaultMaxListBytes = 32 << 20

// WithMaxListBytes bounds the bytes of answer bodies one all-pages list
// call holds: the walk stops after the page that goes past n, and the list
// says Truncated. FanOut shares n among its parts.
func WithMaxListBytes(n int) Option {
	return func(c *Client) error {
		if n < 1 {
			return fmt.Errorf("max list bytes must be at least 1, got %d", n)
		}
		c.maxListBytes = n
		return nil
	}
}

// WithVersion sets the product version the User-Agent names
// (scaleway-images-mcp/<version>); it is "dev" unless the program says
// otherwise, as its release build does.
func WithVersion(version string) Option {
	return func(c *Client) error {
		if version == "" {
			return errors.New("the version is empty; leave WithVersion out for \"dev\"")
		}
		c.version = version
		return nil
	}
}

// WithUserAgentSuffix appends a product token to the User-Agent.
func WithUserAgentSuffix(token string) Option {
	return func(c *Client) error {
		c.userAgentTokens = append(c.userAgentTokens, token)
		return nil
	}
}

// Attempt is one HTTP attempt of a call, as an observer (WithObserver)
// sees it once the attempt ends.
type Attempt struct {
	// Route names the API operation, such as "get_image" or
	// "list_block_snapshots": one of a small fixed set, never a path, so
	// that it can label a metric.
	Route string
	// StatusCode is the answer's status; 0 when no complete answer came
	// (a transport failure: refused, dropped, cut short or timed out).
	StatusCode int
	// Number is 1 for a call's first attempt, 2 for its first retry, and
	// so on.
	Number int
	// Duration runs from the request leaving, after any wait for a slot
	// among the requests in flight, to the end of the answer's body.
	Duration time.Duration
}

// WithObserver makes the client call observe after every attempt, from
// the goroutine that made it: for metrics, which this package leaves to
// its user. observe must be quick and safe for concurrent use.
func WithObserver(observe func(Attempt)) Option {
	return func(c *Client) error {
		c.observe = observe
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
		version:        "dev",
		httpClient:     &http.Client{Transport: newTransport(), CheckRedirect: refuseRedirect},
		retry:          DefaultRetryPolicy,
		requestTimeout: 30 * time.Second,
		listWorkers:    defaultListWorkers,
		inFlight:       make(chan struct{}, DefaultMaxInFlight),
		maxPages:       DefaultMaxPages,
		maxListBytes:   DefaultMaxListBytes,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, fmt.Errorf("configuring scaleway client: %w", err)
		}
	}
	c.userAgent = strings.Join(append([]string{fmt.Sprintf("scaleway-images-mcp/%s (%s; %s; %s)", c.version, runtime.Version(), runtime.GOOS, runtime.GOARCH)}, c.userAgentTokens...), " ")
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

// DefaultProject returns the project set by WithDefaultProject, "" if none.
func (c *Client) DefaultProject() string { return c.defaultProject }

// DefaultOrganization returns the organization set by
// WithDefaultOrganization, "" if none.
func (c *Client) DefaultOrganization() string { return c.defaultOrganization }

// RequestsInFlight is how many requests the client has in flight now,
// over all its calls (at most the WithMaxInFlight bound).
func (c *Client) RequestsInFlight() int { return len(c.inFlight) }

type secretKeyContextKey struct{}

// ContextWithSecretKey makes the client send key instead of its configured
// one for calls made with the returned context. HTTP listeners use it to
// let each request carry its own credentials.
func ContextWithSecretKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, secretKeyContextKey{}, key)
}

// CallerContext is r's context, carrying the caller's own X-Auth-Token
// when r has one (see ContextWithSecretKey): a server that calls the API
// for its callers then uses each one's key for their calls. Without one,
// the calls use the client's key, and if it has none their error tells
// the caller to send the header, not to set the server's environment.
func CallerContext(r *http.Request) context.Context {
	return ContextWithSecretKey(r.Context(), r.Header.Get("X-Auth-Token"))
}

// ErrNoSecretKey is returned by calls made without any secret key.
var ErrNoSecretKey = errors.New("no Scaleway secret key: set SCW_SECRET_KEY or SCALEWAY_API_KEY, or run \"scw init\" to write ~/.config/scw/config.yaml")

// noCallerKey is ErrNoSecretKey for a call made for a remote caller
// (CallerContext) of a server that has no key: only the caller can fix it.
type noCallerKey struct{}

func (noCallerKey) Error() string {
	return "no Scaleway secret key: send yours in the X-Auth-Token header; this server has none of its own"
}

func (noCallerKey) Is(target error) bool { return target == ErrNoSecretKey }

// secretKeyFor is the key to send for a call made with ctx, or an error
// wrapping ErrNoSecretKey when there is none.
func (c *Client) secretKeyFor(ctx context.Context) (string, error) {
	key, remote := ctx.Value(secretKeyContextKey{}).(string)
	switch {
	case key != "":
		return key, nil
	case c.secretKey != "":
		return c.secretKey, nil
	case remote:
		return "", noCallerKey{}
	}
	return "", ErrNoSecretKey
}

// Response describes the HTTP answer behind a successful call.
type Response struct {
	StatusCode int
	Header     http.Header // the answer's headers, every known secret redacted
	// RequestID is X-Request-Id, for support tickets and logs, cleaned (see
	// WithRedactedSecrets); empty when it does not look like an id.
	RequestID string
	Attempts  int // 1 when no retry was needed

	bodyBytes int // size of the body read, for the list byte budget
}

// redactorFor cleans what the answers to a call made with key say.
func (c *Client) redactorFor(key string) redactor {
	return newRedactor(append([]string{key, c.secretKey}, c.redactedSecrets...)...)
}

// request is one call to make: everything needed to send it again on retry.
type request struct {
	route  string // the operation's name, for the observer (Attempt.Route)
	method string
	path   string // below the base URL, already escaped
	query  url.Values
	body   []byte // nil for no body
}

func (c *Client) newRequest(route, method, path string, query url.Values, body any) (*request, error) {
	req := &request{route: route, method: method, path: path, query: query}
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
// Every text taken from an answer is cleaned of the call's secrets.
func (c *Client) do(ctx context.Context, req *request, out any) (*Response, error) {
	key, err := c.secretKeyFor(ctx)
	if err != nil {
		return nil, err
	}
	red := c.redactorFor(key)
	for attempt := 1; ; attempt++ {
		resp, body, err := c.send(ctx, req, attempt, key, red)
		if err == nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return decodeSuccess(resp, body, attempt, red, out)
		}
		if err == nil {
			err = decodeError(resp, body, red)
		}
		if err := c.waitToRetry(ctx, req, attempt, err); err != nil {
			return nil, err
		}
	}
}

// decodeSuccess decodes a 2xx answer into out (unless out is nil or the
// answer has no content).
func decodeSuccess(resp *http.Response, body []byte, attempt int, red redactor, out any) (*Response, error) {
	result := &Response{StatusCode: resp.StatusCode, Header: red.header(resp.Header), RequestID: red.requestID(resp.Header), Attempts: attempt, bodyBytes: len(body)}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := json.Unmarshal(body, out); err != nil {
			return result, &Error{Type: TypeUnknown, Message: red.text("an answer that is not valid JSON ("+err.Error()+")", maxUpstreamText), StatusCode: resp.StatusCode, RequestID: result.RequestID}
		}
	}
	return result, nil
}

// waitToRetry returns nil once it has waited before attempt+1, or the error
// to end the call with: failed itself when the policy does not retry it or
// the wait would outlast ctx's deadline. When ctx is cancelled before or
// during the wait, the error says so, and what the last attempt met.
func (c *Client) waitToRetry(ctx context.Context, req *request, attempt int, failed error) error {
	wait, retry := c.retry.next(req.method, attempt, failed)
	if !retry {
		return failed
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		return failed
	}
	if err := sleep(ctx, wait); err != nil {
		if errors.Is(failed, err) { // the attempt itself was cut short
			return failed
		}
		// Earlier attempts were sent: a write among them may have been
		// carried out.
		return fmt.Errorf("%w; the last attempt failed: %w", &TransportError{Method: req.method, Path: req.path, Err: err, Sent: true}, failed)
	}
	return nil
}

// sleep waits for d, or returns ctx's error as soon as ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// send makes attempt number attempt of req and tells the observer how it
// went.
//
// The attempt waits for a slot among the client's requests in flight; the
// caller may cancel the call until then. From then on a write (anything
// but GET) no longer listens to ctx's cancellation, only to its deadline and
// the per-attempt timeout: a write handed to the transport may be carried
// out whatever the caller does, and the caller must learn its outcome.
func (c *Client) send(ctx context.Context, req *request, attempt int, key string, red redactor) (*http.Response, []byte, error) {
	if err := c.acquire(ctx); err != nil {
		// Not an attempt, for the observer: nothing was sent.
		return nil, nil, &TransportError{Method: req.method, Path: req.path, Err: err}
	}
	defer c.release()
	start := time.Now()
	resp, body, err := c.exchange(ctx, req, key, red)
	if c.observe != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		c.observe(Attempt{Route: req.route, StatusCode: status, Number: attempt, Duration: time.Since(start)})
	}
	return resp, body, err
}

// exchange sends req once and reads the whole body. A body that cannot be
// read in full (a dropped or truncated answer) is a transport error.
func (c *Client) exchange(ctx context.Context, req *request, key string, red redactor) (*http.Response, []byte, error) {
	attemptCtx, cancel := c.attemptContext(ctx, req.method)
	defer cancel()
	hr, err := c.httpRequest(attemptCtx, req, key)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.httpClient.Do(hr)
	if err != nil {
		return nil, nil, &TransportError{Method: req.method, Path: req.path, Err: red.wrap(err), Sent: !isDialError(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, nil, &TransportError{Method: req.method, Path: req.path, Err: red.wrap(fmt.Errorf("reading answer (HTTP %d): %w", resp.StatusCode, err)), Sent: true}
	}
	if refusesPlainHTTP(resp, body) {
		// The TLS server refused the bytes before reading a request.
		return nil, nil, &TransportError{Method: req.method, Path: req.path, Err: errHTTPToHTTPS, Sent: false}
	}
	return resp, body, nil
}

// acquire takes a slot among the requests in flight, or returns ctx's
// error if ctx ends first.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.inFlight <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	// select picks at random when a slot and the cancellation are both
	// ready: a cancelled call must not send.
	if err := ctx.Err(); err != nil {
		c.release()
		return err
	}
	return nil
}

func (c *Client) release() { <-c.inFlight }

// attemptContext bounds one attempt by the per-attempt timeout. A GET
// stays cancellable. A write is detached from ctx's cancellation but keeps
// its deadline (the caller's own bound): once sent it may be done upstream
// already, and abandoning the answer would leave the caller unsure whether
// the image was created, changed or deleted.
func (c *Client) attemptContext(ctx context.Context, method string) (context.Context, context.CancelFunc) {
	if method == http.MethodGet {
		return context.WithTimeout(ctx, c.requestTimeout)
	}
	timeout := c.requestTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(deadline))
	}
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}
