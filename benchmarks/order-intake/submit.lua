-- wrk script: POST /v1/orders with 2 items and a fresh Idempotency-Key per request, as a customer's system does.
-- Arguments after `--`: the customer's API key, then the two service codes. Counts statuses: anything but 201
-- makes the measurement meaningless and the benchmark stops.
local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    key, first, second = args[1], args[2], args[3]
    prefix = string.format("bench-%d-%d-%d-", id, os.time(), math.random(1, 1e9))
    created, other = 0, 0
end

function request()
    counter = counter + 1
    local body = string.format(
        '{"customerReference":"PO-%d","priority":"standard","items":[' ..
        '{"serviceCode":"%s","instrument":{"manufacturer":"Acme","model":"PG-100","serialNumber":"SN-%d-A"},"notes":"bench"},' ..
        '{"serviceCode":"%s","instrument":{"manufacturer":"Acme","model":"PT-7","serialNumber":"SN-%d-B","assetTag":"T-%d"}}]}',
        counter, first, counter, second, counter, counter)
    return wrk.format("POST", "/v1/orders", {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. key,
        ["Idempotency-Key"] = prefix .. counter,
    }, body)
end

function response(status, headers, body)
    if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
    local total_created, total_other = 0, 0
    for _, thread in ipairs(threads) do
        total_created = total_created + thread:get("created")
        total_other = total_other + thread:get("other")
    end
    io.write(string.format("STATUS 201=%d other=%d errors=%d\n", total_created, total_other,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
    io.write(string.format("COUNT %d\n", total_created))
    io.write(string.format("RATE %.1f\n", total_created / (summary.duration / 1e6)))
    io.write(string.format("LATENCY %.2f %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
