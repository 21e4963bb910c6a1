-- Outbound webhooks (Standard Webhooks 1.0): the customers' endpoints, the events waiting to be fanned out to them,
-- and every delivery attempt. The Webhooks module owns these tables; it reads `customer_events` only through LIMSCore.

CREATE TABLE webhook_endpoints (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id            uuid NOT NULL,
    url                    text NOT NULL,
    -- NULL: every event type of the customer's feed.
    event_types            text[],
    status                 text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
    -- AES-GCM sealed box (nonce, ciphertext, tag) of the secret's 32 bytes, under the webhook key kept outside the database.
    secret_sealed          bytea NOT NULL,
    -- After a rotation the previous secret also signs for a day, so receivers can switch over (several signatures).
    previous_secret_sealed bytea,
    previous_secret_until  timestamptz,
    disabled_reason        text,
    disabled_at            timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_customer ON webhook_endpoints (customer_id, created_at, id);

-- Events of customers that have an enabled endpoint, waiting to be fanned out into one attempt per matching endpoint.
-- A queue table: rows live for well under a second, so it is vacuumed eagerly (STYLE.md, "A queue table churns").
CREATE TABLE webhook_outbox (
    seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    uuid NOT NULL,
    customer_id uuid NOT NULL,
    event_type  text NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 1000);

-- One row per attempt to send one event to one endpoint. A `pending` row is work: due at `next_attempt_at`, claimed by
-- an instance with `FOR UPDATE SKIP LOCKED` and a lease (`lease_until`, `lease_token`), so two instances never send it at
-- once and an instance killed mid-send leaves a lease that expires and is claimed again. Once sent, the row says how it
-- went (`delivered` or `failed`, with the next attempt's time when there is one) and the retry is a new pending row.
CREATE TABLE webhook_attempts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        uuid NOT NULL,
    event_type      text NOT NULL,
    -- 1 for the first attempt (and for a replay), counting up the retry schedule.
    attempt         integer NOT NULL CHECK (attempt >= 1),
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    next_attempt_at timestamptz,
    lease_until     timestamptz,
    lease_token     uuid,
    response_status integer,
    duration_ms     integer,
    error           text,
    attempted_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);
CREATE INDEX webhook_attempts_due ON webhook_attempts (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, seq DESC);

-- The enqueue, as a trigger on the event feed rather than code in CustomerEventLog.append: every writer of
-- `customer_events` (each module through CustomerEventLog, SQL functions, later modules) is covered without touching
-- it, the event and its queue row commit together (nothing is sent for an event that rolled back, nothing is lost for
-- one that committed), and the trigger writes only this module's table. Its cost is fixed whatever the number of
-- endpoints: one probe of `webhook_endpoints_customer`, and, only for a customer with an enabled endpoint, one small
-- insert. Matching endpoints and event types happens later, in the delivery workers' fan-out.
CREATE FUNCTION webhooks_enqueue_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM webhook_endpoints WHERE customer_id = NEW.customer_id AND status = 'enabled') THEN
        INSERT INTO webhook_outbox (event_id, customer_id, event_type) VALUES (NEW.id, NEW.customer_id, NEW.type);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER customer_events_webhooks AFTER INSERT ON customer_events
    FOR EACH ROW EXECUTE FUNCTION webhooks_enqueue_event();

-- Privileges: the default privileges of 0013 grant the runtime role rows, sequences and the function; nothing to revoke
-- (every table here is updated or deleted at run time).
