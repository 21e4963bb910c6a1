-- What a recall pass reads whatever it sends: the queued notices that fell due (overdue) or fall due within the
-- reminder lead (30 days here), as the sweep's candidate queries find them (read-only: no notices, no events).
SELECT count(*) FROM instrument_recall_pending p WHERE p.kind = 'overdue' AND p.due_on < current_date;
SELECT count(*) FROM instrument_recall_pending p WHERE p.kind = 'due_soon' AND p.due_on >= current_date AND p.due_on <= current_date + 30;
