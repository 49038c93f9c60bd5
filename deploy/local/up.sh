#!/usr/bin/env bash
# `make up`: migrate, seed, start every service, load demo data, print how to log in.
set -euo pipefail
cd "$(dirname "$0")/../.."
UV="${UV:-uv}"

export BACKOFFICE_ENVIRONMENT="${BACKOFFICE_ENVIRONMENT:-development}"
# Plain http on 127.0.0.1: the session cookie cannot carry the Secure flag here.
export GATEWAY_COOKIE_SECURE="${GATEWAY_COOKIE_SECURE:-false}"
GATEWAY_PORT="${GATEWAY_PORT:-8000}"
OCKTO_PORT="${OCKTO_PORT:-8010}"
# The Ockto simulator stands for the outside party; both sides share a development secret.
export ASSESSMENT_OCKTO_WEBHOOK_SECRET="${ASSESSMENT_OCKTO_WEBHOOK_SECRET:-development-only-ockto-webhook-secret}"
export OCKTO_SIMULATOR_WEBHOOK_SECRET="$ASSESSMENT_OCKTO_WEBHOOK_SECRET"
export ASSESSMENT_OCKTO_API_URL="${ASSESSMENT_OCKTO_API_URL:-http://127.0.0.1:${OCKTO_PORT}}"
export ASSESSMENT_OCKTO_CALLBACK_URL="${ASSESSMENT_OCKTO_CALLBACK_URL:-http://127.0.0.1:${GATEWAY_PORT}/api/v1/ockto/deliveries}"
export OCKTO_SIMULATOR_PUBLIC_URL="${OCKTO_SIMULATOR_PUBLIC_URL:-http://127.0.0.1:${OCKTO_PORT}}"

for service in intake cases documents assessment correspondence gateway; do
  echo "migrating $service"
  $UV run --locked python -m "$service" migrate
done
$UV run --locked backoffice-admin org seed >/dev/null

# Demo staff users with known passwords and a pre-enrolled TOTP secret (development only: the
# CLI refuses --totp-secret in production). Created once; later starts keep them.
DEMO_HANDLER=demo.behandelaar@bollenstreek DEMO_HANDLER_PASSWORD=Tulpen-Hyacint-Narcis-26
DEMO_HANDLER_TOTP=JBSWY3DPEHPK3PXPMFRGGZDFMZTWQ2LK
DEMO_MANAGER=demo.beheerder@amsterdam DEMO_MANAGER_PASSWORD=Grachten-Amstel-Dam-1275
DEMO_MANAGER_TOTP=KRUGS4ZANFZSAYJAMRSW233UN5ZHI4DB
DEMO_AUDITOR=demo.auditor@bollenstreek DEMO_AUDITOR_PASSWORD=Keukenhof-Lisse-Duin-1949
DEMO_AUDITOR_TOTP=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U
existing_users=$($UV run --locked backoffice-admin user list)
if ! grep -q "^${DEMO_HANDLER} " <<<"$existing_users"; then
  $UV run --locked backoffice-admin user create --org isd-bollenstreek --role behandelaar \
    --username "$DEMO_HANDLER" --name "Demo Behandelaar ISD" \
    --password "$DEMO_HANDLER_PASSWORD" --totp-secret "$DEMO_HANDLER_TOTP" --no-password-change >/dev/null
fi
if ! grep -q "^${DEMO_MANAGER} " <<<"$existing_users"; then
  $UV run --locked backoffice-admin user create --org 0363 --role functioneel_beheerder \
    --username "$DEMO_MANAGER" --name "Demo Beheerder Amsterdam" \
    --password "$DEMO_MANAGER_PASSWORD" --totp-secret "$DEMO_MANAGER_TOTP" --no-password-change >/dev/null
fi
if ! grep -q "^${DEMO_AUDITOR} " <<<"$existing_users"; then
  $UV run --locked backoffice-admin user create --org isd-bollenstreek --role auditor \
    --username "$DEMO_AUDITOR" --name "Demo Auditor ISD" \
    --password "$DEMO_AUDITOR_PASSWORD" --totp-secret "$DEMO_AUDITOR_TOTP" --no-password-change >/dev/null
fi

mkdir -p .run
$UV run --locked honcho -f deploy/local/Procfile -d . start &
runner=$!
trap 'kill -TERM $runner 2>/dev/null; wait $runner 2>/dev/null' INT TERM EXIT

$UV run --locked python deploy/local/demo_data.py
operator_key=$($UV run --locked backoffice-admin api-key create --org platform --role operator --label "make up" 2>/dev/null)
isd_key=$($UV run --locked backoffice-admin api-key create --org isd-bollenstreek --role behandelaar --label "make up" 2>/dev/null)

stages=$(cat .run/demo-stages.txt 2>/dev/null || true)
cat <<BANNER

  Gemeentepolis backoffice is running at http://127.0.0.1:${GATEWAY_PORT}
  API documentation:  http://127.0.0.1:${GATEWAY_PORT}/docs

  Staff web UI:  http://127.0.0.1:${GATEWAY_PORT}/ui/inloggen   (demo users, development only)
    ${DEMO_HANDLER}   password ${DEMO_HANDLER_PASSWORD}   TOTP secret ${DEMO_HANDLER_TOTP}
    ${DEMO_MANAGER}       password ${DEMO_MANAGER_PASSWORD}   TOTP secret ${DEMO_MANAGER_TOTP}
    ${DEMO_AUDITOR}    password ${DEMO_AUDITOR_PASSWORD}  TOTP secret ${DEMO_AUDITOR_TOTP}
  Add a secret to an authenticator app, or print the current code:
    $UV run python -c "import pyotp; print(pyotp.TOTP('${DEMO_HANDLER_TOTP}').now())"

  Demo API keys (shown once; new ones on every start):
    operator (platform):             ${operator_key}
    behandelaar (ISD Bollenstreek):  ${isd_key}

  Try:
    curl -H "Authorization: Bearer ${isd_key}" "http://127.0.0.1:${GATEWAY_PORT}/api/v1/overview?isd=isd-bollenstreek"
    curl -H "Authorization: Bearer ${isd_key}" "http://127.0.0.1:${GATEWAY_PORT}/api/v1/cases?municipality=0534&limit=5"
    curl -H "Authorization: Bearer ${operator_key}" "http://127.0.0.1:${GATEWAY_PORT}/api/v1/quarantine"
  (the operator sees counts and the quarantine, never a case file)

  Documents: uploads go to the local S3 endpoint (moto_server, in memory) at http://127.0.0.1:9000;
    a resident's upload page is /inwoner/upload/<token> (POST /api/v1/cases/<id>/upload-links makes one).
  Ockto simulator (stands in for Ockto):  http://127.0.0.1:${OCKTO_PORT}
    webhook secret (development only):    ${ASSESSMENT_OCKTO_WEBHOOK_SECRET}
    a case's assessment, with its Ockto link: curl -H "Authorization: Bearer ${isd_key}" http://127.0.0.1:${GATEWAY_PORT}/api/v1/cases/<id>/assessment
    open the link on a phone-sized window, pick a situation, consent: the advice follows.

${stages}

  Mail catcher (every e-mail the correspondence service sends):
    http://127.0.0.1:8026/messages   (filter: ?case_id=<id>; one message: /messages/<n>)

  Ctrl-C stops every service.
BANNER
wait $runner
