-- Scheduling's reporting interface, extended: each job's receipt time, so turnaround joins certificates to jobs alone
-- (two views, not three; measured with benchmarks/reports). A job is queued inside the receipt's own transaction
-- (SampleStore.receive calls JobQueue.enqueue before it commits) and both rows take their time from now(), the
-- transaction's start, so a job's enqueued_at is its item's received_at to the microsecond, and neither ever changes.
-- CREATE OR REPLACE keeps the view's grants (read-only for calibra_runtime, as 0051 left them); new columns go last.
CREATE OR REPLACE VIEW report_jobs AS
    SELECT id AS job_id, item_id, order_id, customer_id, service_code, state, expedited, due_on, held, holder_id, claimed_at,
           enqueued_at AS received_at
    FROM jobs;
REVOKE INSERT, UPDATE, DELETE ON report_jobs FROM calibra_runtime;

-- For turnaround over a long window: what it reads of every job, in job order, so it merge-joins certificates
-- (0057's index) with two index-only scans instead of hashing 150 000 jobs. Service code, due date and queue time never
-- change after the insert; state changes already miss HOT updates (jobs_state indexes state).
CREATE INDEX jobs_report_turnaround ON jobs (id) INCLUDE (service_code, due_on, enqueued_at);
