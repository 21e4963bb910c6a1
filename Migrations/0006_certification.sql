-- Measurements (drafts until submitted), four-eyes reviews, and issued certificates (immutable).

CREATE TABLE measurements (
    job_id        uuid PRIMARY KEY,
    item_id       uuid NOT NULL,
    performer_id  uuid NOT NULL,
    measured_on   date NOT NULL,
    equipment_ids uuid[] NOT NULL,
    environment   jsonb NOT NULL,
    points        jsonb NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    submitted_at  timestamptz
);

CREATE TABLE reviews (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id       uuid NOT NULL,
    reviewer_id  uuid NOT NULL,
    decision     text NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment      text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_job ON reviews (job_id, at);
CREATE TRIGGER reviews_append_only BEFORE UPDATE OR DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION reject_change();

-- An issued certificate never changes: a correction is a new revision that points to what it supersedes.
CREATE TABLE certificates (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    number            text NOT NULL UNIQUE,
    base_number       text NOT NULL,
    revision          int NOT NULL DEFAULT 0,
    supersedes        uuid UNIQUE REFERENCES certificates (id),
    job_id            uuid NOT NULL,
    item_id           uuid NOT NULL,
    order_id          uuid NOT NULL,
    customer_id       uuid NOT NULL,
    document_kind     text NOT NULL,
    document          jsonb NOT NULL,
    canonical         text NOT NULL,
    digest            text NOT NULL,
    signature         text NOT NULL,
    html              text NOT NULL,
    plain_text        text NOT NULL,
    issued_at         timestamptz NOT NULL DEFAULT now(),
    issued_by         uuid NOT NULL,
    amendment_reason  text,
    UNIQUE (base_number, revision)
);
CREATE INDEX certificates_order ON certificates (order_id, seq);
CREATE INDEX certificates_customer ON certificates (customer_id, seq);
CREATE TRIGGER certificates_immutable BEFORE UPDATE OR DELETE ON certificates FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates FOR EACH STATEMENT EXECUTE FUNCTION reject_change();
