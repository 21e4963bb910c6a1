-- The idempotency sweep deletes records past their retention oldest first; this index lets it find them
-- without scanning the table.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
