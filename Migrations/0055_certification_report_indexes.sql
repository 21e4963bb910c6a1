-- For report_certificates: originals by signing time, so a turnaround window reads only the certificates signed in it
-- (measured with benchmarks/reports: a 30-day window of a busy year no longer scans every certificate).
CREATE INDEX certificates_original_issued_at ON certificates (issued_at) WHERE supersedes IS NULL;
