-- For report_certificates (0052): originals with the job they sign, in two orders, each covering what turnaround reads
-- (job and signing time) so it never reads the certificates' wide rows (documents, HTML, signatures). By job: a year's
-- window merge-joins with jobs (0056's jobs_report_turnaround). By signing time: a short window reads only its own
-- certificates; it replaces 0055's index, which lacked the job. Measured with benchmarks/reports (README).
CREATE INDEX certificates_original_job ON certificates (job_id) INCLUDE (issued_at) WHERE supersedes IS NULL;
CREATE INDEX certificates_original_issued_job ON certificates (issued_at) INCLUDE (job_id) WHERE supersedes IS NULL;
DROP INDEX certificates_original_issued_at;
