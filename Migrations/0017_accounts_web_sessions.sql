-- Sessions of people using the web pages (the staff console now, the customer portal later), kept apart from the
-- API's bearer sessions: a browser's cookie never authenticates the JSON API and a bearer token never opens a page.
-- Only the SHA-256 of the cookie's secret is stored. A session ends at sign-out (the row is deleted), after
-- `idle_seconds` without a request, or at `expires_at`, whichever comes first.
CREATE TABLE web_sessions (
    token_hash    bytea PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    idle_seconds  int NOT NULL CHECK (idle_seconds > 0),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
