WITH d AS (
  SELECT l.*, COALESCE(p.code, 'Unlisted') AS partner, k.staff_id AS known_staff
  FROM leavers l LEFT JOIN ref_partner p ON p.code = l.partner_org
  LEFT JOIN (SELECT DISTINCT staff_id FROM staff) k ON k.staff_id = l.staff_id
)
SELECT partner AS partner_org,
  CASE WHEN staff_id IS NULL THEN '' END AS "staff_id|missing value",
  CASE WHEN staff_id IS NOT NULL AND known_staff IS NULL THEN '' END AS "staff_id|no matching staff_id in staff_snapshot",
  CASE WHEN partner = 'Unlisted' THEN COALESCE(partner_org, '(empty)') END AS "partner_org|unlisted partner code",
  CASE WHEN leave_date IS NULL THEN '' END AS "leave_date|missing value",
  CASE WHEN leave_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "leave_date|date in the future",
  CASE WHEN leave_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "leave_date|date before the earliest accepted"
FROM d
