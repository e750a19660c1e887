WITH d AS (
  SELECT t.*, COALESCE(sp.partner_org, 'Unknown') AS partner
  FROM training t LEFT JOIN staff_partner sp ON sp.staff_id = t.staff_id
)
SELECT 'staff_id' AS column_name, 'missing value' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE staff_id IS NULL
UNION ALL SELECT 'staff_id', 'no matching staff_id in staff_snapshot', NULL, partner FROM d WHERE staff_id IS NOT NULL AND partner = 'Unknown'
UNION ALL SELECT 'course', 'missing value', NULL, partner FROM d WHERE course IS NULL
UNION ALL SELECT 'completed_date', 'missing value', NULL, partner FROM d WHERE completed_date IS NULL
UNION ALL SELECT 'completed_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE completed_date > {{as_of}}
UNION ALL SELECT 'mandatory', 'missing value', NULL, partner FROM d WHERE mandatory IS NULL
