-- Reverse traceability: which certificates cited a reference standard, fast on a long history, and withdrawals.

-- The impact query walks measurements by the equipment they cite, then their certificates by job.
CREATE INDEX measurements_equipment ON measurements USING gin (equipment_ids);
CREATE INDEX certificates_job ON certificates (job_id);

-- A withdrawn certificate stays on record, unchanged; its withdrawal is a fact of its own, recorded once.
CREATE TABLE certificate_withdrawals (
    certificate_id  uuid PRIMARY KEY REFERENCES certificates (id),
    reason          text NOT NULL,
    withdrawn_at    timestamptz NOT NULL DEFAULT now(),
    withdrawn_by    uuid
);
CREATE TRIGGER certificate_withdrawals_append_only BEFORE UPDATE OR DELETE ON certificate_withdrawals
    FOR EACH ROW EXECUTE FUNCTION reject_change();
REVOKE UPDATE, DELETE ON certificate_withdrawals FROM calibra_runtime;
