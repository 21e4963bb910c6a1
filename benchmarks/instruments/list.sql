-- The query behind `GET /v1/instruments?status=overdue` (first page) for one customer, as InstrumentStore.list sends it once
-- PostgreSQL has folded the unused filters away; pgbench substitutes :big (quoted).
SELECT i.id, i.customer_id, i.manufacturer, i.model, i.serial_number, i.asset_tag, i.description, i.location, i.category,
       i.mandatory_verification_category, i.calibration_interval_months, i.last_service_on::text, i.last_certificate_id,
       i.last_certificate_number, i.last_service_code, i.last_result, i.next_due_on::text, i.registered_at, i.seq,
       (i.next_due_on - DATE '1970-01-01')
FROM instruments i
WHERE i.customer_id = :big AND i.next_due_on <= current_date - 1
ORDER BY i.next_due_on, i.seq
LIMIT 51;
