-- Scheduling's reporting interface (read-only views for management reports): jobs, each piece of equipment with the
-- due date of its latest calibration (by calibration date, then recording time, as the equipment register decides),
-- and the live bookings.
CREATE VIEW report_jobs AS
    SELECT id AS job_id, item_id, order_id, customer_id, service_code, state, expedited, due_on, held, holder_id, claimed_at
    FROM jobs;

CREATE VIEW report_equipment_due AS
    SELECT e.id AS equipment_id, e.asset_tag, e.name, e.status, c.due_on
    FROM equipment e
    LEFT JOIN LATERAL (
        SELECT due_on FROM equipment_calibrations
        WHERE equipment_id = e.id
        ORDER BY calibrated_on DESC, recorded_at DESC
        LIMIT 1
    ) c ON true;

CREATE VIEW report_bookings AS
    SELECT id AS booking_id, equipment_id, during, job_id
    FROM equipment_bookings
    WHERE cancelled_at IS NULL;

REVOKE INSERT, UPDATE, DELETE ON report_jobs, report_equipment_due, report_bookings FROM calibra_runtime;
