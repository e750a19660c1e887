-- key_rank > 1 marks the repeats of an id (queries/tables/numbered_disciplinary.sql).
WITH d AS (
  SELECT c.*, COALESCE(sp.partner_org, 'Unknown') AS partner
  FROM numbered_disciplinary c LEFT JOIN staff_partner sp ON sp.staff_id = c.staff_id
)
SELECT partner AS partner_org,
  CASE WHEN case_id IS NULL THEN '' END AS "case_id|missing key",
  CASE WHEN key_rank > 1 AND case_id IS NOT NULL THEN '' END AS "case_id|duplicate key (row excluded)",
  CASE WHEN partner = 'Unknown' THEN '' END AS "staff_id|no matching staff_id in staff_snapshot",
  CASE WHEN opened_date IS NULL THEN '' END AS "opened_date|missing value",
  CASE WHEN opened_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "opened_date|date in the future",
  CASE WHEN opened_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "opened_date|date before the earliest accepted"
FROM d
