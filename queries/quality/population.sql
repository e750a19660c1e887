SELECT 'All' AS partner_org,
  CASE WHEN period_start IS NULL THEN '' END AS "period_start|missing value",
  CASE WHEN age_band IS NULL OR age_band NOT IN ('17-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+') THEN COALESCE(age_band, '(empty)') END AS "age_band|unknown code",
  CASE WHEN sex IS NULL OR sex NOT IN ('1', '2', '9', 'X') THEN COALESCE(sex, '(empty)') END AS "sex|unknown code",
  CASE WHEN population.ethnic_category IS NULL OR e.code IS NULL THEN COALESCE(population.ethnic_category, '(empty)') END AS "ethnic_category|unknown code",
  CASE WHEN imd_decile < 1 OR imd_decile > 10 THEN COALESCE(CAST(imd_decile AS VARCHAR), '') END AS "imd_decile|out of range (1 to 10)",
  CASE WHEN registered IS NULL OR registered < 0 THEN COALESCE(CAST(registered AS VARCHAR), '') END AS "registered|out of range (0 or more)"
FROM population LEFT JOIN ref_ethnic_category e ON e.code = population.ethnic_category
