// Package metrics is the program's Prometheus metrics: a registry of its
// own per app (never the process-wide default, so that apps, and tests,
// in one process do not collide), fed by the observers of the tools, the
// Scaleway client and the REST adapter, and served in Prometheus' text
// format. It is the one package that knows Prometheus.
package metrics

import (
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway"
	"github.com/scaleway-images-mcp/scaleway-images-mcp/tools"
)

// namespace prefixes every metric of the program.
const namespace = "scaleway_images_mcp"

// durationBuckets, in seconds, span a get answered from a nearby region
// (a few milliseconds) to a create that waits for its image (minutes);
// the client's attempts end by 30 s.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// Options says what the metrics describe.
type Options struct {
	// Version and Commit are the running build's, for the build info.
	Version, Commit string
	// Tools are the tools served: each one's series exist from the start,
	// at zero, for every outcome, so that a rate over them is defined
	// before the first failure.
	Tools []string
	// UpstreamInFlight, when set, is read at each scrape: the requests to
	// Scaleway in flight now.
	UpstreamInFlight func() int
}

// Metrics holds the program's metrics. Its methods are safe for
// concurrent use.
type Metrics struct {
	registry *prometheus.Registry

	toolCalls        *prometheus.CounterVec
	toolDuration     *prometheus.HistogramVec
	toolsInFlight    prometheus.Gauge
	upstreamRequests *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	upstreamRetries  *prometheus.CounterVec
	restRequests     *prometheus.CounterVec
	restDuration     *prometheus.HistogramVec
	callerRefusals   prometheus.Counter
}

// New registers the program's metrics, and the Go runtime's and the
// process's, on a registry of their own.
func New(opts Options) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		toolCalls: counterVec("tool_calls_total",
			"MCP tool calls, by tool and outcome: ok, invalid_arguments, caller_limit, upstream_error, tool_error or panic.", "tool", "outcome"),
		toolDuration: histogramVec("tool_call_duration_seconds",
			"How long MCP tool calls took, by tool, whatever their outcome.", "tool"),
		toolsInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "tool_calls_in_flight", Help: "MCP tool calls running now.",
		}),
		upstreamRequests: counterVec("upstream_requests_total",
			"Requests to the Scaleway API, every attempt counted, by route (the operation, such as get_image) and status code (error when no answer came).", "route", "code"),
		upstreamDuration: histogramVec("upstream_request_duration_seconds",
			"How long requests to the Scaleway API took, by route, from sending to the end of the answer.", "route"),
		upstreamRetries: counterVec("upstream_retries_total",
			"Requests to the Scaleway API that were retries of a failed attempt, by route.", "route"),
		restRequests: counterVec("rest_requests_total",
			"Requests to the REST adapter, by route (its pattern; unmatched when none) and status code.", "route", "code"),
		restDuration: histogramVec("rest_request_duration_seconds",
			"How long the REST adapter took to answer, by route.", "route"),
		callerRefusals: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "caller_limit_refusals_total",
			Help: "Calls refused because their caller already had its most calls in flight (--max-calls-per-caller), over MCP and REST.",
		}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info",
		Help:        "The running build: always 1, its labels say which.",
		ConstLabels: prometheus.Labels{"version": opts.Version, "commit": opts.Commit, "go_version": runtime.Version()},
	})
	buildInfo.Set(1)
	m.registry.MustRegister(
		m.toolCalls, m.toolDuration, m.toolsInFlight,
		m.upstreamRequests, m.upstreamDuration, m.upstreamRetries,
		m.restRequests, m.restDuration, m.callerRefusals, buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if opts.UpstreamInFlight != nil {
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "upstream_requests_in_flight",
			Help: "Requests to the Scaleway API in flight now, over every call (at most --max-upstream).",
		}, func() float64 { return float64(opts.UpstreamInFlight()) }))
	}
	for _, tool := range opts.Tools {
		for _, outcome := range tools.Outcomes() {
			m.toolCalls.WithLabelValues(tool, string(outcome))
		}
		m.toolDuration.WithLabelValues(tool)
	}
	return m
}

func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
}

func histogramVec(name, help string, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help, Buckets: durationBuckets}, labels)
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// CallStarted counts a tool call in flight (tools.Observer).
func (m *Metrics) CallStarted(string) { m.toolsInFlight.Inc() }

// CallFinished counts a tool call that ended (tools.Observer).
func (m *Metrics) CallFinished(tool string, outcome tools.Outcome, elapsed time.Duration) {
	m.toolsInFlight.Dec()
	m.toolCalls.WithLabelValues(tool, string(outcome)).Inc()
	m.toolDuration.WithLabelValues(tool).Observe(elapsed.Seconds())
}

// ObserveAttempt counts one attempt of the Scaleway client
// (scaleway.WithObserver).
func (m *Metrics) ObserveAttempt(a scaleway.Attempt) {
	code := "error"
	if a.StatusCode != 0 {
		code = strconv.Itoa(a.StatusCode)
	}
	m.upstreamRequests.WithLabelValues(a.Route, code).Inc()
	m.upstreamDuration.WithLabelValues(a.Route).Observe(a.Duration.Seconds())
	if a.Number > 1 {
		m.upstreamRetries.WithLabelValues(a.Route).Inc()
	}
}

// ObserveREST counts one answer of the REST adapter (rest.Options.Observe).
func (m *Metrics) ObserveREST(route string, status int, elapsed time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.restRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.restDuration.WithLabelValues(route).Observe(elapsed.Seconds())
}

// CallerRefused counts a call refused by the per-caller bound
// (callerlimit.New's onRefuse).
func (m *Metrics) CallerRefused() { m.callerRefusals.Inc() }

// Compile-time check that Metrics observes tool calls.
var _ tools.Observer = (*Metrics)(nil)
