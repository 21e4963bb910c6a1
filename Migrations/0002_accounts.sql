-- Staff, their sessions, customers and their API keys, staff authorisations per service.

CREATE TABLE staff_users (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                  bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    email                text NOT NULL,
    name                 text NOT NULL,
    roles                text[] NOT NULL CHECK (roles <@ ARRAY['admin', 'receptionist', 'technician', 'reviewer', 'signatory', 'billing']),
    password_hash        text NOT NULL,
    active               boolean NOT NULL DEFAULT true,
    failed_logins        int NOT NULL DEFAULT 0,
    locked_until         timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_users_email ON staff_users (lower(email));

-- Only the SHA-256 of a session token is stored: a stolen table cannot be replayed.
CREATE TABLE staff_sessions (
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES staff_users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

CREATE TABLE customers (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq                    bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    code                   text NOT NULL UNIQUE,
    name                   text NOT NULL,
    address                text NOT NULL,
    tax_id                 text,
    currency               char(3) NOT NULL,
    billing_email          text NOT NULL,
    discount_basis_points  int NOT NULL CHECK (discount_basis_points BETWEEN 0 AND 10000),
    tax_rate_basis_points  int NOT NULL CHECK (tax_rate_basis_points BETWEEN 0 AND 10000),
    payment_terms_days     int NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    created_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id  uuid NOT NULL REFERENCES customers (id),
    prefix       text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    label        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX api_keys_customer ON api_keys (customer_id);

CREATE TABLE staff_authorizations (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES staff_users (id),
    service_code  text NOT NULL,
    activity      text NOT NULL CHECK (activity IN ('perform', 'review', 'sign')),
    valid_until   date NOT NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    granted_by    uuid REFERENCES staff_users (id),
    UNIQUE (user_id, service_code, activity)
);
