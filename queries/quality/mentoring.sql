WITH d AS (
  SELECT m.*, COALESCE(sp.partner_org, 'Unknown') AS partner
  FROM mentoring m LEFT JOIN staff_partner sp ON sp.staff_id = m.staff_id
)
SELECT 'staff_id' AS column_name, 'no matching staff_id in staff_snapshot' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE partner = 'Unknown'
UNION ALL SELECT 'programme', 'missing value', NULL, partner FROM d WHERE programme IS NULL
UNION ALL SELECT 'matched_date', 'missing value', NULL, partner FROM d WHERE matched_date IS NULL
UNION ALL SELECT 'matched_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE matched_date > {{as_of}}
