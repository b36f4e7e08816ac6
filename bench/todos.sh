#!/usr/bin/env bash
# `make bench`: every benchmark of issue 10, each printing its table (SQLite, then PostgreSQL).
# Runs under scripts/with-test-services with VETANCO_PG_DURABLE=1 (PostgreSQL keeps fsync on) and
# VETANCO_PG_DATA=bench/.datos/pg (the cluster is kept between runs). BENCH_CASOS sets the size of
# the API benchmark's database (default 1 000 000): the SQLite file and the PostgreSQL database
# are seeded on the first run and reused by the next ones, both in bench/.datos/ (not in git).
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
CASOS=${BENCH_CASOS:-1000000}
run() {
  printf '\n\033[1m$ python %s\033[0m\n' "$*"
  $UV run --frozen python "$@"
}
run bench/ingest.py
run bench/ingest.py --postgres
run bench/bot.py
run bench/bot.py --postgres
run bench/api.py --casos "$CASOS"
run bench/api.py --casos "$CASOS" --postgres
run bench/webhooks.py --sqlite
run bench/reten_sync.py
run bench/reten.py
run bench/crear.py
run bench/crear.py --postgres
run bench/paginas.py --keep bench/.datos/paginas-100000.db
