-- The language an invoice (and the credit note that cancels it) is issued in: the customer's documentLanguage when
-- the invoice was issued, frozen with it. Invoices issued before stay English, as they were.
ALTER TABLE invoices ADD COLUMN document_language text NOT NULL DEFAULT 'en'
    CHECK (document_language IN ('en', 'zh-Hans', 'bilingual'));
