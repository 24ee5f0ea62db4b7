// Command benchdriver drives the built server over stdio for
// scripts/bench.sh, as a desktop assistant does: it spawns the binary,
// speaks raw JSON-RPC lines to it and measures what a user waits for and
// what the process costs.
//
//	benchdriver -bin ./scaleway-images-mcp start    # spawn, initialize, tools/list; exit when answered
//	benchdriver -bin ./scaleway-images-mcp bare     # spawn the binary with --version; exit when it does
//	benchdriver -bin ./scaleway-images-mcp -calls 10000 [-api URL] rss
//	                                                # print the tools/list size and peak RSS after the calls
//
// start and bare are what hyperfine times; their difference is the cost
// of starting the server and answering the first tools/list. The server
// runs with --sandbox (no network) unless -api names an API, such as the
// binary's own fake-api on loopback: then the server is the one a user
// runs, and its memory holds no fake.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func main() {
	bin := flag.String("bin", "./scaleway-images-mcp", "the server binary")
	calls := flag.Int("calls", 10000, "tool calls to make before reading peak RSS (rss)")
	flag.StringVar(&apiURL, "api", "", "run the server against the API at this URL (such as the binary's own fake-api) instead of --sandbox")
	flag.Parse()
	var err error
	switch flag.Arg(0) {
	case "start":
		_, err = start(*bin, 0)
	case "bare":
		err = exec.Command(*bin, "--version").Run()
	case "rss":
		err = rss(*bin, *calls)
	default:
		err = fmt.Errorf("usage: benchdriver -bin BINARY [-calls N] [-api URL] start|bare|rss")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdriver:", err)
		os.Exit(1)
	}
}

// apiURL, when set, is the API the server calls; else it runs with
// --sandbox, against its in-process fake.
var apiURL string

// apiKey is any well-formed UUID: the fake accepts them all.
const apiKey = "5a4db0c5-0000-4000-8000-000000000000"

// server is a spawned binary and its stdio.
type server struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

const (
	initialize  = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"benchdriver","version":"0"}}}`
	initialized = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	toolsList   = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
)

// start spawns the server in the sandbox, initializes a session and waits
// for the tools/list answer, returning the server still running (the
// caller stops it) and that answer's size. With keep 0 it stops the
// server itself, as hyperfine's "start" command.
func start(bin string, keep int) (*server, error) {
	args := []string{"--log-level", "error"}
	if apiURL == "" {
		args = append(args, "--sandbox")
	}
	cmd := exec.Command(bin, args...)
	if apiURL != "" {
		// Only what the server needs: no scw config file, no other SCW_*.
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "SCW_API_URL=" + apiURL, "SCW_SECRET_KEY=" + apiKey}
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}
	if _, err := s.request(initialize); err != nil {
		return nil, s.stop(err)
	}
	if _, err := io.WriteString(in, initialized+"\n"); err != nil {
		return nil, s.stop(err)
	}
	answer, err := s.request(toolsList)
	if err != nil {
		return nil, s.stop(err)
	}
	if !bytes.Contains(answer, []byte(`"tools":[`)) {
		return nil, s.stop(fmt.Errorf("tools/list answered %.200s", answer))
	}
	if keep == 0 {
		return nil, s.stop(nil)
	}
	fmt.Printf("tools_list_bytes %d\n", len(answer))
	return s, nil
}

// request writes one line and reads the answer line (without newline).
func (s *server) request(line string) ([]byte, error) {
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		return nil, err
	}
	answer, err := s.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("reading the answer to %.60s: %w", line, err)
	}
	return answer[:len(answer)-1], nil
}

// stop closes stdin, which ends the server, and waits for it.
func (s *server) stop(cause error) error {
	s.in.Close()
	err := s.cmd.Wait()
	if cause != nil {
		return cause
	}
	return err
}

// rss makes calls tool calls (list a page, get an image, in turn) and
// prints the server's peak resident set size (VmHWM) while it still runs.
func rss(bin string, calls int) error {
	s, err := start(bin, 1)
	if err != nil {
		return err
	}
	if calls == 0 {
		hwm, err := peakRSS(s.cmd.Process.Pid)
		if err != nil {
			return s.stop(err)
		}
		fmt.Printf("calls 0\npeak_rss_kib %d\n", hwm)
		return s.stop(nil)
	}
	list, err := s.request(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list-instance-images","arguments":{"public":true,"per_page":1}}}`)
	if err != nil {
		return s.stop(err)
	}
	// The first row's first value is an image id.
	_, rest, ok := bytes.Cut(list, []byte(`"images":[["`))
	id, _, _ := bytes.Cut(rest, []byte(`"`))
	if !ok || len(id) != 36 {
		return s.stop(fmt.Errorf("no image id in %.300s", list))
	}
	requests := []string{
		`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"list-instance-images","arguments":{"public":true}}}`,
		`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get-instance-image","arguments":{"image_id":"` + string(id) + `"}}}`,
	}
	for i := range calls {
		if i == 0 {
			hwm, _ := peakRSS(s.cmd.Process.Pid)
			fmt.Printf("peak_rss_kib_before_calls %d\n", hwm)
		}
		answer, err := s.request(fmt.Sprintf(requests[i%len(requests)], 10+i))
		if err != nil {
			return s.stop(err)
		}
		if bytes.Contains(answer, []byte(`"isError":true`)) || bytes.Contains(answer, []byte(`"error":{`)) {
			return s.stop(fmt.Errorf("call %d failed: %.300s", i, answer))
		}
	}
	hwm, err := peakRSS(s.cmd.Process.Pid)
	if err != nil {
		return s.stop(err)
	}
	fmt.Printf("calls %d\npeak_rss_kib %d\n", calls, hwm)
	return s.stop(nil)
}

// peakRSS reads VmHWM, the peak resident set size, from /proc.
func peakRSS(pid int) (int, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if value, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(value), " kB"))
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}
