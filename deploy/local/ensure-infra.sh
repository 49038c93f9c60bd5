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
if ! port_open 5672; then
  echo "starting RabbitMQ"
  as_root rabbitmq-server -detached
  wait_port 5672
fi

# A broker can listen on its port and still hang on management commands (seen here: add_vhost
# taking minutes after a hard kill). Tests make a virtual host per session, so prove that works
# and restart a broker that cannot.
broker_answers() {
  local probe="probe-$$"
  timeout 60 rabbitmqctl -q add_vhost "$probe" >/dev/null 2>&1 \
    && timeout 60 rabbitmqctl -q delete_vhost "$probe" >/dev/null 2>&1
}
if command -v rabbitmqctl >/dev/null && [ "$(id -u)" = 0 ]; then
  if [ "${CI:-}" = true ]; then
    # Virtual hosts of earlier test runs that were killed before their teardown.
    for vhost in $(timeout 60 rabbitmqctl -q list_vhosts name 2>/dev/null | grep -E '^(test|replicas|bench|probe)-' || true); do
      timeout 60 rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    done
  fi
  if ! broker_answers; then
    echo "RabbitMQ does not answer management commands: restarting it" >&2
    timeout 60 rabbitmqctl -q stop >/dev/null 2>&1 || pkill -9 -f beam.smp || true
    for _ in $(seq 1 30); do port_open 5672 || break; sleep 1; done
    as_root rabbitmq-server -detached
    wait_port 5672
    timeout 120 rabbitmqctl -q await_startup
    broker_answers || { echo "RabbitMQ still does not answer after a restart" >&2; exit 1; }
  fi
fi
