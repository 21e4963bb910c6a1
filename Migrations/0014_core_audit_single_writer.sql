-- One audit writer. LIMSCore's AuditLog.record calls this function too (it used to INSERT itself), so the job
-- queue's one-statement claim and every other change write the audit log through the same definition: every
-- field of an event, and the entity id lower-cased (the canonical text form of a UUID, whoever wrote it).
CREATE OR REPLACE FUNCTION record_audit_event(
    p_actor_kind text, p_actor_id uuid, p_actor_name text, p_action text, p_entity text, p_entity_id text,
    p_before jsonb, p_after jsonb, p_request_id text
) RETURNS bigint LANGUAGE sql VOLATILE AS $$
    INSERT INTO audit_events (actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, request_id)
    VALUES (p_actor_kind, p_actor_id, p_actor_name, p_action, p_entity, lower(p_entity_id), p_before, p_after, p_request_id)
    RETURNING id;
$$;
