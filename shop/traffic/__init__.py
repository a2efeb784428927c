"""Traffic control shared by every app: filters that answer a request fast before it costs anything.

Generic on purpose (shop/ never imports apps/): nothing here knows what a flash sale is.

- `ratelimit.TokenBucketLimiter`: process-local token buckets per key (user, IP); refusing needs
  no network round trip, so a flood is turned away at the cost of a dict lookup.
- `flags.FlagCache`: process-local boolean flags (e.g. "sale 12 is sold out") with a TTL, kept
  fresh across processes by a Redis pub/sub subscriber thread.
- `localcache.LocalTTLCache`: a tiny process-local cache of values that may be a second stale.
- `admission.InFlightLimiter`: admission control, at most N requests of a kind in flight per
  process; the rest get an immediate "retry" instead of queueing behind them.
"""
