-- Give units back to a sale (an unpaid order expired, a reservation failed) and free the buyer's limit.
-- KEYS: 1 meta hash, 2 stock, 3 buyers hash
-- ARGV: 1 user id, 2 quantity, 3 sold-out channel, 4 "clear" message, 5 "1" to return the stock
-- Returns the units left, or -1 when the sale is not in Redis (lost data: reconciliation rebuilds it
-- from PostgreSQL, which already counts the unit).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
local qty = tonumber(ARGV[2])
local held = redis.call('HINCRBY', KEYS[3], ARGV[1], -qty)
if held <= 0 then
  redis.call('HDEL', KEYS[3], ARGV[1])
end
local left = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[5] == '1' then
  left = redis.call('INCRBY', KEYS[2], qty)
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return left
