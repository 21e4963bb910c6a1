-- Samples' reporting interface: what management reports may read of receipts, and nothing else. A view over one
-- table is updatable in PostgreSQL, so the runtime role's default write grants are taken back: read-only.
CREATE VIEW report_receipts AS
    SELECT item_id, received_at FROM item_receipts;
REVOKE INSERT, UPDATE, DELETE ON report_receipts FROM calibra_runtime;
