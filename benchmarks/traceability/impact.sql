-- The impact query as the Certification module runs it (CertificateStore.impact), for pgbench.
SELECT c.id, c.number, c.customer_id, c.issued_at, w.certificate_id IS NOT NULL, m.measured_on::text
FROM measurements m
JOIN certificates c ON c.job_id = m.job_id
LEFT JOIN certificate_withdrawals w ON w.certificate_id = c.id
WHERE m.equipment_ids @> ARRAY[:suspect::uuid]
  AND (:since::date IS NULL OR m.measured_on >= :since::date)
  AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.supersedes = c.id)
ORDER BY m.measured_on, c.seq;
