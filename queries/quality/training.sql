WITH d AS (
  SELECT t.*, COALESCE(sp.partner_org, 'Unknown') AS partner
  FROM training t LEFT JOIN staff_partner sp ON sp.staff_id = t.staff_id
)
SELECT partner AS partner_org,
  CASE WHEN staff_id IS NULL THEN '' END AS "staff_id|missing value",
  CASE WHEN staff_id IS NOT NULL AND partner = 'Unknown' THEN '' END AS "staff_id|no matching staff_id in staff_snapshot",
  CASE WHEN course IS NULL THEN '' END AS "course|missing value",
  CASE WHEN completed_date IS NULL THEN '' END AS "completed_date|missing value",
  CASE WHEN completed_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "completed_date|date in the future",
  CASE WHEN completed_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "completed_date|date before the earliest accepted",
  CASE WHEN mandatory IS NULL THEN '' END AS "mandatory|missing value"
FROM d
