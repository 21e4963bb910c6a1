-- Accounts' competence rule as a SQL function, so another module's single statement can ask it without
-- reading staff_authorizations itself: the services a user may do `activity` for today (UTC), unexpired.
CREATE FUNCTION authorized_services(p_user uuid, p_activity text) RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(service_code), '{}') FROM staff_authorizations
    WHERE user_id = p_user AND activity = p_activity AND valid_until >= (now() AT TIME ZONE 'UTC')::date;
$$;
