-- The strata of the directly standardised access rate (docs/reports.md,
-- tt.access_rate_std_per_1000): referrals aged 17+ received in
-- {{period_start}}..{{period_end}} and the GP-registered population aged 17+ (the rows of
-- the latest period_start on or before {{period_start}}, as access.sql reads them), by
-- ethnic group, age band and sex. The program weights each group's rates by the
-- registered population of Leeds as a whole in each age band and sex.
WITH latest AS (
  SELECT max(period_start) AS period_start FROM population WHERE period_start <= {{period_start}}
),
pop AS (
  SELECT COALESCE(e.ethnic_group, 'Unknown') AS ethnic_group,
    p.age_band,
    CASE WHEN p.sex IN ('1', '2', '9', 'X') THEN p.sex ELSE 'X' END AS sex,
    sum(CAST(p.registered AS BIGINT)) AS registered
  FROM population p
  JOIN latest l ON l.period_start = p.period_start
  LEFT JOIN ref_ethnic_category e ON e.code = p.ethnic_category
  WHERE p.registered > 0
    AND p.age_band IN ('17-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+')
  GROUP BY 1, 2, 3
),
refs AS (
  SELECT CAST(ethnic_group AS VARCHAR) AS ethnic_group, CAST(age_band AS VARCHAR) AS age_band,
    CAST(sex AS VARCHAR) AS sex, count(*) AS referrals
  FROM referral_facts
  WHERE referral_date BETWEEN {{period_start}} AND {{period_end}} AND age_years >= 17
  GROUP BY 1, 2, 3
)
SELECT COALESCE(p.ethnic_group, r.ethnic_group) AS ethnic_group,
  COALESCE(p.age_band, r.age_band) AS age_band,
  COALESCE(p.sex, r.sex) AS sex,
  COALESCE(r.referrals, 0) AS referrals,
  COALESCE(p.registered, 0) AS registered
FROM pop p
FULL JOIN refs r
  ON p.ethnic_group = r.ethnic_group AND p.age_band = r.age_band AND p.sex = r.sex
ORDER BY 1, 2, 3
