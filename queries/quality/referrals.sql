WITH d AS (
  SELECT r.*,
    CASE WHEN r.partner_org IS NULL THEN 'Unlisted' ELSE COALESCE(p.code, 'Unlisted') END AS partner,
    row_number() OVER (PARTITION BY r.referral_id) AS key_rank
  FROM referrals r LEFT JOIN ref_partner p ON p.code = r.partner_org
)
SELECT 'referral_id' AS column_name, 'missing key' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE referral_id IS NULL
UNION ALL SELECT 'referral_id', 'duplicate key (row excluded)', NULL, partner FROM d WHERE key_rank > 1 AND referral_id IS NOT NULL
UNION ALL SELECT 'person_id', 'missing value', NULL, partner FROM d WHERE person_id IS NULL
UNION ALL SELECT 'partner_org', 'unlisted partner code', partner_org, partner FROM d WHERE partner_org IS NOT NULL AND partner_org NOT IN (SELECT code FROM ref_partner)
UNION ALL SELECT 'service_line', 'unknown code', COALESCE(service_line, '(empty)'), partner FROM d WHERE service_line IS NULL OR service_line NOT IN ('talking_therapies', 'pcmh')
UNION ALL SELECT 'referral_date', 'missing value', NULL, partner FROM d WHERE referral_date IS NULL
UNION ALL SELECT 'referral_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE referral_date > {{as_of}}
UNION ALL SELECT 'referral_source', 'unknown code', referral_source, partner FROM d WHERE referral_source NOT IN ('self', 'gp', 'other_professional', 'other')
UNION ALL SELECT 'age_years', 'out of range (0 to 110)', CAST(age_years AS VARCHAR), partner FROM d WHERE age_years IS NULL OR age_years < 0 OR age_years > 110
UNION ALL SELECT 'sex', 'unknown code', COALESCE(sex, '(empty)'), partner FROM d WHERE sex IS NULL OR sex NOT IN ('1', '2', '9', 'X')
UNION ALL SELECT 'ethnic_category', 'unknown code', COALESCE(ethnic_category, '(empty)'), partner FROM d WHERE ethnic_category IS NULL OR ethnic_category NOT IN (SELECT code FROM ref_ethnic_category)
UNION ALL SELECT 'disability', 'unknown code', disability, partner FROM d WHERE disability NOT IN ('Y', 'N', 'Z')
UNION ALL SELECT 'imd_decile', 'out of range (1 to 10)', CAST(imd_decile AS VARCHAR), partner FROM d WHERE imd_decile < 1 OR imd_decile > 10
UNION ALL SELECT 'end_date', 'end_date before referral_date', NULL, partner FROM d WHERE end_date < referral_date
UNION ALL SELECT 'end_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE end_date > {{as_of}}
