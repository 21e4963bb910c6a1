-- Sign-in throttling in a table of its own, keyed by what an attacker sends rather than by an account row:
-- `email` counts attempts per normalised email (lower-cased, trimmed) whether or not an account has it, so an
-- unknown email locks exactly like a known one; `address` counts attempts per source address across accounts.
-- An attempt is reserved here (one INSERT ... ON CONFLICT DO UPDATE ... RETURNING) before any password check,
-- so concurrent attempts can never get past the limit. A lock always ends: the next attempt after
-- `locked_until` starts the count again.
CREATE TABLE sign_in_throttles (
    scope              text NOT NULL CHECK (scope IN ('email', 'address')),
    subject            text NOT NULL,
    -- Reserved attempts: failures plus attempts still being checked (a success gives its reservation back).
    attempts           int NOT NULL CHECK (attempts >= 0),
    window_started_at  timestamptz NOT NULL DEFAULT now(),
    locked_until       timestamptz,
    PRIMARY KEY (scope, subject)
);

-- The old per-row throttle on staff_users never unlocked by itself and was not atomic; the table above replaces it.
ALTER TABLE staff_users DROP COLUMN failed_logins, DROP COLUMN locked_until;

-- The purge of expired sessions scans by expiry.
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);

-- An API key's listed `prefix` used to be the first characters of the secret itself. It becomes a public tag
-- derived from the key's id (`key-` and its last 8 hex digits, never from the secret); old keys keep working,
-- since only their hash authenticates.
UPDATE api_keys SET prefix = 'key-' || right(replace(id::text, '-', ''), 8);
