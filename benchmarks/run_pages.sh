#!/usr/bin/env bash
# One command for the page benchmark (also `make bench`): makes sure wrk, PostgreSQL and Redis are
# there, then runs benchmarks/bench_pages.py, which appends its figures to benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; } ||
      echo "wrk could not be installed; falling back to the Python load generator" >&2
  else
    echo "wrk is missing (apt-get install wrk); falling back to the Python load generator" >&2
  fi
fi

if ! pg_isready -q -h 127.0.0.1; then
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
fi
if [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" != "PONG" ]; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 40); do
  pg_isready -q -h 127.0.0.1 && [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = "PONG" ] && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
[ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = "PONG" ] || { echo "Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }

exec .venv/bin/python benchmarks/bench_pages.py "$@"
