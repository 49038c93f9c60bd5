#!/usr/bin/env bash
# Restore each service's database from a directory written by backup.sh: the database is
# dropped (its sessions ended), created empty and filled from the dump.
#
#   deploy/backup/restore.sh <directory> [service ...]
#
# Stop the service (all its replicas) first: it must not write between drop and restore.
# Its queues keep what arrives meanwhile; events it had published but not yet had confirmed
# are in the restored outbox and are sent again (the consumers' inboxes drop the repeats).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

[[ $# -ge 1 ]] || { echo "usage: $0 <directory> [service ...]" >&2; exit 2; }
source_dir="$1"; shift
services=("$@"); [[ ${#services[@]} -gt 0 ]] || services=("${ALL_SERVICES[@]}")
for service in "${services[@]}"; do
  (cd "$source_dir" && sha256sum --quiet --check "$service.sha256")
  url="$(libpq_url "$service")"
  database="$(database_of "$url")"
  admin="$(admin_url_of "$url")"
  dropdb --if-exists --force --maintenance-db="$admin" "$database"
  createdb --maintenance-db="$admin" "$database"
  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$url" "$source_dir/$service.dump"
  echo "restore: $service <- $source_dir/$service.dump"
done
