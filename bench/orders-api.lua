-- wrk script for ./shoppulse bench orders-api: a mix of order commands against the running orders service, as a
-- store manager's client sends them. Per request: 60% place a new order (1-5 lines, EUR, placed now), 20% pay an
-- order this thread placed, 20% read one. Order ids are unique per run: <run>-<thread>-<counter>.
--
-- wrk's Lua API does not say which request a response answers, so every request carries its own
-- X-Correlation-Id (the service echoes it back) and the script keeps the operation, the order id and the start time
-- (monotonic clock, through LuaJIT's FFI) under that id. That gives a latency distribution per operation; wrk's own
-- distribution covers all requests together. done() prints one RESULT line of JSON and writes the ids of orders
-- answered 201, of payments answered 200, and of requests still in flight at the stop, for the SQL check.
-- Everything done() reads from a thread is a flat table: wrk 4.1's thread:get crashes on nested ones.
-- wrk calls request() once more on the first thread only to check the script, and never sends that request: it
-- stays in `pending` and is counted in in_flight_at_stop (an order id that is never stored).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } sp_timespec;
  int clock_gettime(int clock_id, sp_timespec *tp);
]]
local clock = ffi.new("sp_timespec")
local CLOCK_MONOTONIC = 1

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  run = os.getenv("SHOPPULSE_BENCH_RUN") or "OA00000000"
  math.randomseed(tid * 7919 + os.time())
  counter, seq, unmatched, lines_acked = 0, 0, 0, 0
  unpaid, known = {}, {}          -- ids answered 201: not yet paid / all of them (for reads)
  pending, started = {}, {}       -- correlation id -> "operation<TAB>order id", start (us)
  pending_lines = {}              -- correlation id -> lines of an order being placed
  latency_place, latency_pay, latency_get = {}, {}, {}
  statuses = {}                   -- "operation status" -> count
  placed, paid = {}, {}
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
  end
  headers["X-Correlation-Id"] = cid
  pending[cid] = op .. "\t" .. id
  pending_lines[cid] = n or 0
  started[cid] = now_us()
  return wrk.format(method, path, headers, body)
end

function response(status, hdrs, body)
  local cid = hdrs["X-Correlation-Id"] or hdrs["x-correlation-id"]
  local p = cid and pending[cid]
  if not p then
    unmatched = unmatched + 1
    return
  end
  local elapsed, n = now_us() - started[cid], pending_lines[cid]
  pending[cid], started[cid], pending_lines[cid] = nil, nil, nil
  local op, id = p:match("^(%a+)\t(.*)$")
  local l = (op == "place" and latency_place) or (op == "pay" and latency_pay) or latency_get
  l[#l + 1] = elapsed
  local key = op .. " " .. status
  statuses[key] = (statuses[key] or 0) + 1
  if op == "place" and status == 201 then
    unpaid[#unpaid + 1] = id
    known[#known + 1] = id
    placed[#placed + 1] = id .. "\t" .. n
    lines_acked = lines_acked + n
  elseif op == "pay" and status == 200 then
    paid[#paid + 1] = id
  end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))] / 1000
end

local function write_lines(path, rows)
  local f = assert(io.open(path, "w"))
  for _, row in ipairs(rows) do f:write(row, "\n") end
  f:close()
end

function done(summary, latency, requests)
  local all = { place = {}, pay = {}, get = {} }
  local codes = { place = {}, pay = {}, get = {} }
  local placed_rows, paid_rows, inflight_rows = {}, {}, {}
  local total_unmatched, total_lines = 0, 0
  for _, thread in ipairs(threads) do
    for _, op in ipairs({ "place", "pay", "get" }) do
      for _, v in ipairs(thread:get("latency_" .. op)) do table.insert(all[op], v) end
    end
    for key, c in pairs(thread:get("statuses")) do
      local op, code = key:match("^(%a+) (%d+)$")
      codes[op][code] = (codes[op][code] or 0) + c
    end
    for _, row in ipairs(thread:get("placed")) do table.insert(placed_rows, row) end
    for _, id in ipairs(thread:get("paid")) do table.insert(paid_rows, id) end
    for _, p in pairs(thread:get("pending")) do table.insert(inflight_rows, p) end
    total_unmatched = total_unmatched + thread:get("unmatched")
    total_lines = total_lines + thread:get("lines_acked")
  end
  local files = os.getenv("SHOPPULSE_BENCH_FILES")
  if files then
    write_lines(files .. "-placed.tsv", placed_rows)
    write_lines(files .. "-paid.tsv", paid_rows)
    write_lines(files .. "-inflight.tsv", inflight_rows)
  end
  local ops = {}
  for _, op in ipairs({ "place", "pay", "get" }) do
    table.sort(all[op])
    local code_parts = {}
    for code, c in pairs(codes[op]) do code_parts[#code_parts + 1] = string.format('"%s":%d', code, c) end
    ops[#ops + 1] = string.format('"%s":{"count":%d,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"status":{%s}}', op,
      #all[op], percentile(all[op], 50), percentile(all[op], 95), percentile(all[op], 99),
      table.concat(code_parts, ","))
  end
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,"unmatched":%d,'
    .. '"in_flight_at_stop":%d,"lines_acked":%d,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"operations":{%s}}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, total_unmatched, #inflight_rows, total_lines,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, table.concat(ops, ",")))
end
