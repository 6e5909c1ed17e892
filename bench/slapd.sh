#!/usr/bin/env bash
# OpenLDAP slapd for the benchmark's login path: its own config and data under $SLAPD_WORK, on
# ldap://127.0.0.1:$SLAPD_PORT, seeded with $LDAP_USERS distinct users and $LDAP_GROUPS groups.
#
#   bench/slapd.sh start|stop
#
# Users: uid=user0001 .. uid=userNNNN under ou=people,dc=bench,dc=caravan, password
# "pw-<uid>-bench" stored as {SSHA} (as slappasswd makes it; slapd checks a bind against it with
# one salted SHA-1), mail and cn set. Groups: cn=group01 .. under ou=groups, groupOfNames; user i
# is a member of group (i mod LDAP_GROUPS) and of group01, so each login finds one or two groups.
# The service account cn=caravan,ou=services searches; every user attribute a login filters on is
# indexed, as in a directory set up for logins. Unlike .ci/slapd.sh (the integration suite's
# small fixed directory) it is sized and indexed for load.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${SLAPD_WORK:-$PWD/target/bench-slapd}"
PORT="${SLAPD_PORT:-18389}"
USERS="${LDAP_USERS:-1000}"
GROUPS_COUNT="${LDAP_GROUPS:-5}"
SUFFIX="dc=bench,dc=caravan"
ROOT_PW="bench-slapd-root-password"
SERVICE_PW="bench-slapd-service-password"

start() {
  if [ ! -x /usr/sbin/slapd ]; then
    echo "installing slapd and ldap-utils from Debian"
    export DEBIAN_FRONTEND=noninteractive
    # the package's own instance must not start: this one runs with its own config
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -q --no-install-recommends slapd ldap-utils >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends slapd ldap-utils >/dev/null; }
    rm -f /usr/sbin/policy-rc.d
  fi
  stop >/dev/null 2>&1 || true
  rm -rf "$WORK" && mkdir -p "$WORK/data"
  cat > "$WORK/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile $WORK/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
loglevel none
database mdb
maxsize 268435456
suffix "$SUFFIX"
rootdn "cn=admin,$SUFFIX"
rootpw $(/usr/sbin/slappasswd -s "$ROOT_PW")
directory $WORK/data
index objectClass eq
index uid eq
index member eq
index cn eq
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
CONF
  python3 - "$SUFFIX" "$USERS" "$GROUPS_COUNT" "$SERVICE_PW" > "$WORK/seed.ldif" <<'PY'
import base64, hashlib, os, sys
suffix, users, groups, service_pw = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def ssha(password):
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()

out = [f"dn: {suffix}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: Bench\ndc: bench\n"]
for ou in ("people", "groups", "services"):
    out.append(f"dn: ou={ou},{suffix}\nobjectClass: organizationalUnit\nou: {ou}\n")
out.append(f"dn: cn=caravan,ou=services,{suffix}\nobjectClass: person\nobjectClass: simpleSecurityObject\n"
           f"cn: caravan\nsn: service\nuserPassword: {ssha(service_pw)}\n")
members = {g: [] for g in range(1, groups + 1)}
for i in range(1, users + 1):
    uid = f"user{i:04d}"
    dn = f"uid={uid},ou=people,{suffix}"
    out.append(f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: Bench User {i}\nsn: User{i}\n"
               f"mail: {uid}@bench.example\nuserPassword: {ssha(f'pw-{uid}-bench')}\n")
    members[1].append(dn)
    if groups > 1 and (i % groups) + 1 != 1:
        members[(i % groups) + 1].append(dn)
for g, dns in members.items():
    lines = "".join(f"member: {dn}\n" for dn in dns) or f"member: cn=caravan,ou=services,{suffix}\n"
    out.append(f"dn: cn=group{g:02d},ou=groups,{suffix}\nobjectClass: groupOfNames\ncn: group{g:02d}\n{lines}")
print("\n".join(out))
PY
  /usr/sbin/slapadd -q -f "$WORK/slapd.conf" -l "$WORK/seed.ldif" >/dev/null
  /usr/sbin/slapd -f "$WORK/slapd.conf" -h "ldap://127.0.0.1:$PORT/"
  for _ in $(seq 1 60); do
    if ldapsearch -x -H "ldap://127.0.0.1:$PORT/" -b "$SUFFIX" -s base "(objectClass=*)" dn >/dev/null 2>&1; then
      echo "slapd up on ldap://127.0.0.1:$PORT/ (pid $(cat "$WORK/slapd.pid")), $USERS users, $GROUPS_COUNT groups"
      return 0
    fi
    sleep 0.5
  done
  echo "slapd did not answer on port $PORT" >&2
  return 1
}

stop() {
  if [ -f "$WORK/slapd.pid" ]; then
    local pid; pid="$(cat "$WORK/slapd.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$WORK/slapd.pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
