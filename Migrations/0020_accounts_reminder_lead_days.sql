-- How many days before an instrument's due date the customer wants to be reminded (recall): the register's `due_soon`
-- status and the recall sweep's `instrument.due_soon` notices follow it.
ALTER TABLE customers ADD COLUMN reminder_lead_days int NOT NULL DEFAULT 30 CHECK (reminder_lead_days BETWEEN 0 AND 365);
