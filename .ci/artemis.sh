#!/usr/bin/env bash
# A standalone ActiveMQ Artemis 2.40.0 broker (its own JVM process) for the suite tagged
# "artemis". Usage: .ci/artemis.sh install|create|start|kill|stop|status
#   install  fetch org.apache.activemq:apache-artemis:2.40.0:tar.gz:bin with Maven and unpack it
#   create   make a broker instance: login required, core protocol on 127.0.0.1:$ARTEMIS_PORT
#   start    run it in the background and wait until it accepts connections
#   kill     SIGKILL the broker JVM (a crash: no clean shutdown, the journal is what survives)
#   stop     graceful stop, SIGKILL after a deadline
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${ARTEMIS_WORK:-$PWD/target/it-artemis}"
PORT="${ARTEMIS_PORT:-61617}"
USER_NAME="${ARTEMIS_USER:-caravan-it}"
PASSWORD="${ARTEMIS_PASSWORD:-caravan-it-password}"
VERSION=2.40.0
HOME_DIR="$WORK/apache-artemis-$VERSION"
INSTANCE="$WORK/instance"
PID_FILE="$WORK/broker.pid"

install() {
  if [ ! -x "$HOME_DIR/bin/artemis" ]; then
    mkdir -p "$WORK"
    mvn -B -ntp -q dependency:copy -Dartifact="org.apache.activemq:apache-artemis:$VERSION:tar.gz:bin" \
      -DoutputDirectory="$WORK"
    tar xzf "$WORK/apache-artemis-$VERSION-bin.tar.gz" -C "$WORK"
  fi
}

create() {
  install
  rm -rf "$INSTANCE"
  "$HOME_DIR/bin/artemis" create "$INSTANCE" --silent --force --user "$USER_NAME" --password "$PASSWORD" \
    --require-login --host 127.0.0.1 --default-port "$PORT" --no-web --no-amqp-acceptor --no-mqtt-acceptor \
    --no-stomp-acceptor --no-hornetq-acceptor --nio --java-memory 256M --name caravan-it >/dev/null
  # 'create' keeps -Xms512M next to the smaller -Xmx: make them agree
  sed -i 's/-Xms512M/-Xms128M/' "$INSTANCE/etc/artemis.profile"
}

running() {
  [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

start() {
  [ -x "$INSTANCE/bin/artemis" ] || create
  if running; then echo "already running (pid $(cat "$PID_FILE"))"; return 0; fi
  # 'artemis run' execs the JVM, so $! is the broker's own java process
  nohup "$INSTANCE/bin/artemis" run > "$WORK/broker.out" 2>&1 &
  echo $! > "$PID_FILE"
  for _ in $(seq 1 120); do
    if grep -q "AMQ221007" "$WORK/broker.out" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      echo "artemis up on tcp://127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
      return 0
    fi
    if ! running; then echo "artemis exited:" >&2; tail -20 "$WORK/broker.out" >&2; return 1; fi
    sleep 0.5
  done
  echo "artemis did not start on port $PORT" >&2
  tail -20 "$WORK/broker.out" >&2
  return 1
}

kill9() {
  if running; then
    local pid; pid="$(cat "$PID_FILE")"
    kill -9 "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    rm -f "$PID_FILE"
    echo "artemis killed (SIGKILL, pid $pid)"
  fi
}

stop() {
  if running; then
    local pid; pid="$(cat "$PID_FILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
  fi
}

case "${1:-}" in
  install) install ;;
  create) create ;;
  start) start ;;
  kill) kill9 ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$PID_FILE"))"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 install|create|start|kill|stop|status" >&2; exit 2 ;;
esac
