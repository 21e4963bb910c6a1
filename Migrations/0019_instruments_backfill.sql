-- Builds the instrument register from the orders already in the database: every ordered instrument is registered
-- (as first typed, once per owner and normalised identification), every order item is linked to its instrument, and
-- every certificate issued becomes the history that gives each instrument its last service and next due date.

INSERT INTO instruments (customer_id, manufacturer, model, serial_number, asset_tag, description, category, registered_at, last_ordered_at)
SELECT customer_id, manufacturer, model, serial_number, asset_tag, description, instrument_category, first_ordered_at, last_ordered_at
FROM (
    SELECT DISTINCT ON (o.customer_id, instrument_identity(i.manufacturer), instrument_identity(i.model), instrument_identity(i.serial_number))
           o.customer_id, i.manufacturer, i.model, i.serial_number, i.asset_tag, i.description, s.instrument_category,
           min(o.submitted_at) OVER same_instrument AS first_ordered_at, max(o.submitted_at) OVER same_instrument AS last_ordered_at
    FROM order_items i
    JOIN orders o ON o.id = i.order_id
    JOIN services s ON s.code = i.service_code
    WINDOW same_instrument AS (
        PARTITION BY o.customer_id, instrument_identity(i.manufacturer), instrument_identity(i.model), instrument_identity(i.serial_number)
    )
    ORDER BY o.customer_id, instrument_identity(i.manufacturer), instrument_identity(i.model), instrument_identity(i.serial_number),
             o.seq, i.line_number
) first_sighting
ON CONFLICT (customer_id, manufacturer_key, model_key, serial_key) DO NOTHING;

UPDATE order_items i SET instrument_id = r.id
FROM orders o, instruments r
WHERE o.id = i.order_id AND i.instrument_id IS NULL AND r.customer_id = o.customer_id
  AND r.manufacturer_key = instrument_identity(i.manufacturer) AND r.model_key = instrument_identity(i.model)
  AND r.serial_key = instrument_identity(i.serial_number);

ALTER TABLE order_items ALTER COLUMN instrument_id SET NOT NULL;

INSERT INTO instrument_certificates (certificate_id, instrument_id, number, revision, supersedes, service_code, kind, result, category,
                                     mandatory_verification_category, service_on, issued_on, valid_until, status, recorded_at)
SELECT c.id, i.instrument_id, c.number, c.revision, c.supersedes, c.document -> 'method' ->> 'serviceCode', c.document_kind,
       CASE c.document_kind WHEN 'verification-certificate' THEN 'pass' WHEN 'verification-result-notice' THEN 'fail' ELSE 'calibrated' END,
       s.instrument_category, s.mandatory_verification_category,
       (c.document ->> 'calibratedOn')::date, coalesce((c.document ->> 'issuedOn')::date, (c.issued_at AT TIME ZONE 'UTC')::date),
       CASE WHEN c.document_kind = 'verification-certificate' THEN (c.document ->> 'validUntil')::date END,
       CASE WHEN EXISTS (SELECT FROM certificates n WHERE n.supersedes = c.id) THEN 'superseded' ELSE 'issued' END,
       c.issued_at
FROM certificates c
JOIN order_items i ON i.id = c.item_id
LEFT JOIN services s ON s.code = c.document -> 'method' ->> 'serviceCode'
ON CONFLICT (certificate_id) DO NOTHING;

SELECT count(instrument_refresh(id)) FROM instruments WHERE id IN (SELECT instrument_id FROM instrument_certificates);
