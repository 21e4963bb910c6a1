-- Nonconforming work (ISO/IEC 17025 §7.10), owned by the Quality module: a nonconformity, the certificates it puts
-- under review, and a final disposition for each.
CREATE TABLE nonconformities (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq           bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    number        text NOT NULL UNIQUE,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    description   text NOT NULL,
    equipment_id  uuid,
    since         date,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    opened_by     uuid,
    closed_at     timestamptz,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX nonconformities_status ON nonconformities (status, seq);
CREATE INDEX nonconformities_equipment ON nonconformities (equipment_id);

CREATE TABLE nonconformity_certificates (
    nonconformity_id  uuid NOT NULL REFERENCES nonconformities (id),
    position          int NOT NULL,
    certificate_id    uuid NOT NULL,
    number            text NOT NULL,
    customer_id       uuid NOT NULL,
    disposition       text CHECK (disposition IN ('no_impact', 'amend', 'withdraw')),
    justification     text,
    decided_at        timestamptz,
    decided_by        uuid,
    PRIMARY KEY (nonconformity_id, certificate_id),
    CHECK ((disposition IS NULL) = (decided_at IS NULL) AND (disposition IS NULL) = (justification IS NULL))
);
CREATE INDEX nonconformity_certificates_certificate ON nonconformity_certificates (certificate_id);

-- A disposition is final: once given it never changes, and a row is never removed.
CREATE FUNCTION nonconformity_disposition_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.disposition IS NOT NULL THEN
        RAISE EXCEPTION 'a disposition is final' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER nonconformity_certificates_final BEFORE UPDATE OR DELETE ON nonconformity_certificates
    FOR EACH ROW EXECUTE FUNCTION nonconformity_disposition_final();
REVOKE DELETE ON nonconformity_certificates, nonconformities FROM calibra_runtime;
