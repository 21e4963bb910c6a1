-- Accounts tells every instance when an API key changes, so each may keep the principals of keys it has seen
-- (APIKeyCache) and still refuse a revoked key at once: any update or deletion of a key, by the API, the console or
-- an operator's SQL, sends `NOTIFY api_key_changed, '<key id>'`, delivered to every listening instance when the
-- change commits (and never if it rolls back). An instance that is not listening does not cache.
CREATE FUNCTION api_key_changed() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('api_key_changed', OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION api_key_changed();
