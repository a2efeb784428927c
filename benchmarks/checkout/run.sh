#!/usr/bin/env bash
# Checkout throughput (orders/s) through the ordinary path, beside the floor, on gunicorn +
# PostgreSQL; appends to benchmarks/RESULTS.md. Knobs: BENCH_BUYERS (600), BENCH_CONCURRENCY (32),
# BENCH_WORKERS (4), BENCH_DATABASE_URL, BENCH_REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/../.."
pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
[ -x .venv/bin/python ] || { echo "no .venv: run 'make install' first" >&2; exit 1; }
exec .venv/bin/python benchmarks/checkout/bench_checkout.py "$@"
