#!/usr/bin/env bash
# Caravan load benchmark: one command, one machine, one table.
#
#   bash bench/run.sh                 # 60 s per measurement (the issue's figure)
#   DURATION=20s bash bench/run.sh    # quicker look
#   ONLY_API=1 / ONLY_TOKEN=1         # only the API call / only the Token API and the login path
#
# It installs nginx and wrk from Debian if missing, builds the jar if missing, then starts:
#   backend   nginx serving a fixed 1 KiB body on 127.0.0.1:18081
#   baseline  nginx as a plain keep-alive reverse proxy to it on 127.0.0.1:18082
#   caravan   the gateway (heap capped at 512 MB) on 127.0.0.1:18280, seeded through its admin
#             API with an API whose backend is the nginx backend
# and measures with wrk (2 threads, 64 connections, warm-up first): the backend directly, the
# nginx proxy, Caravan's full API-call pipeline (its API carries the swap-authorization-headers
# mediator; calls send Authorization and X-Authorization), and the Token API grants. Then the login
# path (bench/login-path.sh): password grants of organizations whose secondary store is an
# OpenLDAP slapd with LDAP_USERS (1,000) distinct users, an authentication web service, or a
# server that never answers. Everything runs on loopback, every run is bounded in time, and
# everything started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DURATION=${DURATION:-60s}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
HEAP=${HEAP:-512m}
BACKEND_PORT=${BACKEND_PORT:-18081}; PROXY_PORT=${PROXY_PORT:-18082}
TRAFFIC_PORT=${TRAFFIC_PORT:-18280}; ADMIN_PORT=${ADMIN_PORT:-19443}
ADMIN_PASSWORD="bench-admin-$(date +%s)"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK="$ROOT/bench/results/$STAMP"
mkdir -p "$WORK"
RESULTS="$WORK/results.md"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
  echo "installing nginx and wrk from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
NGINX=$(command -v nginx)

JAR=$(ls "$ROOT"/target/caravan-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [ -z "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  echo "building the jar"
  mvn -q -B -ntp package -DskipTests
  JAR=$(ls "$ROOT"/target/caravan-*.jar | grep -v original | head -1)
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/backend/nginx.pid" ] && kill "$(cat "$WORK/backend/nginx.pid")" 2>/dev/null || true
  [ -f "$WORK/proxy/nginx.pid" ] && kill "$(cat "$WORK/proxy/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

# ---- nginx backend (1 KiB body) and nginx proxy (the baseline)
BODY=$(head -c 1024 < /dev/zero | tr '\0' 'x')
mkdir -p "$WORK/backend" "$WORK/proxy"
cat > "$WORK/backend/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/backend/nginx.pid;
error_log $WORK/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/backend; proxy_temp_path $WORK/backend; fastcgi_temp_path $WORK/backend;
  uwsgi_temp_path $WORK/backend; scgi_temp_path $WORK/backend;
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location / { default_type application/json; return 200 '$BODY'; }
  }
}
CONF
cat > "$WORK/proxy/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/proxy/nginx.pid;
error_log $WORK/proxy/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/proxy; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/proxy;
  uwsgi_temp_path $WORK/proxy; scgi_temp_path $WORK/proxy;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
"$NGINX" -p "$WORK/backend" -c "$WORK/backend/nginx.conf"
"$NGINX" -p "$WORK/proxy" -c "$WORK/proxy/nginx.conf"

# ---- Caravan
# Event loops: Caravan's own default, one per core (EVENT_LOOPS=0). Since each event loop has its
# own backend connection pool (no call crosses threads), two loops on a 2-core Xeon served 1.10
# times the calls of one (two same-run comparisons, 6 rounds each, 2026-11-30), at more CPU per
# call; one loop had left a quarter of the machine idle. EVENT_LOOPS=1 measures one loop.
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
# start_caravan JAR TRAFFIC_PORT ADMIN_PORT DIR EVENT_LOOPS [ARGS [JAVA_OPTS]]: starts Caravan from
# JAR with its data in DIR (ARGS: more --key=value) and seeds it through its admin API; sets
# CARAVAN_PID, KEY, SECRET, T (traffic URL) and TOKEN
start_caravan() {
  local jar=$1 traffic_port=$2 admin_port=$3 dir=$4 loops=$5 more=${6:-} jvm=${7:-${CARAVAN_JAVA_OPTS:-}}
  mkdir -p "$dir"
  # the database URL keeps the default's options (WRITE_DELAY=0: every commit durable), only the
  # file moves; the secrets key comes from the environment, as in production; the backend is on
  # loopback, which the gateway calls only when allowed; the failed-login limits are raised, as
  # the login path's timing runs fail hundreds of logins from one address on purpose
  CARAVAN_SECRETS_KEY="$(head -c 32 /dev/urandom | base64 -w0)" \
  java -Xms${HEAP} -Xmx${HEAP} -XX:+UseParallelGC $jvm -jar "$jar" \
    --caravan.traffic.host=127.0.0.1 --caravan.traffic.port=$traffic_port --server.port=$admin_port \
    --caravan.admin.password="$ADMIN_PASSWORD" \
    --spring.datasource.url="jdbc:h2:file:$dir/caravan-db;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0" \
    --caravan.broker.data-dir="$dir/artemis" --caravan.broker.tcp.enabled=false \
    --caravan.gateway.backend-networks.allowed=127.0.0.0/8 \
    --caravan.traffic.event-loops="$loops" \
    --logging.file.name="$dir/caravan.log" --logging.level.root=WARN \
    --caravan.token.max-failures-per-user=1000000 --caravan.token.max-failures-per-address=1000000 \
    ${CARAVAN_ARGS:-} $more \
    > "$dir/caravan.out" 2>&1 &
  CARAVAN_PID=$!
  PIDS+=("$CARAVAN_PID")
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$admin_port/actuator/health" >/dev/null 2>&1 && break
    kill -0 "$CARAVAN_PID" 2>/dev/null || { echo "caravan did not start:"; tail -40 "$dir/caravan.out"; exit 1; }
    sleep 1
  done

  # seed through the admin API
  local admin=(-sf -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json')
  local a="http://127.0.0.1:$admin_port/api/v1" app api_id
  curl "${admin[@]}" -X POST "$a/organizations" -d '{"name":"bench","displayName":"Benchmark"}' >/dev/null
  curl "${admin[@]}" -X POST "$a/organizations/bench/users" \
    -d '{"username":"dev","password":"dev-bench-password","roles":["subscriber","publisher"]}' >/dev/null
  curl "${admin[@]}" -X POST "$a/organizations/bench/users" -d '{"username":"jane","password":"jane-bench-password","roles":[]}' >/dev/null
  app=$(curl "${admin[@]}" -X POST "$a/organizations/bench/applications" -d '{"name":"benchapp","owner":"dev"}')
  KEY=$(echo "$app" | json "['consumerKey']"); SECRET=$(echo "$app" | json "['consumerSecret']")
  api_id=$(curl "${admin[@]}" -X POST "$a/organizations/bench/apis" \
    -d "{\"name\":\"bench\",\"context\":\"/bench\",\"version\":\"1.0\",\"backendUrl\":\"http://127.0.0.1:$BACKEND_PORT/data\",\"tiers\":[\"Gold\"],\"policy\":{\"mediation\":{\"request\":[\"swap-authorization-headers\"]}}}" \
    | json "['id']")
  curl "${admin[@]}" -X POST "$a/organizations/bench/applications/benchapp/subscriptions" \
    -d "{\"apiId\":\"$api_id\",\"tier\":\"Gold\"}" >/dev/null
  T="http://127.0.0.1:$traffic_port"
  TOKEN=$(curl -sf -u "$KEY:$SECRET" -d grant_type=password -d username=jane@bench -d password=jane-bench-password \
    "$T/oauth2/token" | json "['access_token']")
  # the benchmark API carries the swap-authorization-headers mediator (X-Authorization pattern)
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H "X-Authorization: Bearer $USER_TOKEN" "$T/bench/1.0/item" \
    || { echo "API call through Caravan ($jar) failed"; exit 1; }
}
USER_TOKEN="backend-user-token-for-the-swap"
# BASELINE_JAR: another build, started beside this one and measured in the same rounds
# (BASELINE_EVENT_LOOPS: its event loops, default EVENT_LOOPS; BASELINE_ARGS: more --key=value for it;
# BASELINE_JAVA_OPTS: its JVM options, default CARAVAN_JAVA_OPTS)
if [ -n "${BASELINE_JAR:-}" ]; then
  start_caravan "$BASELINE_JAR" $((TRAFFIC_PORT + 1)) $((ADMIN_PORT + 1)) "$WORK/baseline" \
    "${BASELINE_EVENT_LOOPS:-${EVENT_LOOPS:-0}}" "${BASELINE_ARGS:-}" "${BASELINE_JAVA_OPTS:-}"
  BASE_PID=$CARAVAN_PID BASE_T=$T BASE_TOKEN=$TOKEN
fi
start_caravan "$JAR" "$TRAFFIC_PORT" "$ADMIN_PORT" "$WORK" "${EVENT_LOOPS:-0}"

# ---- measurements
# wrk_run NAME URL [wrk options...] [-- script arguments...]
wrk_run() {
  local name=$1 url=$2; shift 2
  local opts=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && shift && args=("$@")
  if [ -z "${NO_WARMUP:-}" ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${opts[@]}" "$url" -- "${args[@]}" >/dev/null 2>&1 || true
  fi
  local before; before=$(cpu_ticks ${CPU_PIDS:-})
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${opts[@]}" "$url" -- "${args[@]}" \
    > "$WORK/wrk-$name.txt" 2>&1 || true
  local after; after=$(cpu_ticks ${CPU_PIDS:-})
  echo "$(python3 "$ROOT/bench/parse_wrk.py" "$name" "$WORK/wrk-$name.txt")|$((after - before))" >> "$WORK/rows"
}
# CPU time (user + system, in clock ticks) used so far by the given processes, all their threads
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$sum"
}
: > "$WORK/rows"
# CPU per request is read for the process under test: the nginx proxy's workers, or Caravan
PROXY_PIDS=$(pgrep -P "$(cat "$WORK/proxy/nginx.pid")" | tr '\n' ' ')
[ -z "${ONLY_TOKEN:-}" ] && { echo "measuring: backend direct"; wrk_run backend "http://127.0.0.1:$BACKEND_PORT/data/item"; }
measure_baseline() {
  echo "measuring (round $1/$ROUNDS): the same API call on the baseline build ($BASELINE_JAR)"
  CPU_PIDS=$BASE_PID wrk_run "caravan-baseline.$1" "$BASE_T/bench/1.0/item" \
    -H "Authorization: Bearer $BASE_TOKEN" -H "X-Authorization: Bearer $USER_TOKEN"
}
# the baseline and Caravan alternate, round after round, so drift on a shared machine hits both
for round in $(seq 1 "$ROUNDS"); do
  [ -n "${ONLY_TOKEN:-}" ] && break
  echo "measuring (round $round/$ROUNDS): nginx proxy"
  CPU_PIDS=$PROXY_PIDS wrk_run "nginx-proxy.$round" "http://127.0.0.1:$PROXY_PORT/data/item"
  # with a baseline build, the two builds take turns going first
  if [ -n "${BASE_PID:-}" ] && [ $((round % 2)) -eq 0 ]; then measure_baseline "$round"; fi
  echo "measuring (round $round/$ROUNDS): caravan API call (token check, subscription, swap mediator, backend JWT, forward)"
  CPU_PIDS=$CARAVAN_PID wrk_run "caravan-api.$round" "$T/bench/1.0/item" -H "Authorization: Bearer $TOKEN" -H "X-Authorization: Bearer $USER_TOKEN"
  if [ -n "${BASE_PID:-}" ] && [ $((round % 2)) -eq 1 ]; then measure_baseline "$round"; fi
done
RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$CARAVAN_PID/status)
if [ -n "${ONLY_API:-}" ]; then
  python3 "$ROOT/bench/report.py" "$WORK/rows" "$RSS_KB" "$HEAP" "$DURATION" "$THREADS" "$CONNECTIONS" "$ROUNDS" > "$RESULTS"
  cat "$RESULTS"; echo; echo "results: $RESULTS"; exit 0
fi

echo "measuring: token API client_credentials"
wrk_run token-client-credentials "$T/oauth2/token" -s "$ROOT/bench/lua/form-post.lua" -- \
  "grant_type=client_credentials" "$(printf '%s:%s' "$KEY" "$SECRET" | base64 -w0)"
echo "measuring: token API refresh_token (rotating)"
: > "$WORK/refresh-tokens.txt"
for _ in $(seq 1 $((CONNECTIONS * 2))); do
  curl -sf -u "$KEY:$SECRET" -d grant_type=password -d username=jane@bench -d password=jane-bench-password \
    "$T/oauth2/token" | json "['refresh_token']" >> "$WORK/refresh-tokens.txt"
done
# refresh tokens are single-use: a warm-up would leave the measured run with spent tokens (and a
# spent token revokes its family), so this one is measured without its own warm-up; the
# client_credentials run before it has warmed the same code.
export WRK_THREADS=$THREADS
NO_WARMUP=1 wrk_run token-refresh "$T/oauth2/token" -s "$ROOT/bench/lua/refresh.lua" -- \
  "$WORK/refresh-tokens.txt" "$(printf '%s:%s' "$KEY" "$SECRET" | base64 -w0)"
echo "measuring: token API password (Argon2id, primary store)"
wrk_run token-password "$T/oauth2/token" --timeout 10s -s "$ROOT/bench/lua/form-post.lua" -- \
  "grant_type=password&username=jane%40bench&password=jane-bench-password" \
  "$(printf '%s:%s' "$KEY" "$SECRET" | base64 -w0)"

# the login path: organizations with secondary stores (slapd, a web service, a hung server)
source "$ROOT/bench/login-path.sh"

python3 "$ROOT/bench/report.py" "$WORK/rows" "$RSS_KB" "$HEAP" "$DURATION" "$THREADS" "$CONNECTIONS" "$ROUNDS" \
  "$WORK" > "$RESULTS"
cat "$RESULTS"
echo
echo "results: $RESULTS"
