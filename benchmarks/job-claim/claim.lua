-- wrk script: POST /v1/jobs/claim with the technician's bearer token (the argument after `--`), counting statuses:
-- a 204 means the queue ran dry during the run, which would make the measurement meaningless.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    wrk.method = "POST"
    wrk.body = "{}"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. args[1]
    ok, empty, other = 0, 0, 0
end

function response(status, headers, body)
    if status == 200 then
        ok = ok + 1
    elseif status == 204 then
        empty = empty + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local total_ok, total_empty, total_other = 0, 0, 0
    for _, thread in ipairs(threads) do
        total_ok = total_ok + thread:get("ok")
        total_empty = total_empty + thread:get("empty")
        total_other = total_other + thread:get("other")
    end
    io.write(string.format("STATUS 200=%d 204=%d other=%d\n", total_ok, total_empty, total_other))
    io.write(string.format("CLAIMS_PER_SECOND %.1f\n", total_ok / (summary.duration / 1e6)))
    io.write(string.format("LATENCY p50=%.2fms p99=%.2fms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
