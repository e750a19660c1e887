SELECT 'period_start' AS column_name, 'missing value' AS problem, CAST(NULL AS VARCHAR) AS value, 'All' AS partner_org FROM population WHERE period_start IS NULL
UNION ALL SELECT 'age_band', 'unknown code', COALESCE(age_band, '(empty)'), 'All' FROM population WHERE age_band IS NULL OR age_band NOT IN ('17-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+')
UNION ALL SELECT 'sex', 'unknown code', COALESCE(sex, '(empty)'), 'All' FROM population WHERE sex IS NULL OR sex NOT IN ('1', '2', '9', 'X')
UNION ALL SELECT 'ethnic_category', 'unknown code', COALESCE(ethnic_category, '(empty)'), 'All' FROM population WHERE ethnic_category IS NULL OR ethnic_category NOT IN (SELECT code FROM ref_ethnic_category)
UNION ALL SELECT 'imd_decile', 'out of range (1 to 10)', CAST(imd_decile AS VARCHAR), 'All' FROM population WHERE imd_decile < 1 OR imd_decile > 10
UNION ALL SELECT 'registered', 'out of range (0 or more)', CAST(registered AS VARCHAR), 'All' FROM population WHERE registered IS NULL OR registered < 0
