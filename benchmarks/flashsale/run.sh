#!/usr/bin/env bash
# One command for the flash-sale figures: makes sure wrk, PostgreSQL and the benchmark tools
# (benchmarks/requirements.txt: py-spy) are there, then runs bench_flashsale.py, which appends its
# figures to benchmarks/RESULTS.md. Knobs: BENCH_DURATION (10), BENCH_WORKERS (4), BENCH_THREADS (2),
# BENCH_CONNECTIONS (32), BENCH_DRAIN_RESERVATIONS (20000), BENCH_REHEARSAL_BUYERS (10000),
# BENCH_REHEARSAL_UNITS (5000), BENCH_DATABASE_URL, BENCH_NO_RESULTS=1 (print only).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  fi
  command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
fi
if ! pg_isready -q -h 127.0.0.1; then
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
fi
for _ in $(seq 1 40); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
pg_isready -q -h 127.0.0.1 || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }

[ -x .venv/bin/python ] || { echo "no .venv: run 'make install' first" >&2; exit 1; }
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt

exec .venv/bin/python benchmarks/flashsale/bench_flashsale.py "$@"
