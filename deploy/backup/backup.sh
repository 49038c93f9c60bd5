#!/usr/bin/env bash
# Dump each service's database (pg_dump's custom format, compressed) into a directory.
#
#   deploy/backup/backup.sh <directory> [service ...]
#
# Each service's database comes from its own setting, <SERVICE>_DATABASE_URL (the service's
# SQLAlchemy URL; the `+asyncpg` driver part is dropped for libpq). Without services: all six.
# Writes <directory>/<service>.dump and <directory>/<service>.sha256; a dump is consistent on
# its own (one snapshot), the services need no pause. Restore with restore.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

[[ $# -ge 1 ]] || { echo "usage: $0 <directory> [service ...]" >&2; exit 2; }
target="$1"; shift
services=("$@"); [[ ${#services[@]} -gt 0 ]] || services=("${ALL_SERVICES[@]}")
mkdir -p "$target"
for service in "${services[@]}"; do
  url="$(libpq_url "$service")"
  pg_dump --format=custom --no-owner --no-privileges --file="$target/$service.dump.partial" "$url"
  mv "$target/$service.dump.partial" "$target/$service.dump"
  (cd "$target" && sha256sum "$service.dump" > "$service.sha256")
  echo "backup: $service -> $target/$service.dump ($(stat -c %s "$target/$service.dump") bytes)"
done
