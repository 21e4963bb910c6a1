-- Samples: the receipt of each instrument (its lab number, condition and current location) and its chain of custody.

-- One row per received item, made in the transaction that moves the item to `received`; the primary key makes a
-- second receipt of the same item impossible even if two receptionists get past every other check at once.
CREATE TABLE item_receipts (
    item_id           uuid PRIMARY KEY REFERENCES order_items (id),
    number            text NOT NULL CONSTRAINT item_receipts_number_key UNIQUE,
    condition         text NOT NULL CHECK (condition IN ('ok', 'damaged')),
    condition_notes   text,
    -- Where the instrument is now; NULL once it has been returned to its owner.
    location          text,
    -- While the item is on hold: the status `resume` goes back to.
    held_from         text CHECK (held_from IN ('received', 'in_test')),
    received_at       timestamptz NOT NULL DEFAULT now(),
    received_by       uuid,
    received_by_name  text
);

-- The chain of custody: one row per receipt, move, hold, resume, rejection and return, never changed afterwards.
CREATE TABLE custody_events (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    item_id        uuid NOT NULL REFERENCES order_items (id),
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_kind     text NOT NULL CHECK (actor_kind IN ('staff', 'customer', 'system')),
    actor_id       uuid,
    actor_name     text,
    action         text NOT NULL CHECK (action IN ('received', 'moved', 'held', 'resumed', 'rejected', 'returned')),
    from_location  text,
    to_location    text,
    from_status    text,
    to_status      text,
    reason         text,
    details        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX custody_events_item ON custody_events (item_id, seq);
CREATE TRIGGER custody_events_append_only BEFORE UPDATE OR DELETE ON custody_events
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
    FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
