#!/usr/bin/env bash
# OpenLDAP slapd for the integration suite tagged "slapd": installed from Debian if missing,
# run with its own config and data under $SLAPD_WORK on ldap://127.0.0.1:$SLAPD_PORT, seeded
# from src/test/resources/ldap/openldap-seed.ldif. Usage: .ci/slapd.sh start|stop
# The benchmark's directory (bench/slapd.sh) is this one with another suffix ($SLAPD_SUFFIX), seed
# ($SLAPD_SEED), size ($SLAPD_MAXSIZE) and more slapd.conf lines ($SLAPD_EXTRA_CONF: indexes).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${SLAPD_WORK:-$PWD/target/it-slapd}"
PORT="${SLAPD_PORT:-3389}"
SUFFIX="${SLAPD_SUFFIX:-dc=example,dc=com}"
ROOT_DN="cn=admin,$SUFFIX"
ROOT_PW="slapd-it-admin-password"
SEED="${SLAPD_SEED:-src/test/resources/ldap/openldap-seed.ldif}"
MAXSIZE="${SLAPD_MAXSIZE:-104857600}"
EXTRA_CONF="${SLAPD_EXTRA_CONF:-}"

install() {
  if ! command -v slapd >/dev/null 2>&1 && [ ! -x /usr/sbin/slapd ]; then
    echo "installing slapd and ldap-utils from Debian"
    export DEBIAN_FRONTEND=noninteractive
    # the package's own instance must not start: we run ours with its own config
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -q --no-install-recommends slapd ldap-utils >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends slapd ldap-utils >/dev/null; }
    rm -f /usr/sbin/policy-rc.d
  fi
}

start() {
  install
  stop >/dev/null 2>&1 || true
  rm -rf "$WORK" && mkdir -p "$WORK/data"
  local hash; hash="$(/usr/sbin/slappasswd -s "$ROOT_PW")"
  cat > "$WORK/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile $WORK/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize $MAXSIZE
suffix "$SUFFIX"
rootdn "$ROOT_DN"
rootpw $hash
directory $WORK/data
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
# the service account may read a user's groups past the size limit (500) in paged searches only,
# as a directory serving Caravan should allow: slapd otherwise caps a paged search at that limit too
limits dn.exact="cn=caravan,ou=services,$SUFFIX" size.prtotal=unlimited
$EXTRA_CONF
CONF
  /usr/sbin/slapadd -f "$WORK/slapd.conf" -l "$SEED" >/dev/null
  /usr/sbin/slapd -f "$WORK/slapd.conf" -h "ldap://127.0.0.1:$PORT/"
  for _ in $(seq 1 60); do
    if ldapsearch -x -H "ldap://127.0.0.1:$PORT/" -b "$SUFFIX" -s base "(objectClass=*)" dn >/dev/null 2>&1; then
      echo "slapd up on ldap://127.0.0.1:$PORT/ (pid $(cat "$WORK/slapd.pid")), seeded from $SEED"
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
