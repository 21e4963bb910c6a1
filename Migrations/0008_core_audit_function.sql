-- The audit writer as a SQL function, for modules that record a change inside the very statement that makes
-- it (the job queue's one-statement claim). Same table, same columns as LIMSCore's AuditLog.record.
CREATE FUNCTION record_audit_event(
    p_actor_kind text, p_actor_id uuid, p_actor_name text, p_action text, p_entity text, p_entity_id text,
    p_before jsonb, p_after jsonb, p_request_id text
) RETURNS bigint LANGUAGE sql VOLATILE AS $$
    INSERT INTO audit_events (actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, request_id)
    VALUES (p_actor_kind, p_actor_id, p_actor_name, p_action, p_entity, p_entity_id, p_before, p_after, p_request_id)
    RETURNING id;
$$;
