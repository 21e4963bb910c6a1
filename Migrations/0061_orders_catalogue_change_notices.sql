-- The catalogue announces every change of a service and every new price (notify_change, 0059), so each instance may
-- keep the services order pricing reads (ServiceCache) and price the next order at the new price.
CREATE TRIGGER services_changed AFTER UPDATE OR DELETE ON services
    FOR EACH ROW EXECUTE FUNCTION notify_change('service', 'code');

CREATE TRIGGER service_prices_changed AFTER INSERT OR UPDATE OR DELETE ON service_prices
    FOR EACH ROW EXECUTE FUNCTION notify_change('service', 'service_code');
