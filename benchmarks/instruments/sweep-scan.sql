-- What a recall pass must read whatever it sends: the instruments overdue or due within the reminder lead that lack the
-- notice for their due date (the sweep's candidate queries, read-only, without the inserts and events).
SELECT count(*) FROM instruments i
WHERE i.next_due_on < current_date
  AND NOT EXISTS (SELECT FROM instrument_recall_notices n WHERE n.instrument_id = i.id AND n.due_on = i.next_due_on AND n.kind = 'overdue');
SELECT count(*) FROM instruments i
WHERE i.next_due_on >= current_date AND i.next_due_on <= current_date + 30
  AND NOT EXISTS (SELECT FROM instrument_recall_notices n WHERE n.instrument_id = i.id AND n.due_on = i.next_due_on AND n.kind = 'due_soon');
