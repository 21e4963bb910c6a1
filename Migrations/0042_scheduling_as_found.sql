-- What the calibration provider found before adjustment: only an as-found out-of-tolerance result puts the
-- equipment's earlier use in doubt (reverse traceability).
ALTER TABLE equipment_calibrations
    ADD COLUMN as_found text NOT NULL DEFAULT 'not_stated' CHECK (as_found IN ('in_tolerance', 'out_of_tolerance', 'not_stated')),
    ADD COLUMN as_found_notes text;
