-- The one query that reads an order with its items, as OrderStore.order(id:on:) sends it; pgbench substitutes :order (quoted).
SELECT o.id, o.number, o.customer_id, o.customer_reference, o.priority, o.return_address, o.status, o.quote, o.rejection_reason,
       o.submitted_at, o.decided_at, o.completed_at,
       i.id, i.line_number, i.service_code, i.status, i.manufacturer, i.model, i.serial_number, i.asset_tag, i.description, i.notes,
       i.unit_price_minor, o.currency::text, i.certified_at, i.instrument_id
FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
WHERE o.id = :order ORDER BY i.line_number;
