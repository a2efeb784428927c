#!/usr/bin/env bash
# One command for the read-path figures (benchmarks/pages/README.md): makes sure wrk, nginx with
# brotli_static, PostgreSQL and Redis are there, then runs bench.py, which appends its figures to
# benchmarks/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  command -v wrk >/dev/null || missing="$missing wrk"
  command -v nginx >/dev/null || missing="$missing nginx-light"
  [ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing="$missing libnginx-mod-http-brotli-static"
  if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null 2>&1 ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y $missing >/dev/null; } ||
      echo "could not install:$missing (the figures that need them are skipped)" >&2
  fi
fi
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

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

exec .venv/bin/python benchmarks/pages/bench.py "$@"
