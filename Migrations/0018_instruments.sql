-- The customer's instrument register (module Instruments): every instrument a customer has sent to the lab, the
-- certificates issued for it, its next due date, and the recall notices sent for each due date.

-- How the register compares what customers type: runs of whitespace as one space, trimmed, lower case.
-- Immutable, so the identity columns below can be generated from it and a unique index can guard them.
CREATE FUNCTION instrument_identity(p_text text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(btrim(regexp_replace(p_text, '\s+', ' ', 'g')))
$$;

CREATE TABLE instruments (
    id                               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    customer_id                      uuid NOT NULL,
    -- As first typed; the keys are what identifies the instrument.
    manufacturer                     text NOT NULL,
    model                            text NOT NULL,
    serial_number                    text NOT NULL,
    manufacturer_key                 text GENERATED ALWAYS AS (instrument_identity(manufacturer)) STORED,
    model_key                        text GENERATED ALWAYS AS (instrument_identity(model)) STORED,
    serial_key                       text GENERATED ALWAYS AS (instrument_identity(serial_number)) STORED,
    asset_tag                        text,
    description                      text,
    location                         text,
    -- The catalogue's instrument category of the services it was ordered for, and its mandatory-verification use.
    category                         text,
    mandatory_verification_category  text CHECK (mandatory_verification_category IN
                                         ('trade_settlement', 'safety_protection', 'medical', 'environmental_monitoring')),
    -- An interval agreed with the customer: the only source of a due date after a calibration (ISO/IEC 17025 §7.8.4.3).
    calibration_interval_months      int CHECK (calibration_interval_months BETWEEN 1 AND 120),
    -- What the newest current certificate says; kept by instrument_refresh() whenever the history or the interval changes.
    last_certificate_id              uuid,
    last_certificate_number          text,
    last_service_code                text,
    last_service_on                  date,
    last_result                      text CHECK (last_result IN ('pass', 'fail', 'calibrated')),
    next_due_on                      date,
    registered_at                    timestamptz NOT NULL DEFAULT now(),
    last_ordered_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                       timestamptz NOT NULL DEFAULT now(),
    -- A failed verification leaves no due date: the instrument may not be used until repaired and verified again.
    CHECK (last_result IS DISTINCT FROM 'fail' OR next_due_on IS NULL)
);
-- One instrument per owner and identification, however many orders race to register it.
CREATE UNIQUE INDEX instruments_identity ON instruments (customer_id, manufacturer_key, model_key, serial_key);
-- A customer's register by status: overdue, due soon and in period are ranges of the next due date.
CREATE INDEX instruments_customer_due ON instruments (customer_id, next_due_on, seq);
CREATE INDEX instruments_customer ON instruments (customer_id, seq);
CREATE INDEX instruments_customer_failed ON instruments (customer_id, seq) WHERE last_result = 'fail';
-- The recall sweep and staff lists across customers walk the due dates.
CREATE INDEX instruments_due ON instruments (next_due_on, seq) WHERE next_due_on IS NOT NULL;
CREATE INDEX instruments_serial ON instruments (serial_key);

-- Every certificate issued for an instrument: its history. A row changes only its status (an amendment supersedes it,
-- a nonconformity may withdraw it). Certificates from before Calibra (imported) have no certificate id.
CREATE TABLE instrument_certificates (
    id                               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    certificate_id                   uuid UNIQUE,
    instrument_id                    uuid NOT NULL REFERENCES instruments (id),
    number                           text NOT NULL,
    revision                         int NOT NULL DEFAULT 0,
    supersedes                       uuid,
    service_code                     text NOT NULL,
    kind                             text NOT NULL CHECK (kind IN ('calibration-certificate', 'verification-certificate', 'verification-result-notice')),
    result                           text NOT NULL CHECK (result IN ('pass', 'fail', 'calibrated')),
    category                         text,
    mandatory_verification_category  text,
    -- The date of the work (calibration or verification), the date of issue, and a passed verification's valid-until date.
    service_on                       date NOT NULL,
    issued_on                        date NOT NULL,
    valid_until                      date,
    status                           text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'superseded', 'withdrawn')),
    imported                         boolean NOT NULL DEFAULT false,
    recorded_at                      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (imported OR certificate_id IS NOT NULL),
    CHECK ((result = 'pass') = (valid_until IS NOT NULL))
);
CREATE INDEX instrument_certificates_history ON instrument_certificates (instrument_id, service_on DESC, issued_on DESC, recorded_at DESC);
CREATE INDEX instrument_certificates_issued ON instrument_certificates (issued_on) WHERE kind <> 'calibration-certificate';


-- The recall notices sent: one per instrument, due date and kind, whatever the number of instances sweeping at once
-- (the primary key decides; the sweep inserts ON CONFLICT DO NOTHING and announces only what it inserted).
CREATE TABLE instrument_recall_notices (
    instrument_id  uuid NOT NULL REFERENCES instruments (id),
    due_on         date NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    customer_id    uuid NOT NULL,
    sent_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instrument_id, due_on, kind)
);
CREATE TRIGGER instrument_recall_notices_append_only BEFORE UPDATE OR DELETE ON instrument_recall_notices
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER instrument_recall_notices_no_truncate BEFORE TRUNCATE ON instrument_recall_notices
    FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
REVOKE UPDATE, DELETE ON instrument_recall_notices FROM calibra_runtime;

-- The notices still to send: one row per instrument and kind for its current due date, queued by instrument_refresh()
-- and taken off by the sweep as it sends them. The sweep reads this small table by due date (what fell due, what falls
-- due within a lead) instead of every overdue instrument of the register. A queue churns: its own vacuum settings.
CREATE TABLE instrument_recall_pending (
    instrument_id  uuid NOT NULL REFERENCES instruments (id),
    kind           text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    due_on         date NOT NULL,
    customer_id    uuid NOT NULL,
    PRIMARY KEY (instrument_id, kind)
) WITH (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000
);
CREATE INDEX instrument_recall_pending_due ON instrument_recall_pending (kind, due_on, instrument_id);

-- Recalculates an instrument's last service and next due date from its current certificates (not superseded, not
-- withdrawn), newest by date of work: a passed verification is due on its valid-until date; a failed one has no due
-- date; a calibration is due only where an interval was agreed (the last valid day of that many months). Then queues
-- the recall notices the due date will need, unless they were sent already.
CREATE FUNCTION instrument_refresh(p_instrument uuid) RETURNS void LANGUAGE sql VOLATILE AS $$
    UPDATE instruments i SET
        last_certificate_id = c.certificate_id,
        last_certificate_number = c.number,
        last_service_code = c.service_code,
        last_service_on = c.service_on,
        last_result = c.result,
        category = coalesce(c.category, i.category),
        mandatory_verification_category = coalesce(c.mandatory_verification_category, i.mandatory_verification_category),
        next_due_on = CASE c.result
            WHEN 'pass' THEN c.valid_until
            WHEN 'calibrated' THEN (c.service_on + make_interval(months => i.calibration_interval_months) - interval '1 day')::date
        END,
        updated_at = now()
    FROM (SELECT p_instrument AS id) k
    LEFT JOIN LATERAL (
        SELECT * FROM instrument_certificates h
        WHERE h.instrument_id = k.id AND h.status = 'issued'
        ORDER BY h.service_on DESC, h.issued_on DESC, h.recorded_at DESC
        LIMIT 1
    ) c ON true
    WHERE i.id = k.id;
    DELETE FROM instrument_recall_pending p
    WHERE p.instrument_id = p_instrument AND p.due_on IS DISTINCT FROM (SELECT next_due_on FROM instruments WHERE id = p_instrument);
    INSERT INTO instrument_recall_pending (instrument_id, kind, due_on, customer_id)
    SELECT i.id, k.kind, i.next_due_on, i.customer_id
    FROM instruments i CROSS JOIN (VALUES ('due_soon'), ('overdue')) k (kind)
    WHERE i.id = p_instrument AND i.next_due_on IS NOT NULL
      AND NOT EXISTS (SELECT FROM instrument_recall_notices n WHERE n.instrument_id = i.id AND n.due_on = i.next_due_on AND n.kind = k.kind)
    ON CONFLICT (instrument_id, kind) DO UPDATE SET due_on = EXCLUDED.due_on;
$$;
