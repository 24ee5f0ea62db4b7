#!/usr/bin/env bash
# Replicas behind a real proxy: starts the binary's fake Scaleway API
# (images stay "creating" for 2 s), three replicas of the MCP HTTP listener
# pointed at it with no secret key of their own, and HAProxy (Debian's
# package, installed if missing) balancing them round-robin. Then:
#
#   1. the official TypeScript MCP client runs a full session through the
#      proxy (scripts/mcp-clients/session.mjs: list snapshots, create with
#      wait and progress, list, both updates, get, delete), sending its own
#      X-Auth-Token, a key that no replica holds;
#   2. internal/cmd/mcpload keeps CLIENTS concurrent read calls going
#      through the proxy (list-instance-images and get-instance-image, each
#      a new stateless POST, each client with its own X-Auth-Token, as a
#      team's callers) while each replica in turn gets SIGTERM, exits,
#      starts again on its port and is back in the proxy, ROUNDS times over;
#      it prints the calls made, the calls failed, p50 and p99 latency.
#
# It fails if the session fails or any call of the load failed. Everything
# it started is stopped on exit.
#
#   scripts/replicas.sh                   # CLIENTS=12 ROUNDS=1
#   CLIENTS=16 ROUNDS=3 scripts/replicas.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
CLIENTS=${CLIENTS:-12}
ROUNDS=${ROUNDS:-1}

# HAProxy from Debian's packages, installed if missing (the package lists
# are updated only when the install needs them); its output is shown only
# when it fails. The package's own service is not used.
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [[ ! -x $haproxy ]]; then
	echo "replicas: installing haproxy (Debian package)..." >&2
	apt_log=$(mktemp)
	install_haproxy() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy; }
	if ! { install_haproxy || { apt-get update -q && install_haproxy; }; } >"$apt_log" 2>&1; then
		cat "$apt_log" >&2
		exit 1
	fi
	rm -f "$apt_log"
	haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
fi

# The official TypeScript SDK, as scripts/client-sessions.sh uses it.
cache=$(bash "$root/scripts/mcp-clients/install.sh")

work=$(mktemp -d)
fake_pid=""
dropper_pid=""
proxy_pid=""
load_pid=""
replica_pid=()
replica_port=()
cleanup() {
	local status=$?
	for pid in "$load_pid" "$proxy_pid" "$dropper_pid" "${replica_pid[@]}" "$fake_pid"; do
		if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; fi
	done
	wait 2>/dev/null || true
	if ((status != 0)); then
		for log in "$work"/*.log; do
			[[ -s $log ]] || continue
			echo "--- ${log##*/} (last 30 lines)" >&2
			tail -n 30 "$log" >&2
		done
	fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/scaleway-images-mcp" .
go build -o "$work/mcpload" ./internal/cmd/mcpload
bin="$work/scaleway-images-mcp"

now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f s", b - a }'; }

# started LOG PATTERN waits (up to 10 s) for a process to log the address it
# listens on, and prints the first match of PATTERN in its log.
started() {
	for _ in $(seq 100); do
		if match=$(grep -o -m1 -E "$2" "$1" 2>/dev/null); then
			echo "$match"
			return
		fi
		sleep 0.1
	done
	echo "replicas: no address in $1" >&2
	exit 1
}

# http PORT REQUEST sends a whole HTTP/1.0 request to 127.0.0.1:PORT and
# prints the answer, headers included; it fails when nothing listens.
http() (
	exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	printf '%s' "$2" >&3
	cat <&3
) 2>/dev/null

# http_get PORT PATH prints the body of a GET that was answered 200.
http_get() {
	local answer
	answer=$(http "$1" $'GET '"$2"$' HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n') || return 1
	[[ $answer == "HTTP/1."?" 200 "* ]] || return 1
	printf '%s\n' "${answer#*$'\r\n\r\n'}"
}

# wait_for WHAT COMMAND... retries COMMAND every 50 ms for up to 10 s.
wait_for() {
	local what=$1
	shift
	for _ in $(seq 200); do
		if "$@" >/dev/null; then return; fi
		sleep 0.05
	done
	echo "replicas: $what did not happen within 10 s" >&2
	exit 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$bin" fake-api --addr 127.0.0.1:0 --creating 2s >"$work/fake-api.log" 2>&1 &
fake_pid=$!
fake_url=$(started "$work/fake-api.log" 'http://127\.0\.0\.1:[0-9]+')

# start_replica N PORT starts replica N (0-based) on 127.0.0.1:PORT (0: any
# port, read from its log). Its environment is only what it needs: the API,
# a default project and zone, no secret key and no scw config file, so that
# every call runs on its caller's own X-Auth-Token. On loopback it needs no
# bearer token; HAProxy sends it a loopback Host. Its drain delay (1.5 s) is
# longer than HAProxy takes to see /healthz fail (fastinter 250 ms, fall 1),
# so that no request reaches it once it stops taking connections.
start_replica() {
	local log="$work/replica-r$(($1 + 1)).log"
	env -i PATH="$PATH" HOME="$work" SCW_API_URL="$fake_url" \
		SCW_DEFAULT_PROJECT_ID=22222222-2222-4222-8222-222222222222 SCW_DEFAULT_ZONE=fr-par-1 \
		SCALEWAY_IMAGES_MCP_DRAIN_DELAY=1500ms \
		"$bin" --http "127.0.0.1:$2" --log-level info >>"$log" 2>&1 &
	replica_pid[$1]=$!
	if [[ $2 == 0 ]]; then
		replica_port[$1]=$(started "$log" '"addr":"[^"]+"' | cut -d'"' -f4 | cut -d: -f2)
	fi
	wait_for "r$(($1 + 1)) answering /healthz" http_get "${replica_port[$1]}" /healthz
}
for i in 0 1 2; do start_replica "$i" 0; done
echo "fake API at $fake_url; replicas r1, r2, r3 at 127.0.0.1 ports ${replica_port[*]}, no secret key"
echo

proxy_port=$(free_port)
stats_port=$(free_port)

# haproxy_config PORT1 PORT2 PORT3 writes the proxy's configuration, with
# the replicas r1, r2 and r3 on those ports, and checks it.
haproxy_config() {
	cat >"$work/haproxy.cfg" <<EOF
global
	log stdout format raw local0 info
	maxconn 2000
	# One thread: with more, lines logged to stdout at the same moment are
	# dropped (show info: DroppedLogs), and the log counts requests below.
	nbthread 1

defaults
	mode http
	log global
	# Not the keep-alive connections a client closes without a request.
	option dontlognull
	# One line per request: replica, status, retries (+ when redispatched),
	# termination state, total time in ms.
	log-format "%b/%s status=%ST retries=%rc term=%ts total_ms=%Ta %HM %HU"
	timeout connect 2s
	timeout client 6m
	# Above the 5 minutes a create that waits may take (its default
	# wait_timeout) when it answers in JSON, without progress events.
	timeout server 6m
	timeout http-request 10s
	timeout http-keep-alive 10s
	timeout queue 10s
	timeout check 2s

frontend mcp
	bind 127.0.0.1:$proxy_port
	default_backend replicas

backend replicas
	balance roundrobin
	# A connection to the proxy may stay open (keep-alive), but each request
	# gets its own connection to a replica, closed after the answer: none
	# sits idle in a pool for a stopping replica to close under a request.
	option http-server-close
	# A request that fails is tried again, up to 3 times, each time on
	# another replica: after a refused connection (a stopping replica has
	# closed its listener), and, for reads only (below), after a connection
	# closed with no answer or an answer that never came.
	retries 3
	option redispatch 1
	retry-on conn-failure empty-response response-timeout
	# Only reads may be sent twice: a tools/call of any other tool (create
	# is not idempotent) is retried only when it never reached a replica.
	# Reading the body needs it buffered (MCP messages are small; a request
	# larger than a buffer is never retried).
	option http-buffer-request
	acl mcp_call req.body -m sub tools/call
	acl mcp_read_call req.body -m reg "\"name\" *: *\"(list-instance-images|get-instance-image|list-snapshots)\""
	acl mcp_write_name req.body -m sub create-instance-image update-image delete-instance-image
	http-request disable-l7-retry if mcp_call !mcp_read_call or mcp_write_name
	# The replicas listen on loopback, where they answer only to a loopback
	# Host (DNS-rebinding defence).
	http-request set-header Host 127.0.0.1
	http-response set-header X-Replica %[srv_name]
	# Health: GET /healthz with a loopback Host, every second (250 ms while
	# in doubt or down); a replica is out after one failed check or one
	# refused connection of real traffic, and back after two good checks.
	option httpchk
	http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
	http-check expect status 200
	default-server check inter 1s fastinter 250ms downinter 250ms fall 1 rise 2 observe layer4 error-limit 1 on-error mark-down
	server r1 127.0.0.1:$1
	server r2 127.0.0.1:$2
	server r3 127.0.0.1:$3

listen stats
	bind 127.0.0.1:$stats_port
	no log
	stats enable
	stats uri /
EOF
	"$haproxy" -c -q -f "$work/haproxy.cfg"
}

# start_proxy LOG starts HAProxy, logging to LOG, and waits until its stats
# say r1, r2 and r3 are UP; stop_proxy stops it.
start_proxy() {
	"$haproxy" -db -f "$work/haproxy.cfg" >"$1" 2>&1 &
	proxy_pid=$!
	for name in r1 r2 r3; do wait_for "$name UP in the proxy" proxy_up "$name"; done
}
stop_proxy() {
	kill "$proxy_pid"
	wait "$proxy_pid" || true
	proxy_pid=""
}

# proxy_up NAME succeeds when HAProxy's stats say replica NAME is UP.
proxy_up() {
	http_get "$stats_port" '/;csv' | awk -F, -v name="$1" '$1 == "replicas" && $2 == name { found = ($18 == "UP") } END { exit !found }'
}

# mcp_post BODY [HEADER] POSTs one JSON-RPC message to /mcp through the
# proxy and prints the answer, headers included.
mcp_post() {
	local headers="Host: 127.0.0.1"$'\r\n'"Content-Type: application/json"$'\r\n'"Accept: application/json, text/event-stream"$'\r\n'
	if [[ -n ${2:-} ]]; then headers+="$2"$'\r\n'; fi
	http "$proxy_port" "POST /mcp HTTP/1.0"$'\r\n'"$headers""Content-Length: ${#1}"$'\r\n\r\n'"$1"
}
call_body() { printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":%s}}' "$1" "$2"; }

echo "== the proxy's retries, against a stand-in replica that reads each call and closes without an answer"
# Only reads may be sent again once they reached a replica: create is not
# idempotent, and the other writes are not replayed either.
python3 -u -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
print("port", s.getsockname()[1])
while True:
    c, _ = s.accept()
    request = c.recv(65536)
    if request.startswith(b"GET /healthz "):
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    else:
        print("dropped", request.split(b"\r\n", 1)[0].decode())
    c.close()
' >"$work/dropper.log" 2>&1 &
dropper_pid=$!
dropper_port=$(started "$work/dropper.log" '^port [0-9]+' | cut -d' ' -f2)
haproxy_config "$dropper_port" "$dropper_port" "$dropper_port"
start_proxy "$work/haproxy-retries.log"
for call in "list-instance-images {} 4" "get-instance-image {\"image_id\":\"2075b8fb-6b96-8ced-ace7-889afec266b1\"} 4" \
	"create-instance-image {\"root_volume\":\"cceeac58-2082-84f0-bf07-cff497894b23\",\"arch\":\"x86_64\"} 1" \
	"update-image-2 {\"image_id\":\"2075b8fb-6b96-8ced-ace7-889afec266b1\",\"name\":\"list-snapshots\"} 1" \
	"delete-instance-image {\"image_id\":\"2075b8fb-6b96-8ced-ace7-889afec266b1\"} 1"; do
	read -r tool args want <<<"$call"
	before=$(grep -c '^dropped' "$work/dropper.log" || true)
	answer=$(mcp_post "$(call_body "$tool" "$args")" || true)
	sent=$(($(grep -c '^dropped' "$work/dropper.log" || true) - before))
	echo "    ${tool}: sent to a replica $sent time(s), answered $(head -n1 <<<"$answer" | tr -d '\r')"
	if ((sent != want)); then
		echo "replicas: $tool was sent $sent time(s), want $want" >&2
		exit 1
	fi
done
stop_proxy
kill "$dropper_pid"
wait "$dropper_pid" 2>/dev/null || true
dropper_pid=""

haproxy_config "${replica_port[@]}"
start_proxy "$work/haproxy.log"
mcp_url="http://127.0.0.1:$proxy_port/mcp"
echo
echo "HAProxy $("$haproxy" -v | awk 'NR == 1 { print $3 }') at $mcp_url, round-robin over r1, r2, r3"

# The caller's own key: any UUID is a key to the fake API.
key=$(cat /proc/sys/kernel/random/uuid)

echo
echo "== the replicas hold no key: a call without X-Auth-Token is a tool error"
answer=$(mcp_post "$(call_body list-instance-images '{}')")
if [[ $answer != *'"isError":true'* || $answer != *'no Scaleway secret key'* ]]; then
	echo "replicas: a call without X-Auth-Token was answered:" >&2
	echo "$answer" >&2
	exit 1
fi
echo "    ← no Scaleway secret key (answered by $(grep -i -o -m1 'X-Replica: r[0-9]' <<<"$answer" | cut -d' ' -f2))"

echo
echo "== TypeScript client through HAProxy, with its own X-Auth-Token (images creating for 2 s)"
before_session=$(wc -l <"$work/haproxy.log")
node "$cache/session.mjs" http "$mcp_url" --progress --header "X-Auth-Token: $key"
sleep 0.2 # HAProxy logs a request just after its answer
session_lines=$(wc -l <"$work/haproxy.log")
echo "    (the session's requests by replica: $(sed -n "$((before_session + 1)),${session_lines}p" "$work/haproxy.log" | grep -o '^replicas/r[0-9]' | sort | uniq -c | awk '{ printf "%s%s %s", sep, substr($2, 10), $1; sep = ", " }'))"

echo
echo "== $CLIENTS clients, each with its own key, calling list-instance-images and get-instance-image through HAProxy (reads only), while each replica in turn gets SIGTERM and starts again ($ROUNDS round(s))"
# Each client is a caller of its own, with its own key, as in a team.
"$work/mcpload" -url "$mcp_url" -clients "$CLIENTS" -duration 5m -key-per-client >"$work/load.out" 2>&1 &
load_pid=$!
load_start=$(now)
sleep 3
for round in $(seq "$ROUNDS"); do
	for i in 0 1 2; do
		name="r$((i + 1))"
		t0=$(now)
		kill -TERM "${replica_pid[$i]}"
		rc=0
		wait "${replica_pid[$i]}" || rc=$?
		if ((rc != 0)); then
			echo "replicas: $name exited with status $rc after SIGTERM" >&2
			exit 1
		fi
		exited=$(since "$t0")
		start_replica "$i" "${replica_port[$i]}"
		answering=$(since "$t0")
		wait_for "$name UP in the proxy again" proxy_up "$name"
		echo "    round $round, $name: SIGTERM, exited after $exited, answering /healthz after $answering, UP in HAProxy after $(since "$t0")"
		# Let the load spread over the three again before the next one.
		sleep 1
	done
done
sleep 3
kill -INT "$load_pid"
load_status=0
wait "$load_pid" || load_status=$?
load_pid=""
cat "$work/load.out"
echo "    (load and restarts: $(since "$load_start"))"
tail -n +"$((session_lines + 1))" "$work/haproxy.log" | awk '
	/^replicas\// {
		n++
		split($3, r, "=")
		if (r[2] != "0") retried++
		split($2, s, "=")
		if (s[2] != "200") bad[s[2]]++
	}
	END {
		printf "    HAProxy: %d requests, %d retried on another replica", n, retried
		for (code in bad) printf ", %d answered %s", bad[code], code
		printf "\n"
	}'
if ((load_status != 0)); then
	echo "replicas: calls failed during the rolling restart" >&2
	exit 1
fi
