-- Admit one buyer to a flash sale, atomically (one round trip; Redis runs scripts one at a time).
-- KEYS: 1 meta hash, 2 stock, 3 buyers hash, 4 reservation stream, 5 owners hash (rid -> user),
--       6 admitted counter, 7 per-second stats hash (prefix; the second is appended here)
-- ARGV: 1 user id, 2 quantity, 3 reservation id, 4 sale id, 5 sold-out channel, 6 sold-out message
-- Returns {code, detail}: 1 admitted (units left) | 0 sold out (units left) | -1 not live (state)
--                         -2 over the buyer's limit (units held) | -3 sale data missing (rebuild)
local function tally(now_ms, field)
  local key = KEYS[7] .. ':' .. string.format('%d', math.floor(now_ms / 1000))
  redis.call('HINCRBY', key, field, 1)
  redis.call('EXPIRE', key, 180)
end

local meta = redis.call('HMGET', KEYS[1], 'state', 'starts_at', 'ends_at', 'limit')
if not meta[1] then
  return {-3, 'missing'}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if meta[1] ~= 'live' then
  tally(now, 'not_live')
  return {-1, meta[1]}
end
if now < tonumber(meta[2]) then
  tally(now, 'not_live')
  return {-1, 'not_started'}
end
if now >= tonumber(meta[3]) then
  tally(now, 'not_live')
  return {-1, 'ended'}
end

local qty = tonumber(ARGV[2])
local held = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if held + qty > tonumber(meta[4]) then
  tally(now, 'over_limit')
  return {-2, held}
end

local stock = tonumber(redis.call('GET', KEYS[2]))
if not stock then
  return {-3, 'missing'}
end
if stock < qty then
  tally(now, 'sold_out')
  if stock <= 0 then
    redis.call('PUBLISH', ARGV[5], ARGV[6])
  end
  return {0, stock}
end

local left = redis.call('DECRBY', KEYS[2], qty)
redis.call('HINCRBY', KEYS[3], ARGV[1], qty)
redis.call('INCRBY', KEYS[6], qty)
redis.call('XADD', KEYS[4], '*', 'rid', ARGV[3], 'user', ARGV[1], 'sale', ARGV[4], 'qty', ARGV[2], 'ts', string.format('%d', now))
redis.call('HSET', KEYS[5], ARGV[3], ARGV[1])
tally(now, 'admitted')
if left == 0 then
  redis.call('PUBLISH', ARGV[5], ARGV[6])
end
return {1, left}
