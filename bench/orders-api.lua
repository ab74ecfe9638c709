-- wrk script for ./shoppulse bench orders-api: a mix of order commands against the running orders service, as a
-- store manager's client sends them. Per request: 60% place a new order (1-5 lines, EUR, placed now), 20% pay an
-- order this thread placed, 20% read one. Order ids are unique per run: <run>-<thread>-<counter>.
--
-- wrk's Lua API does not say which request a response answers, so every request carries its own
-- X-Correlation-Id (the service echoes it back). Each thread writes what it sent (correlation id, operation, order
-- id, lines) and what came back (correlation id, status, latency in microseconds on the monotonic clock, through
-- LuaJIT's FFI) to files of its own; bench/orders-api.sh loads them into PostgreSQL for the latency per operation
-- and the check against the stored orders. (Nothing large goes through thread:get: wrk 4.1 mangles tables copied
-- that way.) wrk calls request() once more on the first thread only to check the script and never sends that
-- request: it is written as sent and counts as in flight at the stop.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } sp_timespec;
  int clock_gettime(int clock_id, sp_timespec *tp);
]]
local clock = ffi.new("sp_timespec")
local CLOCK_MONOTONIC = 1

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + math.floor(tonumber(clock.tv_nsec) / 1000)
end

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = os.getenv("SHOPPULSE_BENCH_RUN") or "OA00000000"
  local files = (os.getenv("SHOPPULSE_BENCH_FILES") or "/tmp/orders-api") .. "-" .. tid
  sent_log = assert(io.open(files .. "-sent.tsv", "w"))
  answered_log = assert(io.open(files .. "-answered.tsv", "w"))
  sent_log:setvbuf("line")
  answered_log:setvbuf("line")
  math.randomseed(tid * 7919 + os.time())
  counter, seq, unmatched = 0, 0, 0
  unpaid, known = {}, {} -- ids answered 201: not yet paid / all of them (for reads)
  started, placing = {}, {} -- correlation id -> start (us) / order id of a place in flight
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("SHOPPULSE_BENCH_TOKEN") or ""),
  }
end

local line = '{"sku":"SKU-%d","name":"Product %d","quantity":%d,"unit_price":%d.%02d,"discount":0}'
local order = '{"order_id":"%s","placed_at":"%s","currency":"EUR","customer_id":"c%d","anonymous_id":"a%d",'
  .. '"session_id":"s%d","country":"DE","lines":[%s],"tax":0,"shipping":4.90}'

local function order_body(id, n)
  local lines = {}
  for i = 1, n do
    local sku = math.random(5000)
    lines[i] = string.format(line, sku, sku, math.random(3), 5 + sku % 95, sku % 100)
  end
  local customer = math.random(20000)
  return string.format(order, id, os.date("!%Y-%m-%dT%H:%M:%SZ"), customer, customer, customer * 31 + counter,
    table.concat(lines, ","))
end

function request()
  seq = seq + 1
  local cid = string.format("%s-%d-r%d", run, tid, seq)
  local r = math.random()
  local op, id, method, path, body, n
  if r >= 0.6 and r < 0.8 and #unpaid > 0 then
    op, id = "pay", table.remove(unpaid, math.random(#unpaid))
    method, path, body = "POST", "/v1/orders/" .. id .. "/payment", "{}"
  elseif r >= 0.8 and #known > 0 then
    op, id = "get", known[math.random(#known)]
    method, path = "GET", "/v1/orders/" .. id
  else
    -- also when there is nothing to pay or read yet (the first requests of a run)
    counter = counter + 1
    op, id, n = "place", string.format("%s-%d-%d", run, tid, counter), math.random(5)
    method, path, body = "POST", "/v1/orders", order_body(id, n)
    placing[cid] = id
  end
  headers["X-Correlation-Id"] = cid
  sent_log:write(cid, "\t", op, "\t", id, "\t", n or 0, "\n")
  started[cid] = now_us()
  return wrk.format(method, path, headers, body)
end

function response(status, hdrs, body)
  local cid = hdrs["X-Correlation-Id"] or hdrs["x-correlation-id"]
  local start = cid and started[cid]
  if not start then
    unmatched = unmatched + 1
    return
  end
  answered_log:write(cid, "\t", status, "\t", now_us() - start, "\n")
  started[cid] = nil
  local id = placing[cid]
  if id then
    placing[cid] = nil
    if status == 201 then
      unpaid[#unpaid + 1] = id
      known[#known + 1] = id
    end
  end
end

function done(summary, latency, requests)
  local total_unmatched = 0
  for _, thread in ipairs(threads) do
    total_unmatched = total_unmatched + thread:get("unmatched")
  end
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,"unmatched":%d,'
    .. '"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, total_unmatched,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
