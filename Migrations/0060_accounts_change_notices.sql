-- Accounts announces every change of an API key or a customer (notify_change, 0059), so each instance may keep the
-- principals of keys and the customers' terms it has read (APIKeyCache, CustomerCache) and still refuse a revoked key
-- at once, whoever changes the row: the API, the console or an operator's SQL.
CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION notify_change('api_key', 'id');

CREATE TRIGGER customers_changed AFTER UPDATE OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION notify_change('customer', 'id');
