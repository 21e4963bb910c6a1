-- Certification's reporting interface (read-only): when each job's work was first signed. The original certificate
-- (the one that supersedes nothing) carries the signing time; amendments do not restart turnaround.
CREATE VIEW report_certificates AS
    SELECT job_id, item_id, order_id, customer_id, issued_at
    FROM certificates
    WHERE supersedes IS NULL;
REVOKE INSERT, UPDATE, DELETE ON report_certificates FROM calibra_runtime;
