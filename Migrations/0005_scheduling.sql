-- Scheduling: reference equipment with its calibration history and bookings, and the job queue.

-- btree_gist lets one exclusion constraint combine `=` on a uuid with `&&` on a range.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE equipment (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    asset_tag          text NOT NULL CONSTRAINT equipment_asset_tag_key UNIQUE,
    name               text NOT NULL,
    manufacturer       text NOT NULL,
    model              text NOT NULL,
    serial_number      text NOT NULL,
    quantity           text NOT NULL,
    range              text NOT NULL,
    service_codes      text[] NOT NULL DEFAULT '{}',
    status             text NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service', 'out_of_service', 'retired')),
    status_reason      text,
    status_changed_at  timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX equipment_service_codes ON equipment USING gin (service_codes);

-- Calibrations of the lab's own reference equipment. The latest (by calibration date) decides whether it may be used.
CREATE TABLE equipment_calibrations (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    equipment_id        uuid NOT NULL REFERENCES equipment (id),
    certificate_number  text NOT NULL,
    calibrated_by       text NOT NULL,
    calibrated_on       date NOT NULL,
    due_on              date NOT NULL,
    traceability        text NOT NULL,
    recorded_at         timestamptz NOT NULL DEFAULT now(),
    recorded_by         uuid,
    CHECK (due_on > calibrated_on)
);
CREATE INDEX equipment_calibrations_latest ON equipment_calibrations (equipment_id, calibrated_on DESC, recorded_at DESC);

-- The job queue: one job per received item. Jobs are handed out by one UPDATE … FOR UPDATE SKIP LOCKED
-- statement walking `jobs_claim_order`. Every claim leaves a dead entry at the head of that index, so the
-- table gets its own autovacuum settings: a fixed, small threshold instead of 20 % of the table.
CREATE TABLE jobs (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    item_id           uuid NOT NULL CONSTRAINT jobs_item_id_key UNIQUE,
    order_id          uuid NOT NULL,
    customer_id       uuid NOT NULL,
    service_code      text NOT NULL,
    state             text NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'claimed', 'in_review', 'awaiting_signature', 'certified', 'withdrawn')),
    expedited         boolean NOT NULL,
    due_on            date NOT NULL,
    enqueued_at       timestamptz NOT NULL DEFAULT now(),
    held              boolean NOT NULL DEFAULT false,
    holder_id         uuid REFERENCES staff_users (id),
    claimed_at        timestamptz,
    withdrawn_reason  text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'claimed' OR holder_id IS NOT NULL)
) WITH (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 5000
);
-- Exactly the claim's order, over the claimable rows only: its size follows the queue, not the history.
CREATE INDEX jobs_claim_order ON jobs (expedited DESC, due_on, enqueued_at, id) WHERE state = 'queued' AND NOT held;
CREATE INDEX jobs_state ON jobs (state, seq);
CREATE INDEX jobs_order ON jobs (order_id);

CREATE TABLE equipment_bookings (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    equipment_id  uuid NOT NULL REFERENCES equipment (id),
    during        tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
                                            AND NOT lower_inf(during) AND NOT upper_inf(during)),
    job_id        uuid REFERENCES jobs (id),
    booked_by     uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    cancelled_at  timestamptz,
    cancelled_by  uuid,
    -- Two live bookings of one piece of equipment can never overlap, however many requests race.
    CONSTRAINT equipment_bookings_no_overlap EXCLUDE USING gist (equipment_id WITH =, during WITH &&) WHERE (cancelled_at IS NULL)
);
CREATE INDEX equipment_bookings_job ON equipment_bookings (job_id) WHERE job_id IS NOT NULL;
