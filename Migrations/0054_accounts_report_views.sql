-- Accounts' reporting interface (read-only): staff names, for reports that name who holds work.
CREATE VIEW report_staff AS
    SELECT id AS staff_id, name FROM staff_users;
REVOKE INSERT, UPDATE, DELETE ON report_staff FROM calibra_runtime;
