WITH d AS (
  SELECT m.*, COALESCE(sp.partner_org, 'Unknown') AS partner
  FROM mentoring m LEFT JOIN staff_partner sp ON sp.staff_id = m.staff_id
)
SELECT partner AS partner_org,
  CASE WHEN partner = 'Unknown' THEN '' END AS "staff_id|no matching staff_id in staff_snapshot",
  CASE WHEN programme IS NULL THEN '' END AS "programme|missing value",
  CASE WHEN matched_date IS NULL THEN '' END AS "matched_date|missing value",
  CASE WHEN matched_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "matched_date|date in the future",
  CASE WHEN matched_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "matched_date|date before the earliest accepted"
FROM d
