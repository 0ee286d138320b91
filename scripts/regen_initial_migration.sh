#!/usr/bin/env bash
# Until the first release, the schema is one initial revision regenerated from the models.
# (After a release, never edit a shipped revision: add a new one.)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial_schema.py
.venv/bin/alembic -c migrations/alembic.ini -x db="sqlite:///$tmp/gen.db" revision --autogenerate -m "initial schema" --rev-id 0001 >/dev/null
.venv/bin/alembic -c migrations/alembic.ini -x db="sqlite:///$tmp/gen.db" upgrade head
.venv/bin/alembic -c migrations/alembic.ini -x db="sqlite:///$tmp/gen.db" check
rm -rf "$tmp"
