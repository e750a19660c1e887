WITH d AS (
  SELECT c.*, COALESCE(sp.partner_org, 'Unknown') AS partner,
    row_number() OVER (PARTITION BY c.case_id) AS key_rank
  FROM disciplinary c LEFT JOIN staff_partner sp ON sp.staff_id = c.staff_id
)
SELECT 'case_id' AS column_name, 'missing key' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE case_id IS NULL
UNION ALL SELECT 'case_id', 'duplicate key (row excluded)', NULL, partner FROM d WHERE key_rank > 1 AND case_id IS NOT NULL
UNION ALL SELECT 'staff_id', 'no matching staff_id in staff_snapshot', NULL, partner FROM d WHERE partner = 'Unknown'
UNION ALL SELECT 'opened_date', 'missing value', NULL, partner FROM d WHERE opened_date IS NULL
UNION ALL SELECT 'opened_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE opened_date > {{as_of}}
