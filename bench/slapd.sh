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
# indexed, as in a directory set up for logins. The server is the integration suite's
# (.ci/slapd.sh) with this seed, suffix, size and indexes.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${SLAPD_WORK:-$PWD/target/bench-slapd}"
PORT="${SLAPD_PORT:-18389}"
USERS="${LDAP_USERS:-1000}"
GROUPS_COUNT="${LDAP_GROUPS:-5}"
SUFFIX="dc=bench,dc=caravan"
INDEXES="index objectClass eq
index uid eq
index member eq
index cn eq"
SERVICE_PW="bench-slapd-service-password"

start() {
  stop >/dev/null 2>&1 || true
  mkdir -p "$WORK"
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
  # the integration suite's slapd, with this directory's suffix, seed, size and indexes
  SLAPD_WORK="$WORK/server" SLAPD_PORT="$PORT" SLAPD_SUFFIX="$SUFFIX" SLAPD_SEED="$WORK/seed.ldif" \
    SLAPD_MAXSIZE=268435456 SLAPD_EXTRA_CONF="$INDEXES" bash .ci/slapd.sh start
  echo "bench directory: $USERS users, $GROUPS_COUNT groups"
}

stop() {
  SLAPD_WORK="$WORK/server" SLAPD_PORT="$PORT" bash .ci/slapd.sh stop
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
