-- A calibration recorded from the provider's Digital Calibration Certificate keeps the DCC's bytes and their SHA-256.
ALTER TABLE equipment_calibrations ADD COLUMN dcc text, ADD COLUMN dcc_sha256 text;
ALTER TABLE equipment_calibrations ADD CONSTRAINT equipment_calibrations_dcc_digest CHECK ((dcc IS NULL) = (dcc_sha256 IS NULL));
