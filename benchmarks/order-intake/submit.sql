-- The writes the server makes for one `POST /v1/orders` (2 items, a fresh Idempotency-Key), in one transaction, statement
-- for statement: the instrument register (both instruments new, registered and audited in one statement, as
-- InstrumentStore.register sends it), the number from the year's sequence, the order with its frozen quote and its 2 items
-- (one statement, as OrderStore.insert sends it), then the idempotency row with the stored response and the audit event
-- with the order as after-image (one statement, as Idempotency.run sends it).
-- JSON goes in as text, as the server binds it; pgbench substitutes :customer (quoted) and the \gset values. (The server
-- prepares the register statement once per connection; here, as every other statement, it is planned each time.)
BEGIN;
WITH l AS (
    SELECT l.*, instrument_identity(l.manufacturer) AS mk, instrument_identity(l.model) AS mok, instrument_identity(l.serial) AS sk
    FROM unnest(ARRAY['Acme', 'Acme'], ARRAY['PG-100', 'PT-7'], ARRAY['SN-' || gen_random_uuid(), 'SN-' || gen_random_uuid()],
                ARRAY['', 'T-1'], ARRAY[false, true], ARRAY['', ''], ARRAY[false, false], ARRAY['Pressure gauge', 'Pressure gauge'],
                ARRAY[true, true], ARRAY['', ''], ARRAY[false, false])
         WITH ORDINALITY AS l(manufacturer, model, serial, tag, has_tag, description, has_description, category, has_category, mandatory,
                              has_mandatory, line)
), upserted AS (
    INSERT INTO instruments (customer_id, manufacturer, model, serial_number, asset_tag, description, category, mandatory_verification_category)
    SELECT DISTINCT ON (mk, mok, sk) :customer, manufacturer, model, serial, CASE WHEN has_tag THEN tag END,
           CASE WHEN has_description THEN description END, CASE WHEN has_category THEN category END, CASE WHEN has_mandatory THEN mandatory END
    FROM l ORDER BY mk, mok, sk, line
    ON CONFLICT (customer_id, manufacturer_key, model_key, serial_key) DO UPDATE SET
        last_ordered_at = now(),
        asset_tag = coalesce(EXCLUDED.asset_tag, instruments.asset_tag),
        description = coalesce(EXCLUDED.description, instruments.description),
        category = coalesce(instruments.category, EXCLUDED.category),
        mandatory_verification_category = coalesce(instruments.mandatory_verification_category, EXCLUDED.mandatory_verification_category)
    RETURNING id, manufacturer_key, model_key, serial_key, xmax = 0 AS inserted, manufacturer, model, serial_number
), audited AS (
    SELECT record_audit_event('customer', :customer, NULL, 'instrument.registered', 'instrument', u.id::text, NULL,
                              jsonb_build_object('customerId', :customer::uuid, 'manufacturer', u.manufacturer, 'model', u.model,
                                                 'serialNumber', u.serial_number),
                              'bench-request')
    FROM upserted u WHERE u.inserted
)
SELECT array_agg(u.id ORDER BY l.line) AS instrument_ids, (SELECT count(*) FROM audited) AS registered
FROM l JOIN upserted u ON (u.manufacturer_key, u.model_key, u.serial_key) = (l.mk, l.mok, l.sk) \gset
WITH placed AS (
    INSERT INTO orders (id, number, customer_id, customer_reference, priority, return_address, status, currency, quote)
    SELECT gen_random_uuid(), 'ORD-' || n.year || '-' || lpad(n.value::text, greatest(6, length(n.value::text)), '0'), :customer, 'PO-1',
           'standard', NULL, 'submitted', 'CNY',
           '{"currency":"CNY","discount":{"amountMinor":3500,"currency":"CNY"},"discountBasisPoints":500,"expedited":false,"lines":[{"description":"Pressure calibration: Acme PG-100 s/n SN-1-A","expediteSurchargeBasisPoints":5000,"itemId":"8B1A2C3D-4E5F-4061-8273-94A5B6C7D8E9","serviceCode":"BENCH-PG","unitPrice":{"amountMinor":35000,"currency":"CNY"}},{"description":"Pressure calibration: Acme PT-7 s/n SN-1-B","expediteSurchargeBasisPoints":5000,"itemId":"9C2B3D4E-5F60-4172-9384-A5B6C7D8E9FA","serviceCode":"BENCH-PT","unitPrice":{"amountMinor":35000,"currency":"CNY"}}],"subtotal":{"amountMinor":70000,"currency":"CNY"},"surcharge":{"amountMinor":0,"currency":"CNY"},"tax":{"amountMinor":3990,"currency":"CNY"},"taxRateBasisPoints":600,"total":{"amountMinor":70490,"currency":"CNY"}}'::jsonb
    FROM next_sequential_number('ORD') n
    RETURNING id, number, submitted_at
), new_items AS (
    INSERT INTO order_items (id, order_id, line_number, service_code, manufacturer, model, serial_number, asset_tag, description, notes,
                             unit_price_minor, instrument_id)
    SELECT gen_random_uuid(), placed.id, l.line, l.code, l.manufacturer, l.model, l.serial, l.tag, NULL, l.notes, l.price,
           (':instrument_ids'::uuid[])[l.line]
    FROM placed, unnest(ARRAY['BENCH-PG', 'BENCH-PT'], ARRAY['Acme', 'Acme'], ARRAY['PG-100', 'PT-7'], ARRAY['SN-1-A', 'SN-1-B'],
                        ARRAY[NULL, 'T-1'], ARRAY['bench', NULL], ARRAY[35000, 35000]::bigint[])
         WITH ORDINALITY AS l(code, manufacturer, model, serial, tag, notes, price, line)
)
SELECT id AS order_id, number AS order_number, submitted_at FROM placed \gset
WITH claimed AS (
    INSERT INTO idempotency_keys (customer_id, key, request_hash, status_code, response_body)
    VALUES (:customer, 'pgbench-' || gen_random_uuid(), 'c5d4a0f1e2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d', 201,
            convert_to('{"customerId":"6f2d7c1e-0a4b-4c8d-9e1f-2a3b4c5d6e7f","customerReference":"PO-1","id":":order_id","items":[{"id":"8B1A2C3D-4E5F-4061-8273-94A5B6C7D8E9","instrument":{"manufacturer":"Acme","model":"PG-100","serialNumber":"SN-1-A"},"lineNumber":1,"notes":"bench","orderId":":order_id","serviceCode":"BENCH-PG","status":"awaiting_receipt","unitPrice":{"amountMinor":35000,"currency":"CNY"}},{"id":"9C2B3D4E-5F60-4172-9384-A5B6C7D8E9FA","instrument":{"assetTag":"T-1","manufacturer":"Acme","model":"PT-7","serialNumber":"SN-1-B"},"lineNumber":2,"orderId":":order_id","serviceCode":"BENCH-PT","status":"awaiting_receipt","unitPrice":{"amountMinor":35000,"currency":"CNY"}}],"number":":order_number","priority":"standard","quote":{"currency":"CNY","discount":{"amountMinor":3500,"currency":"CNY"},"discountBasisPoints":500,"expedited":false,"lines":[{"description":"Pressure calibration: Acme PG-100 s/n SN-1-A","expediteSurchargeBasisPoints":5000,"itemId":"8B1A2C3D-4E5F-4061-8273-94A5B6C7D8E9","serviceCode":"BENCH-PG","unitPrice":{"amountMinor":35000,"currency":"CNY"}},{"description":"Pressure calibration: Acme PT-7 s/n SN-1-B","expediteSurchargeBasisPoints":5000,"itemId":"9C2B3D4E-5F60-4172-9384-A5B6C7D8E9FA","serviceCode":"BENCH-PT","unitPrice":{"amountMinor":35000,"currency":"CNY"}}],"subtotal":{"amountMinor":70000,"currency":"CNY"},"surcharge":{"amountMinor":0,"currency":"CNY"},"tax":{"amountMinor":3990,"currency":"CNY"},"taxRateBasisPoints":600,"total":{"amountMinor":70490,"currency":"CNY"}},"status":"submitted","submittedAt":"2026-01-01T00:00:00Z"}', 'UTF8'))
    ON CONFLICT (customer_id, key) DO NOTHING RETURNING 1
), audited AS (
    SELECT record_audit_event('customer', :customer, NULL, 'order.submitted', 'order', ':order_id', NULL,
        '{"customerId":"6f2d7c1e-0a4b-4c8d-9e1f-2a3b4c5d6e7f","customerReference":"PO-1","id":":order_id","items":[{"id":"8B1A2C3D-4E5F-4061-8273-94A5B6C7D8E9","instrument":{"manufacturer":"Acme","model":"PG-100","serialNumber":"SN-1-A"},"lineNumber":1,"notes":"bench","orderId":":order_id","serviceCode":"BENCH-PG","status":"awaiting_receipt","unitPrice":{"amountMinor":35000,"currency":"CNY"}},{"id":"9C2B3D4E-5F60-4172-9384-A5B6C7D8E9FA","instrument":{"assetTag":"T-1","manufacturer":"Acme","model":"PT-7","serialNumber":"SN-1-B"},"lineNumber":2,"orderId":":order_id","serviceCode":"BENCH-PT","status":"awaiting_receipt","unitPrice":{"amountMinor":35000,"currency":"CNY"}}],"number":":order_number","priority":"standard","quote":{"currency":"CNY","discount":{"amountMinor":3500,"currency":"CNY"},"discountBasisPoints":500,"expedited":false,"lines":[{"description":"Pressure calibration: Acme PG-100 s/n SN-1-A","expediteSurchargeBasisPoints":5000,"itemId":"8B1A2C3D-4E5F-4061-8273-94A5B6C7D8E9","serviceCode":"BENCH-PG","unitPrice":{"amountMinor":35000,"currency":"CNY"}},{"description":"Pressure calibration: Acme PT-7 s/n SN-1-B","expediteSurchargeBasisPoints":5000,"itemId":"9C2B3D4E-5F60-4172-9384-A5B6C7D8E9FA","serviceCode":"BENCH-PT","unitPrice":{"amountMinor":35000,"currency":"CNY"}}],"subtotal":{"amountMinor":70000,"currency":"CNY"},"surcharge":{"amountMinor":0,"currency":"CNY"},"tax":{"amountMinor":3990,"currency":"CNY"},"taxRateBasisPoints":600,"total":{"amountMinor":70490,"currency":"CNY"}},"status":"submitted","submittedAt":"2026-01-01T00:00:00Z"}'::jsonb,
        'bench-request')
    FROM claimed
)
SELECT (SELECT count(*) FROM claimed)::int AS claimed, (SELECT count(*) FROM audited)::int AS audited;
COMMIT;
