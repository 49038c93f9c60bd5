# Shared by backup.sh and restore.sh (sourced, not run).
ALL_SERVICES=(intake cases documents assessment correspondence gateway)

# The libpq URL of a service's database, from <SERVICE>_DATABASE_URL.
libpq_url() {
  local name="${1^^}_DATABASE_URL"
  local url="${!name:-}"
  [[ -n "$url" ]] || { echo "$name is not set" >&2; return 1; }
  echo "${url/+asyncpg/}"
}

# The database name in a URL (path, without query).
database_of() {
  local rest="${1##*/}"
  echo "${rest%%\?*}"
}

# The same server's maintenance database, for dropping and creating.
admin_url_of() {
  local url="$1" database query=""
  database="$(database_of "$url")"
  [[ "$url" == *\?* ]] && query="?${url#*\?}"
  echo "${url%/*}/postgres$query"
}
