#!/usr/bin/env bash
# Start the machine's PostgreSQL 15 and create the role and database the tests use; print the
# URL to export as TRACKER_TEST_DATABASE_URL. Safe to run twice.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  echo "postgres.sh: PostgreSQL is not installed (pg_ctlcluster not found)" >&2
  exit 1
fi
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "postgres.sh: the server did not start" >&2; exit 1; }
PASSWORD=tracker-test-password
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracker_test') THEN
    CREATE ROLE tracker_test LOGIN PASSWORD '${PASSWORD}';
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'tracker_test'\"" | grep -q 1; then
  su postgres -c "createdb -O tracker_test tracker_test"
fi
echo "postgresql://tracker_test:${PASSWORD}@127.0.0.1:5432/tracker_test"
