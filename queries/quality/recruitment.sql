WITH d AS (
  SELECT r.*, COALESCE(p.code, 'Unlisted') AS partner,
    row_number() OVER (PARTITION BY r.application_id) AS key_rank
  FROM recruitment r LEFT JOIN ref_partner p ON p.code = r.partner_org
)
SELECT 'application_id' AS column_name, 'missing key' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE application_id IS NULL
UNION ALL SELECT 'application_id', 'duplicate key (row excluded)', NULL, partner FROM d WHERE key_rank > 1 AND application_id IS NOT NULL
UNION ALL SELECT 'partner_org', 'unlisted partner code', COALESCE(partner_org, '(empty)'), partner FROM d WHERE partner = 'Unlisted'
UNION ALL SELECT 'afc_band', 'unknown code', afc_band, partner FROM d WHERE afc_band NOT IN (SELECT afc_band FROM ref_afc_band)
UNION ALL SELECT 'application_date', 'missing value', NULL, partner FROM d WHERE application_date IS NULL
UNION ALL SELECT 'application_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE application_date > {{as_of}}
UNION ALL SELECT 'sex', 'unknown code', sex, partner FROM d WHERE sex NOT IN ('1', '2', '9', 'X')
UNION ALL SELECT 'ethnic_category', 'unknown code', ethnic_category, partner FROM d WHERE ethnic_category NOT IN (SELECT code FROM ref_ethnic_category)
UNION ALL SELECT 'disability', 'unknown code', disability, partner FROM d WHERE disability NOT IN ('Y', 'N', 'Z')
UNION ALL SELECT 'shortlisted', 'missing value', NULL, partner FROM d WHERE shortlisted IS NULL
UNION ALL SELECT 'appointed', 'missing value', NULL, partner FROM d WHERE appointed IS NULL
UNION ALL SELECT 'appointed', 'appointed without shortlisted', NULL, partner FROM d WHERE appointed AND NOT shortlisted
