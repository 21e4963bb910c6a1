-- People at a customer sign in like staff (one email namespace, one password policy, one throttle, the same API and
-- web sessions), but belong to one customer and hold one customer role instead of staff roles. They live in
-- staff_users so sessions, lockout and password changes stay one mechanism; every staff query filters them out.
ALTER TABLE staff_users
    ADD COLUMN customer_id uuid REFERENCES customers (id),
    ADD COLUMN customer_role text CHECK (customer_role IN ('customer_admin', 'customer_user')),
    ADD CONSTRAINT staff_users_customer_person CHECK (
        (customer_id IS NULL AND customer_role IS NULL)
        OR (customer_id IS NOT NULL AND customer_role IS NOT NULL AND roles = '{}')
    );
CREATE INDEX staff_users_customer ON staff_users (customer_id, seq) WHERE customer_id IS NOT NULL;
