-- Accounts tells every instance when an API key or a customer changes, so each may keep the rows it has read
-- (FollowedCache: API keys' principals, customers' billing terms) and still refuse a revoked key at once: any update or
-- deletion, by the API, the console or an operator's SQL, sends `NOTIFY accounts_changed, '<table>:<id>'`
-- (`api_key:…`, `customer:…`), delivered to every listening instance when the change commits (never if it rolls back).
-- An instance that is not listening does not cache.
CREATE FUNCTION accounts_changed() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('accounts_changed', TG_ARGV[0] || ':' || OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION accounts_changed('api_key');

CREATE TRIGGER customers_changed AFTER UPDATE OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION accounts_changed('customer');
