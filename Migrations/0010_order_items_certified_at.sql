-- When an item was certified, kept even after it is returned: invoicing bills certified work, and must not
-- infer it from the audit log.
ALTER TABLE order_items ADD COLUMN certified_at timestamptz;
