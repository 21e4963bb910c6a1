-- The Digital Calibration Certificate (DCC 3.1.2 XML) rendered at signing from the frozen content, kept like the HTML
-- and text; null for certificates signed before DCC export (their content, digests and renderings stay as signed).
-- The rows stay immutable (certificates_immutable): the column is written once, by the INSERT that issues the certificate.
ALTER TABLE certificates ADD COLUMN dcc text;
