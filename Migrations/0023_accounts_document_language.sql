-- The language of a customer's documents (certificates, verification certificates, result notices, invoices, labels):
-- English, Simplified Chinese, or both with Chinese first (bilingual). Each document freezes it when signed or issued.
ALTER TABLE customers ADD COLUMN document_language text NOT NULL DEFAULT 'en'
    CHECK (document_language IN ('en', 'zh-Hans', 'bilingual'));
