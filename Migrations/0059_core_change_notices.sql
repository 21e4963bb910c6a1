-- The shared kernel's change notices, for the caches every instance may keep (FollowedCache): a module's trigger calls
-- notify_change('<kind>', '<key column>') on its own table, and every change of a row sends
-- `NOTIFY lims_changes, '<kind>:<key>'`, delivered to every listening instance when the change commits (never if it
-- rolls back). An instance that is not listening keeps no cache, so a notice is never needed twice.
CREATE FUNCTION notify_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    affected jsonb := CASE TG_OP WHEN 'INSERT' THEN to_jsonb(NEW) ELSE to_jsonb(OLD) END;
BEGIN
    PERFORM pg_notify('lims_changes', TG_ARGV[0] || ':' || (affected ->> TG_ARGV[1]));
    RETURN NULL;
END;
$$;
