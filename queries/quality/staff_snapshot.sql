WITH d AS (
  SELECT s.*, COALESCE(p.code, 'Unlisted') AS partner,
    row_number() OVER (PARTITION BY s.snapshot_date, s.staff_id) AS key_rank
  FROM staff_snapshot s LEFT JOIN ref_partner p ON p.code = s.partner_org
)
SELECT 'snapshot_date' AS column_name, 'missing key (row excluded)' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE snapshot_date IS NULL
UNION ALL SELECT 'staff_id', 'missing key (row excluded)', NULL, partner FROM d WHERE staff_id IS NULL
UNION ALL SELECT 'staff_id', 'duplicate key (row excluded)', NULL, partner FROM d WHERE key_rank > 1 AND snapshot_date IS NOT NULL AND staff_id IS NOT NULL
UNION ALL SELECT 'snapshot_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE snapshot_date > {{as_of}}
UNION ALL SELECT 'partner_org', 'unlisted partner code', COALESCE(partner_org, '(empty)'), partner FROM d WHERE partner = 'Unlisted'
UNION ALL SELECT 'service_line', 'unknown code', COALESCE(service_line, '(empty)'), partner FROM d WHERE service_line IS NULL OR service_line NOT IN ('talking_therapies', 'pcmh', 'shared')
UNION ALL SELECT 'clinical', 'missing value', NULL, partner FROM d WHERE clinical IS NULL
UNION ALL SELECT 'afc_band', 'unknown code', COALESCE(afc_band, '(empty)'), partner FROM d WHERE afc_band IS NULL OR afc_band NOT IN (SELECT afc_band FROM ref_afc_band)
UNION ALL SELECT 'fte', 'out of range (0 < fte <= 1.5)', CAST(fte AS VARCHAR), partner FROM d WHERE fte IS NULL OR fte <= 0 OR fte > 1.5
UNION ALL SELECT 'age_years', 'out of range (16 to 90)', CAST(age_years AS VARCHAR), partner FROM d WHERE age_years < 16 OR age_years > 90
UNION ALL SELECT 'sex', 'unknown code', COALESCE(sex, '(empty)'), partner FROM d WHERE sex IS NULL OR sex NOT IN ('1', '2', '9', 'X')
UNION ALL SELECT 'ethnic_category', 'unknown code', COALESCE(ethnic_category, '(empty)'), partner FROM d WHERE ethnic_category IS NULL OR ethnic_category NOT IN (SELECT code FROM ref_ethnic_category)
UNION ALL SELECT 'disability', 'unknown code', COALESCE(disability, '(empty)'), partner FROM d WHERE disability IS NULL OR disability NOT IN ('Y', 'N', 'Z')
