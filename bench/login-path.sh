# The login path of bench/run.sh (sourced by it after the Token API runs; uses its Caravan, its
# wrk_run and its variables). End users of organizations log in with the password grant:
#
#   benchldap   secondary store: an OpenLDAP slapd of its own (bench/slapd.sh), LDAP_USERS
#               distinct users; each grant is a search, a real bind as that user, a group search
#   benchws     secondary store: an authentication web service (bench/authservice.py serve)
#   benchhung   secondary store: a server that accepts and never answers (authservice.py hang),
#               maxInFlight 1024: loaded with logins while benchldap is measured again
#
# Each organization gets a primary user (the application's owner), an application and a
# subscription, all through the admin API, as a new user would set them up.
LDAP_PORT=${LDAP_PORT:-18389}; WS_PORT=${WS_PORT:-18391}; HUNG_PORT=${HUNG_PORT:-18392}
LDAP_USERS=${LDAP_USERS:-1000}
LOGIN_CONNECTIONS=${LOGIN_CONNECTIONS:-16}
HUNG_CONNECTIONS=${HUNG_CONNECTIONS:-$CONNECTIONS}
TIMING_SAMPLES=${TIMING_SAMPLES:-200}
# store settings beyond the bench's own (JSON objects merged into the PUT body, "ldap" and
# "webService" merged one level down), e.g. LDAP_STORE_OPTIONS='{"ldap":{"poolSize":16}}'
LDAP_STORE_OPTIONS=${LDAP_STORE_OPTIONS:-'{"maxInFlight": 64}'}
WS_STORE_OPTIONS=${WS_STORE_OPTIONS:-'{"maxInFlight": 64}'}
HUNG_STORE_OPTIONS=${HUNG_STORE_OPTIONS:-'{"maxInFlight": 1024, "timeout": "30s"}'}
UNBOUNDID_JAR=${UNBOUNDID_JAR:-$(ls ~/.m2/repository/com/unboundid/unboundid-ldapsdk/*/unboundid-ldapsdk-*.jar 2>/dev/null | sort -V | tail -1)}
LDAP_SUFFIX="dc=bench,dc=caravan"

# ---- the stores
SLAPD_WORK="$WORK/slapd" SLAPD_PORT=$LDAP_PORT LDAP_USERS=$LDAP_USERS bash "$ROOT/bench/slapd.sh" start
SLAPD_PID=$(cat "$WORK/slapd/server/slapd.pid"); PIDS+=("$SLAPD_PID")
python3 "$ROOT/bench/authservice.py" serve "$WS_PORT" & WS_PID=$!; PIDS+=("$WS_PID")
python3 "$ROOT/bench/authservice.py" hang "$HUNG_PORT" & PIDS+=($!)
for _ in $(seq 1 40); do
  curl -s -o /dev/null "http://127.0.0.1:$WS_PORT/" && (exec 3<>"/dev/tcp/127.0.0.1/$HUNG_PORT") 2>/dev/null && break
  sleep 0.25
done

# ---- the organizations, through the admin API
admin_call() { # METHOD PATH [BODY]: prints the answer; stops the run on any status but 2xx
  local out status
  out=$(curl -s -w '\n%{http_code}' -u "admin:$ADMIN_PASSWORD" -H 'Content-Type: application/json' \
    -X "$1" "http://127.0.0.1:$ADMIN_PORT/api/v1$2" ${3:+-d "$3"})
  status=${out##*$'\n'}
  if [ "${status:0:1}" != 2 ]; then echo "admin API $1 $2: $status ${out%$'\n'*}" >&2; exit 1; fi
  echo "${out%$'\n'*}"
}
merge() { # BASE_JSON OPTIONS_JSON: OPTIONS over BASE, its "ldap" / "webService" objects one level
  # down; a null removes the field (for a build that no longer knows it)
  python3 -c 'import json,sys
def over(base, extra, depth):
    for k, v in extra.items():
        if v is None:
            base.pop(k, None)
        elif depth == 0 and isinstance(v, dict) and isinstance(base.get(k), dict):
            over(base[k], v, 1)
        else:
            base[k] = v
    return base
print(json.dumps(over(json.loads(sys.argv[1]), json.loads(sys.argv[2]), 0)))' "$1" "$2"
}
seconds() { case $1 in *ms) echo 1 ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac; }
# login_org ORG STORE_JSON: the organization, its store, a primary user "owner", an application
# subscribed to an API; sets BASIC (the application's client credentials as a Basic header value)
login_org() {
  local org=$1 app api_id
  admin_call POST /organizations "{\"name\":\"$org\",\"displayName\":\"Login bench $org\"}" >/dev/null
  admin_call PUT "/organizations/$org/userstore" "$2" >/dev/null
  admin_call POST "/organizations/$org/users" \
    "{\"username\":\"owner\",\"password\":\"owner-$org-password\",\"roles\":[\"subscriber\"]}" >/dev/null
  app=$(admin_call POST "/organizations/$org/applications" "{\"name\":\"loginapp\",\"owner\":\"owner\"}")
  api_id=$(admin_call POST "/organizations/$org/apis" \
    "{\"name\":\"$org\",\"context\":\"/$org\",\"version\":\"1.0\",\"backendUrl\":\"http://127.0.0.1:$BACKEND_PORT/data\",\"tiers\":[\"Gold\"]}" \
    | json "['id']")
  admin_call POST "/organizations/$org/applications/loginapp/subscriptions" "{\"apiId\":\"$api_id\",\"tier\":\"Gold\"}" >/dev/null
  BASIC="Basic $(printf '%s:%s' "$(echo "$app" | json "['consumerKey']")" "$(echo "$app" | json "['consumerSecret']")" | base64 -w0)"
}
login_org benchldap "$(merge "{\"kind\":\"ldap\",\"mode\":\"local\",\"timeout\":\"5s\",\"ldap\":{
  \"urls\":[\"ldap://127.0.0.1:$LDAP_PORT\"],\"bindDn\":\"cn=caravan,ou=services,$LDAP_SUFFIX\",
  \"bindPassword\":\"bench-slapd-service-password\",\"userSearchBase\":\"ou=people,$LDAP_SUFFIX\",
  \"userFilter\":\"(uid={0})\",\"groupSearchBase\":\"ou=groups,$LDAP_SUFFIX\",\"groupFilter\":\"(member={0})\",
  \"groupNameAttribute\":\"cn\",\"claimAttributes\":{\"email\":\"mail\"}}}" "$LDAP_STORE_OPTIONS")"
LDAP_BASIC=$BASIC
login_org benchws "$(merge "{\"kind\":\"webservice\",\"mode\":\"local\",\"timeout\":\"5s\",\"webService\":{
  \"url\":\"http://127.0.0.1:$WS_PORT/authenticate\",\"username\":\"caravan-bench\",
  \"password\":\"bench-auth-service-password\"}}" "$WS_STORE_OPTIONS")"
WS_BASIC=$BASIC
login_org benchhung "$(merge "{\"kind\":\"ldap\",\"mode\":\"local\",
  \"circuitBreaker\":{\"failureThreshold\":1000,\"openDuration\":\"1s\"},\"ldap\":{
  \"urls\":[\"ldap://127.0.0.1:$HUNG_PORT\"],\"bindDn\":\"cn=caravan,ou=services,$LDAP_SUFFIX\",
  \"bindPassword\":\"bench-slapd-service-password\",\"userSearchBase\":\"ou=people,$LDAP_SUFFIX\",
  \"connectTimeout\":\"3s\",\"responseTimeout\":\"30s\"}}" "$HUNG_STORE_OPTIONS")"
HUNG_BASIC=$BASIC
echo "benchldap store test: $(admin_call POST /organizations/benchldap/userstore/test \
  '{"username":"user0001","password":"pw-user0001-bench"}')" | tee "$WORK/store-tests.txt"
echo "benchws store test: $(admin_call POST /organizations/benchws/userstore/test \
  '{"username":"user0001","password":"pw-user0001-bench"}')" | tee -a "$WORK/store-tests.txt"

# request bodies: one per user (password grants) or per check (the web service alone)
python3 - "$WORK" "$LDAP_USERS" <<'PY'
import json, sys, urllib.parse
work, users = sys.argv[1], int(sys.argv[2])
def grant(user, org, password):
    return urllib.parse.urlencode({"grant_type": "password", "username": f"{user}@{org}", "password": password})
files = {
    "ldap-logins": lambda u: grant(u, "benchldap", f"pw-{u}-bench"),
    "ws-logins": lambda u: grant(u, "benchws", f"pw-{u}-bench"),
    "hung-logins": lambda u: grant(u, "benchhung", f"pw-{u}-bench"),
    "ldap-wrong-password": lambda u: grant(u, "benchldap", f"pw-{u}-wrong"),
    "ldap-unknown-user": lambda u: grant(u.replace("user", "nobody"), "benchldap", f"pw-{u}-bench"),
    "primary-ok": lambda u: grant("owner", "benchldap", "owner-benchldap-password"),
    "primary-wrong-password": lambda u: grant("owner", "benchldap", f"owner-{u}-wrong"),
    "ws-checks": lambda u: json.dumps({"credentials": {"username": u, "password": f"pw-{u}-bench"}}),
}
for name, body in files.items():
    with open(f"{work}/{name}.txt", "w") as f:
        for i in range(1, users + 1):
            f.write(body(f"user{i:04d}") + "\n")
PY
for check in "ldap-logins $LDAP_BASIC" "ws-logins $WS_BASIC"; do
  set -- $check
  curl -sf -o /dev/null -H "Authorization: $2 $3" -H 'Content-Type: application/x-www-form-urlencoded' \
    -d "$(head -1 "$WORK/$1.txt")" "$T/oauth2/token" \
    || { echo "a password grant of $1 failed:"; tail -20 "$WORK/caravan.log"; exit 1; }
done

# ---- measurements
export WRK_THREADS=$THREADS
if [ -n "$UNBOUNDID_JAR" ]; then
  for mode in bind login; do
    echo "measuring: slapd alone ($mode, $LOGIN_CONNECTIONS connections)"
    java -cp "$UNBOUNDID_JAR" "$ROOT/bench/SlapdBinds.java" "$LDAP_PORT" "$LDAP_USERS" "$LOGIN_CONNECTIONS" \
      "$(seconds "$DURATION")" "$mode" >> "$WORK/slapd-rows" 2> "$WORK/slapd-$mode.err" \
      || echo "slapd alone ($mode) failed: $(tail -3 "$WORK/slapd-$mode.err")"
  done
else
  echo "no UnboundID LDAP SDK jar in ~/.m2: slapd alone not measured"
fi
echo "measuring: web service alone ($LOGIN_CONNECTIONS connections)"
CONNECTIONS=$LOGIN_CONNECTIONS CPU_PIDS=$WS_PID wrk_run "ws-alone-c$LOGIN_CONNECTIONS" \
  "http://127.0.0.1:$WS_PORT/authenticate" -s "$ROOT/bench/lua/body-cycle.lua" -- \
  "$WORK/ws-checks.txt" application/json "Basic $(printf caravan-bench:bench-auth-service-password | base64 -w0)"
# CPU per login: Caravan's and the store's together
login_run() { # NAME CONNECTIONS BODIES BASIC STORE_PID
  CONNECTIONS=$2 CPU_PIDS="$CARAVAN_PID $5" wrk_run "$1" "$T/oauth2/token" --timeout 10s \
    -s "$ROOT/bench/lua/body-cycle.lua" -- "$WORK/$3.txt" application/x-www-form-urlencoded "$4"
}
for c in $LOGIN_CONNECTIONS $CONNECTIONS; do
  echo "measuring: password grants, web-service store ($c connections)"
  login_run "login-ws-c$c" "$c" ws-logins "$WS_BASIC" "$WS_PID"
done
echo "measuring: password grants, LDAP store ($CONNECTIONS connections)"
login_run "login-ldap-c$CONNECTIONS" "$CONNECTIONS" ldap-logins "$LDAP_BASIC" "$SLAPD_PID"
echo "measuring: timing of password grants by outcome ($TIMING_SAMPLES each, one at a time)"
python3 "$ROOT/bench/login_timing.py" "$T/oauth2/token" "$LDAP_BASIC" "$TIMING_SAMPLES" "$WORK/timing-rows" \
  ldap-ok="$WORK/ldap-logins.txt" ldap-unknown-user="$WORK/ldap-unknown-user.txt" \
  ldap-wrong-password="$WORK/ldap-wrong-password.txt" primary-ok="$WORK/primary-ok.txt" \
  primary-wrong-password="$WORK/primary-wrong-password.txt" > "$WORK/timing.md"
echo "measuring: password grants, LDAP store ($LOGIN_CONNECTIONS connections)"
login_run "login-ldap-c$LOGIN_CONNECTIONS" "$LOGIN_CONNECTIONS" ldap-logins "$LDAP_BASIC" "$SLAPD_PID"
# the hung organization, last (its logins hold whatever they hold until its timeout, 30 s, ends):
# its logins wait on a server that never answers, HUNG_CONNECTIONS at a time, through the whole
# warm-up and measured run of benchldap's logins at LOGIN_CONNECTIONS, which are compared with
# the run just before (the same, without the hung load)
hung_seconds=$(( $(seconds "$WARMUP") + $(seconds "$DURATION") + 10 ))
echo "measuring: password grants, LDAP store ($LOGIN_CONNECTIONS connections) while $HUNG_CONNECTIONS connections log in to the hung organization"
wrk -t1 -c"$HUNG_CONNECTIONS" -d"${hung_seconds}s" --timeout 60s --latency -s "$ROOT/bench/lua/body-cycle.lua" \
  "$T/oauth2/token" -- "$WORK/hung-logins.txt" application/x-www-form-urlencoded "$HUNG_BASIC" \
  > "$WORK/wrk-hung-load.txt" 2>&1 &
HUNG_WRK=$!; PIDS+=("$HUNG_WRK")
sleep 5
login_run "login-ldap-hung-c$LOGIN_CONNECTIONS" "$LOGIN_CONNECTIONS" ldap-logins "$LDAP_BASIC" "$SLAPD_PID"
wait "$HUNG_WRK" 2>/dev/null || true
python3 "$ROOT/bench/parse_wrk.py" hung-load "$WORK/wrk-hung-load.txt" > "$WORK/hung-row"
