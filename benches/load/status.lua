-- Counts responses by status per thread and prints the totals as one JSON line at the end,
-- so the load runner can report errors by status (wrk alone only counts "non-2xx").
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  local body = os.getenv("WRK_BODY")
  if body and body ~= "" then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  io.write(string.format('STATUS {%s}\n', table.concat(parts, ",")))
  io.write(string.format('LATENCY {"p50_us":%d,"p99_us":%d,"requests":%d,"seconds":%.3f}\n',
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6))
end
