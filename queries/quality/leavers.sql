WITH d AS (
  SELECT l.*, COALESCE(p.code, 'Unlisted') AS partner
  FROM leavers l LEFT JOIN ref_partner p ON p.code = l.partner_org
)
SELECT 'staff_id' AS column_name, 'missing value' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE staff_id IS NULL
UNION ALL SELECT 'staff_id', 'no matching staff_id in staff_snapshot', NULL, partner FROM d WHERE staff_id IS NOT NULL AND staff_id NOT IN (SELECT staff_id FROM staff)
UNION ALL SELECT 'partner_org', 'unlisted partner code', COALESCE(partner_org, '(empty)'), partner FROM d WHERE partner = 'Unlisted'
UNION ALL SELECT 'leave_date', 'missing value', NULL, partner FROM d WHERE leave_date IS NULL
UNION ALL SELECT 'leave_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE leave_date > {{as_of}}
