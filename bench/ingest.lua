-- wrk script for ./shoppulse bench ingest: every request posts a batch of realistic events from many sessions,
-- each with a unique event_id (run id, thread, request counter, index), and counts what the collector accepted.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  batch = tonumber(args[1]) or 50
  run = os.getenv("SHOPPULSE_BENCH_RUN") or "00000000"
  key = os.getenv("SHOPPULSE_BENCH_KEY")
  counter = 0
  accepted = 0
  failed = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-ShopPulse-Key"] = key
  wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
end

local page = '{"event_id":"%s","type":"page_view","timestamp":"%s","sent_at":"%s","anonymous_id":"a%d","session_id":"s%d",'
  .. '"page":{"url":"https://shop.example.com/c/%d","path":"/c/%d","title":"Category %d","referrer":"https://www.google.com/"},'
  .. '"utm":{"source":"google","medium":"cpc","campaign":"winter"}}'
local item = '{"event_id":"%s","type":"%s","timestamp":"%s","sent_at":"%s","anonymous_id":"a%d","session_id":"s%d",'
  .. '"page":{"url":"https://shop.example.com/p/%d"},'
  .. '"items":[{"item_id":"SKU-%d","item_name":"Product %d","item_category":"Shoes/Running","price":49.90,"quantity":1}],'
  .. '"value":49.90,"currency":"EUR"}'
local purchase = '{"event_id":"%s","type":"purchase","timestamp":"%s","sent_at":"%s","anonymous_id":"a%d","session_id":"s%d",'
  .. '"transaction_id":"T%s","items":[{"item_id":"SKU-%d","price":49.90,"quantity":2}],"value":99.80,"currency":"EUR"}'

function request()
  counter = counter + 1
  local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
  local events = {}
  for i = 1, batch do
    local id = string.format("%s-%04x-4%03x-8000-%012x", run, tid, i, counter)
    local session = (counter * 7 + i) % 20000
    local product = (counter * 13 + i * 31) % 5000
    local kind = i % 10
    if kind < 5 then
      events[i] = string.format(page, id, now, now, session, session, product % 40, product % 40, product % 40)
    elseif kind < 9 then
      events[i] = string.format(item, id, kind < 8 and "view_item" or "add_to_cart", now, now, session, session, product, product, product)
    else
      events[i] = string.format(purchase, id, now, now, session, session, id, product)
    end
  end
  return wrk.format(nil, "/v1/events", nil, "[" .. table.concat(events, ",") .. "]")
end

function response(status, headers, body)
  if status == 202 then
    accepted = accepted + tonumber(body:match('"accepted":(%d+)') or 0)
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_accepted, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_202":%d,"accepted":%d,'
    .. '"p50_ms":%.2f,"p99_ms":%.2f,"batch":%d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    total_failed, total_accepted, latency:percentile(50) / 1000, latency:percentile(99) / 1000, threads[1]:get("batch")))
end
