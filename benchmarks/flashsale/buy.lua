-- wrk script: POST one buy per request, each with a distinct buyer token (one line of a file).
-- usage: wrk -s buy.lua URL -- TOKENS_FILE THREADS
-- Thread n sends tokens n, n + THREADS, n + 2*THREADS... and counts the HTTP statuses it gets;
-- done() prints "status <code> <count>" lines.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    tokens[#tokens + 1] = line
  end
  step = tonumber(args[2])
  counter = id
  statuses = {}
  body = '{"quantity": 1}'
end

function request()
  local token = tokens[(counter % #tokens) + 1]
  counter = counter + step
  return wrk.format("POST", nil, { ["X-Flash-Token"] = token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + count
    end
  end
  for code, count in pairs(total) do
    io.write(string.format("status %d %d\n", code, count))
  end
end
