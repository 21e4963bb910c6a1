-- wrk script: GET /v1/orders/{id} as the customer that owns it (the API key is the argument after `--`), or, without an
-- argument, any GET that needs no credentials (the HTTP floor: `GET /health`).
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    if args[1] then wrk.headers["Authorization"] = "Bearer " .. args[1] end
    ok, other = 0, 0
end

function response(status, headers, body)
    if status == 200 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
    local total_ok, total_other = 0, 0
    for _, thread in ipairs(threads) do
        total_ok = total_ok + thread:get("ok")
        total_other = total_other + thread:get("other")
    end
    io.write(string.format("STATUS 200=%d other=%d errors=%d\n", total_ok, total_other,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
    io.write(string.format("COUNT %d\n", total_ok))
    io.write(string.format("RATE %.1f\n", total_ok / (summary.duration / 1e6)))
    io.write(string.format("LATENCY %.2f %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
