-- Orders' side of the instrument register: each order item names the customer's registered instrument (filled for
-- existing items by 0019, then required), and a verification service may be marked as mandatory verification under
-- the national catalogue, by the use the instrument serves.
ALTER TABLE order_items ADD COLUMN instrument_id uuid REFERENCES instruments (id);

ALTER TABLE services ADD COLUMN mandatory_verification_category text
    CHECK (mandatory_verification_category IN ('trade_settlement', 'safety_protection', 'medical', 'environmental_monitoring'));
ALTER TABLE services ADD CONSTRAINT services_mandatory_verification_kind
    CHECK (mandatory_verification_category IS NULL OR kind = 'verification');
