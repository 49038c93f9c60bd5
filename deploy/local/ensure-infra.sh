#!/usr/bin/env bash
# Makes sure the tools and the local PostgreSQL and RabbitMQ this project needs are installed and
# running. Safe to run again; used by `make up`, `make test` and CI.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

command -v make >/dev/null || apt_install make
command -v pg_ctlcluster >/dev/null || apt_install postgresql
command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
[ -x /usr/bin/chromium ] || apt_install chromium fonts-dejavu-core
# The documents service's virus-scan test starts Debian's clamd with a signature database of its
# own (signatures cannot be downloaded here); its freshclam and daemon services are not used.
command -v clamd >/dev/null || [ -x /usr/sbin/clamd ] || apt_install clamav-daemon
# promtool checks and unit-tests the alerting rules in deploy/monitoring.
command -v promtool >/dev/null || apt_install prometheus
# Word letters: LibreOffice kept running behind unoserver (its Python bridge python3-uno).
[ -x /usr/bin/soffice ] && [ -f /usr/lib/python3/dist-packages/uno.py ] \
  || apt_install libreoffice-writer-nogui python3-uno
# `make test` renders deploy/kubernetes with `kubectl kustomize` (kubectl ships on the image;
# Debian 12 has no kubectl package, so a missing one is reported, not guessed at).
command -v kubectl >/dev/null || echo "kubectl not found: the Kubernetes manifest test will fail" >&2
if ! command -v uv >/dev/null; then
  python3 -m pip install --quiet uv || apt_install pipx
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "nothing listens on 127.0.0.1:$1 after 60 s" >&2; return 1
}

if ! port_open 5432; then
  echo "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  wait_port 5432
fi
if ! psql -h 127.0.0.1 -U postgres -tAc 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL on 127.0.0.1:5432 does not let user postgres in (trust auth expected)" >&2
  exit 1
fi
# The test workers and the end-to-end system's services each keep connection pools: more than
# Debian's default of 100 connections at once.
if [ "$(psql -h 127.0.0.1 -U postgres -tAc 'show max_connections' 2>/dev/null || echo 0)" -lt 300 ]; then
  echo "raising PostgreSQL's max_connections to 300 (restarts PostgreSQL)"
  psql -h 127.0.0.1 -U postgres -qc 'ALTER SYSTEM SET max_connections = 300'
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main restart
  wait_port 5432
fi
if ! port_open 5672; then
  echo "starting RabbitMQ"
  as_root rabbitmq-server -detached
  wait_port 5672
fi

# Every test session declares some 70 quorum queues, and each holds file handles from the broker's
# handle cache. At Debian's default of 1024 open files the cache runs out after a few sessions
# and the broker hangs (add_vhost never returns; seen here). So the broker gets the hard limit.
ENV_CONF=/etc/rabbitmq/rabbitmq-env.conf
if [ "$(id -u)" = 0 ] && [ -d /etc/rabbitmq ] && ! grep -q 'ulimit -n' "$ENV_CONF" 2>/dev/null; then
  printf '%s\n' '# backoffice (deploy/local/ensure-infra.sh): quorum queues need more than 1024 handles.' \
    'ulimit -n "$(ulimit -Hn)" 2>/dev/null || true' >> "$ENV_CONF"
fi
handle_limit() {
  timeout 30 rabbitmqctl -q eval \
    'proplists:get_value(total_limit, file_handle_cache:info([total_limit])).' 2>/dev/null || echo 0
}
# A broker can listen on its port and still hang on management commands. Tests make a virtual
# host per session, so prove that works.
broker_answers() {
  local probe="probe-$$"
  timeout 60 rabbitmqctl -q add_vhost "$probe" >/dev/null 2>&1 \
    && timeout 60 rabbitmqctl -q delete_vhost "$probe" >/dev/null 2>&1
}
restart_broker() {
  echo "restarting RabbitMQ: $1" >&2
  timeout 60 rabbitmqctl -q stop >/dev/null 2>&1 || true
  pkill -9 -f beam.smp 2>/dev/null || true
  for _ in $(seq 1 30); do port_open 5672 || break; sleep 1; done
  as_root rabbitmq-server -detached
  wait_port 5672
  timeout 180 rabbitmqctl -q await_startup
}
if command -v rabbitmqctl >/dev/null && [ "$(id -u)" = 0 ]; then
  timeout 180 rabbitmqctl -q await_startup >/dev/null 2>&1 || restart_broker "it does not finish starting"
  if [ "${CI:-}" = true ]; then
    # Virtual hosts (and their quorum queues) of earlier test runs killed before their teardown.
    for vhost in $(timeout 60 rabbitmqctl -q list_vhosts name 2>/dev/null | grep -E '^(test|replicas|bench|probe)-' || true); do
      timeout 120 rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    done
  fi
  if [ "$(handle_limit)" -lt 4000 ]; then
    restart_broker "it was started with too few file handles"
  fi
  if ! broker_answers; then
    restart_broker "it does not answer management commands"
    broker_answers || { echo "RabbitMQ still does not answer after a restart" >&2; exit 1; }
  fi
fi
