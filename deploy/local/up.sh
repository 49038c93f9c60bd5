#!/usr/bin/env bash
# `make up`: migrate, seed, start every service, load demo data, print how to log in.
set -euo pipefail
cd "$(dirname "$0")/../.."
UV="${UV:-uv}"

export BACKOFFICE_ENVIRONMENT="${BACKOFFICE_ENVIRONMENT:-development}"
GATEWAY_PORT="${GATEWAY_PORT:-8000}"

for service in intake cases gateway; do
  echo "migrating $service"
  $UV run --locked python -m "$service" migrate
done
$UV run --locked backoffice-admin org seed >/dev/null

mkdir -p .run
$UV run --locked honcho -f deploy/local/Procfile -d . start &
runner=$!
trap 'kill -TERM $runner 2>/dev/null; wait $runner 2>/dev/null' INT TERM EXIT

$UV run --locked python deploy/local/demo_data.py
operator_key=$($UV run --locked backoffice-admin api-key create --org platform --role operator --label "make up" 2>/dev/null)
isd_key=$($UV run --locked backoffice-admin api-key create --org isd-bollenstreek --role behandelaar --label "make up" 2>/dev/null)

cat <<BANNER

  Gemeentepolis backoffice is running at http://127.0.0.1:${GATEWAY_PORT}
  API documentation:  http://127.0.0.1:${GATEWAY_PORT}/docs

  Demo API keys (shown once; new ones on every start):
    operator (platform):             ${operator_key}
    behandelaar (ISD Bollenstreek):  ${isd_key}

  Try:
    curl -H "Authorization: Bearer ${isd_key}" "http://127.0.0.1:${GATEWAY_PORT}/api/v1/overview?isd=isd-bollenstreek"
    curl -H "Authorization: Bearer ${operator_key}" "http://127.0.0.1:${GATEWAY_PORT}/api/v1/cases?municipality=0363&limit=5"

  Ctrl-C stops every service.
BANNER
wait $runner
