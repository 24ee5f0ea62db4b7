// Command podmeasure reproduces the figures behind the resources of
// deploy/kubernetes/deployment.yaml: it runs the scaleway-images-mcp binary with both
// listeners, against its own fake-api (or against a hostile upstream that
// answers pages just under the 4 MiB cap), drives MCP and REST calls over
// HTTP and reads the server's CPU time and RSS from /proc (Linux only).
// Every scenario starts a fresh server.
//
//	go run ./internal/cmd/podmeasure            # builds the binary first
//	go run ./internal/cmd/podmeasure -bin /path/to/scaleway-images-mcp -steady 10s
//
// It is not run in CI: it takes about three minutes and a few hundred MiB,
// and its times depend on the machine.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scaleway-images-mcp/scaleway-images-mcp/scaleway/scalewaytest"
)

const (
	secretKey = "5a4db0c5-0000-4000-8000-000000000000" // the fake accepts any UUID
	publicID  = "44080c85-2a79-8cb5-8ffb-61d099c13350" // a public image of the fake's seed, fr-par-1
)

func main() {
	bin := flag.String("bin", "", "the scaleway-images-mcp binary (default: go build the repository at ../..)")
	steady := flag.Duration("steady", 30*time.Second, "length of each steady-rate scenario")
	memLimit := flag.String("gomemlimit", "192MiB", "GOMEMLIMIT of the hostile scenarios that set one (deployment.yaml's)")
	flag.Parse()
	if err := run(*bin, *steady, *memLimit); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

func run(bin string, steady time.Duration, memLimit string) error {
	if runtime.GOOS != "linux" {
		return errors.New("reads /proc: Linux only")
	}
	if bin == "" {
		dir, err := os.MkdirTemp("", "measure")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "scaleway-images-mcp")
		build := exec.Command("go", "build", "-trimpath", "-o", bin, "github.com/scaleway-images-mcp/scaleway-images-mcp")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	version, _ := exec.Command(bin, "--version").Output()
	fmt.Printf("%s, %s/%s, %d CPUs\n\n", strings.TrimSpace(string(version)), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())

	fakeAddr, err := freeAddr()
	if err != nil {
		return err
	}
	fake := exec.Command(bin, "fake-api", "--addr", fakeAddr)
	dieWithParent(fake)
	if err := fake.Start(); err != nil {
		return err
	}
	defer func() { _ = fake.Process.Kill(); _ = fake.Wait() }()
	if err := waitHealthy("http://" + fakeAddr + "/instance/v1/zones/fr-par-1/images?per_page=1"); err != nil {
		return fmt.Errorf("fake-api: %w", err)
	}
	hostile := httptest.NewServer(hostileHandler(scalewaytest.HostileImagesPage(1)))
	defer hostile.Close()

	var failedIn []string
	rate := func(perSecond int) scenario {
		return scenario{calls: int(float64(perSecond) * steady.Seconds()), clients: 20, rate: float64(perSecond)}
	}
	for _, s := range []struct {
		name string
		api  string
		env  []string
		scenario
	}{
		{"idle after start (one call)", "http://" + fakeAddr, nil, scenario{calls: 1, clients: 1}},
		{fmt.Sprintf("10 calls/s for %v", steady), "http://" + fakeAddr, nil, rate(10)},
		{fmt.Sprintf("100 calls/s for %v", steady), "http://" + fakeAddr, nil, rate(100)},
		{"saturation: 100 clients, 10,000 calls", "http://" + fakeAddr, nil, scenario{calls: 10000, clients: 100}},
		// What a CPU limit of 1 gives: Go sets GOMAXPROCS from it.
		{"saturation: 100 clients, 10,000 calls, GOMAXPROCS=1", "http://" + fakeAddr, []string{"GOMAXPROCS=1"}, scenario{calls: 10000, clients: 100}},
		{"hostile upstream, 1 call", hostile.URL, nil, scenario{calls: 2, clients: 1, hostile: true}},
		{"hostile upstream, 1 call, GOMEMLIMIT=" + memLimit, hostile.URL, []string{"GOMEMLIMIT=" + memLimit}, scenario{calls: 2, clients: 1, hostile: true}},
		{"hostile upstream, 4 concurrent calls", hostile.URL, nil, scenario{calls: 8, clients: 4, hostile: true}},
		{"hostile upstream, 4 concurrent calls, GOMEMLIMIT=" + memLimit, hostile.URL, []string{"GOMEMLIMIT=" + memLimit}, scenario{calls: 8, clients: 4, hostile: true}},
		{"hostile upstream, 16 concurrent calls, GOMEMLIMIT=" + memLimit, hostile.URL, []string{"GOMEMLIMIT=" + memLimit}, scenario{calls: 32, clients: 16, hostile: true}},
	} {
		res, err := measure(bin, s.api, s.env, s.scenario)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Printf("%s\n  %s\n", s.name, res)
		if res.failed > 0 {
			// A refused call costs next to nothing: such figures would
			// flatter the server.
			failedIn = append(failedIn, s.name)
		}
	}
	if len(failedIn) > 0 {
		return fmt.Errorf("calls failed in %s: these figures are not the server's work", strings.Join(failedIn, "; "))
	}
	return nil
}

// scenario is a number of calls by concurrent clients, at a rate or as
// fast as the server answers.
type scenario struct {
	calls, clients int
	rate           float64 // calls a second over all clients; 0: no pacing
	hostile        bool    // every call lists every zone's pages
}

type result struct {
	calls, failed    int
	elapsed          time.Duration
	p50, p99         time.Duration
	cpu              time.Duration
	startRSS, endRSS int // kB, VmRSS
	peakRSS          int // kB, VmHWM
}

func (r result) String() string {
	millicores := "-" // meaningless over a few milliseconds
	if r.elapsed >= time.Second {
		millicores = strconv.Itoa(int(r.cpu.Seconds() / r.elapsed.Seconds() * 1000))
	}
	return fmt.Sprintf("%d calls (%d failed) in %.1f s, %.0f calls/s, p50 %v, p99 %v; server CPU %.2f s = %s millicores; RSS %.1f MiB at start, %.1f MiB after, peak (VmHWM) %.1f MiB",
		r.calls, r.failed, r.elapsed.Seconds(), float64(r.calls)/r.elapsed.Seconds(), r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond),
		r.cpu.Seconds(), millicores, mib(r.startRSS), mib(r.endRSS), mib(r.peakRSS))
}

func mib(kB int) float64 { return float64(kB) / 1024 }

// measure starts a server against api, runs s against it and stops it.
func measure(bin, api string, env []string, s scenario) (result, error) {
	cmd := exec.Command(bin, "--http", "127.0.0.1:0", "--rest", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "SCW_API_URL="+api, "SCW_SECRET_KEY="+secretKey, "SCW_DEFAULT_ZONE=fr-par-1", "SCALEWAY_IMAGES_MCP_LOG_LEVEL=info")
	cmd.Env = append(cmd.Env, env...)
	dieWithParent(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return result{}, err
	}
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	addrs, err := listening(stderr)
	if err != nil {
		return result{}, err
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	pid := cmd.Process.Pid
	r := result{startRSS: procStatus(pid, "VmRSS")}
	cpu0 := procCPU(pid)
	start := time.Now()
	latencies, failed := drive("http://"+addrs["mcp"]+"/mcp", "http://"+addrs["rest"], s)
	r.elapsed = time.Since(start)
	r.cpu = procCPU(pid) - cpu0
	r.calls, r.failed = len(latencies), failed
	slices.Sort(latencies)
	r.p50, r.p99 = latencies[(len(latencies)-1)/2], latencies[(len(latencies)-1)*99/100]
	r.endRSS, r.peakRSS = procStatus(pid, "VmRSS"), procStatus(pid, "VmHWM")
	return r, nil
}

// listening reads the server's log until both listeners said where.
func listening(stderr io.Reader) (map[string]string, error) {
	addrs := map[string]string{}
	sc := bufio.NewScanner(stderr)
	for len(addrs) < 2 && sc.Scan() {
		var line struct{ Listener, Addr, Message string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "listening" {
			addrs[line.Listener] = line.Addr
		}
	}
	if addrs["mcp"] == "" || addrs["rest"] == "" {
		return nil, fmt.Errorf("the server did not say where it listens: %v", sc.Err())
	}
	return addrs, nil
}

// drive makes s.calls calls, each client with its own connections and its
// own key in X-Auth-Token, as the members of a team are (the server bounds
// each caller's calls in flight, --max-calls-per-caller): mostly MCP reads
// (lists, gets, snapshots), some REST reads. A call failed when its answer
// is not 200 or is a tool error.
func drive(mcpURL, restURL string, s scenario) ([]time.Duration, int) {
	var next, failed atomic.Int64
	var pace <-chan time.Time
	if s.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / s.rate))
		defer t.Stop()
		pace = t.C
	}
	var mu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	for c := range s.clients {
		key := fmt.Sprintf("11111111-2222-4333-8444-%012d", c)
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}, Timeout: 2 * time.Minute}
			defer client.CloseIdleConnections()
			for {
				i := int(next.Add(1)) - 1
				if i >= s.calls {
					return
				}
				if pace != nil {
					<-pace
				}
				req := request(mcpURL, restURL, i, s.hostile)
				req.Header.Set("X-Auth-Token", key)
				start := time.Now()
				ok := call(client, req)
				d := time.Since(start)
				if !ok {
					failed.Add(1)
				}
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return latencies, int(failed.Load())
}

func request(mcpURL, restURL string, i int, hostile bool) *http.Request {
	tool := func(name, args string) *http.Request {
		body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, i, name, args)
		r, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, mcpURL, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Accept", "application/json, text/event-stream")
		r.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		return r
	}
	get := func(path string) *http.Request {
		r, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, restURL+path, nil)
		return r
	}
	if hostile {
		return tool("list-instance-images", `{"zone":"all","all_pages":true,"per_page":100}`)
	}
	switch i % 10 {
	case 0, 1, 2:
		return tool("list-instance-images", `{}`)
	case 3:
		return tool("list-instance-images", `{"public":true,"per_page":5,"page":2}`)
	case 4, 5, 6:
		return tool("get-instance-image", `{"image_id":"`+publicID+`"}`)
	case 7:
		return tool("list-snapshots", `{}`)
	case 8:
		return get("/v1/instance/v1/zones/fr-par-1/images?public=true&per_page=20")
	default:
		return get("/v1/instance/v1/zones/fr-par-1/images/" + publicID)
	}
}

func call(client *http.Client, req *http.Request) bool {
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && !bytes.Contains(body, []byte(`"isError":true`))
}

// hostileHandler answers every request with page, claiming 999,999 images.
func hostileHandler(page []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Total-Count", "999999")
		_, _ = w.Write(page)
	})
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(url string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Auth-Token", secretKey)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procStatus is a field of /proc/PID/status in kB (VmRSS, VmHWM).
func procStatus(pid int, field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return -1
}

// procCPU is the user and system CPU time of a process so far.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	// Fields 14 and 15 of stat (utime, stime), counted from the state
	// (field 3), in clock ticks of 1/100 s on Linux.
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
