-- Referrals aged 17+ in {{period_start}}..{{period_end}} against the GP-registered
-- population aged 17+ (the population rows of the latest period_start on or before
-- {{period_start}}), overall and by every breakdown the population carries, as one row
-- per group: metric, by_key, 'referrals', group referrals, all referrals, 'registered',
-- group registered, all registered. From these the program gives the access rate per
-- 1,000 (group referrals / group registered) and the representation ratio
-- ((group referrals / all referrals) / (group registered / all registered)).
-- Disability, Eastern European, sexual orientation, religion and partner are not in the
-- population extract: no row for them.
-- (counted per combination of breakdown columns first: see breakdown_columns.sql)
WITH referred AS (
  SELECT * FROM referral_facts
  WHERE referral_date BETWEEN {{period_start}} AND {{period_end}} AND age_years >= 17
),
combos AS (
  SELECT {{breakdown_columns}}, count(*) AS referrals
  FROM referred
  GROUP BY {{breakdown_columns}}
),
refs_grouped AS (
  SELECT
    {{breakdown_key}} AS by_key,
    sum(referrals) AS referrals
  FROM combos
  GROUP BY {{breakdown_sets}}
  -- deciles, for the gradient of access (the other one-column breakdowns have no
  -- registered population)
  UNION ALL
  SELECT 'imd_decile=' || imd_decile, count(*) FROM referred GROUP BY imd_decile
),
refs AS (
  SELECT * FROM refs_grouped WHERE by_key IS NOT NULL
),
-- (one-row aggregates joined in, not scalar subqueries, which Ballista 55 cannot ship
-- to its executors)
latest_population AS (
  SELECT max(period_start) AS period_start FROM population WHERE period_start <= {{period_start}}
),
pop AS (
  SELECT
    CASE WHEN p.age_band IN ('17-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75+') THEN p.age_band ELSE 'Unknown' END AS age_band,
    CASE WHEN p.sex IN ('1', '2', '9', 'X') THEN p.sex ELSE 'X' END AS sex,
    CASE WHEN e.ethnic_group IS NULL OR e.ethnic_group = 'Unknown' THEN 'Unknown' ELSE e.code END AS ethnic_category,
    COALESCE(e.ethnic_group, 'Unknown') AS ethnic_group,
    CASE WHEN p.imd_decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(p.imd_decile / 2.0) AS BIGINT) AS VARCHAR) ELSE 'Unknown' END AS imd_quintile,
    CASE WHEN p.imd_decile BETWEEN 1 AND 10 THEN CAST(p.imd_decile AS VARCHAR) ELSE 'Unknown' END AS imd_decile,
    CAST(p.registered AS BIGINT) AS registered
  FROM population p
  JOIN latest_population l ON l.period_start = p.period_start
  LEFT JOIN ref_ethnic_category e ON e.code = p.ethnic_category
  WHERE p.registered > 0
),
-- the first age of each band, to place the older-age priority group (only when its age
-- is where a band starts: otherwise the population cannot give its denominator).
-- kind is joined on as a column, not a constant, so that the join has a key: Ballista
-- 55's executors give a keyless (nested loop) join's rows more than once.
pop_age AS (
  SELECT *, CASE WHEN age_band = '75+' THEN 75 WHEN age_band = 'Unknown' THEN NULL ELSE CAST(substr(age_band, 1, 2) AS BIGINT) END AS band_from,
    'age' AS kind
  FROM pop
),
-- (each population row once, under each of the eight keys it counts for: a branch per
-- key read the population, and each use of pop_sum, again; joined on a column, not
-- crossed, for the reason given above: pop_age's constant kind is the key)
pop_keyed AS (
  SELECT CASE k.n WHEN 1 THEN 'ethnic_group=' || p.ethnic_group
      WHEN 2 THEN 'ethnic_category=' || p.ethnic_category
      WHEN 3 THEN 'age_band=' || p.age_band
      WHEN 4 THEN 'sex=' || p.sex
      WHEN 5 THEN 'imd_quintile=' || p.imd_quintile
      WHEN 6 THEN 'imd_decile=' || p.imd_decile
      WHEN 7 THEN 'ethnic_group=' || p.ethnic_group || ';sex=' || p.sex
      ELSE '' END AS by_key,
    p.registered
  FROM pop_age p
  JOIN (VALUES ('age', 0), ('age', 1), ('age', 2), ('age', 3), ('age', 4), ('age', 5),
    ('age', 6), ('age', 7)) k(kind, n) ON k.kind = p.kind
  UNION ALL
  SELECT 'priority_group=' || r.name, p.registered
  FROM pop p JOIN ref_priority r ON r.kind = 'ethnic' AND r.code = p.ethnic_category
  UNION ALL
  SELECT 'priority_group=' || r.name, p.registered
  FROM pop p JOIN ref_priority r ON r.kind = 'sex' AND r.code = p.sex
  UNION ALL
  SELECT 'priority_group=' || r.name, p.registered
  FROM pop_age p JOIN ref_priority r ON r.kind = p.kind
  WHERE p.band_from >= r.min_age AND r.min_age IN (17, 25, 35, 45, 55, 65, 75)
),
pop_sum AS (
  SELECT by_key, sum(registered) AS registered FROM pop_keyed GROUP BY by_key
),
keys AS (
  SELECT by_key FROM pop_sum
  UNION SELECT dimension || '=' || value FROM ref_breakdown
  WHERE dimension NOT IN ('disability', 'sexual_orientation', 'religion', 'partner_org')
    AND dimension || '=' || value NOT IN (SELECT 'priority_group=' || name FROM ref_priority WHERE kind = 'eastern_european')
),
referral_total AS (
  SELECT max(referrals) AS all_referrals FROM refs WHERE by_key = ''
),
registered_total AS (
  SELECT sum(registered) AS all_registered FROM pop
)
SELECT 'tt.access' AS metric, k.by_key,
  'referrals' AS group_a, COALESCE(r.referrals, 0) AS num_a, COALESCE(t.all_referrals, 0) AS den_a,
  'registered' AS group_b, COALESCE(p.registered, 0) AS num_b, COALESCE(tp.all_registered, 0) AS den_b
FROM keys k
CROSS JOIN referral_total t
CROSS JOIN registered_total tp
LEFT JOIN refs r ON r.by_key = k.by_key
LEFT JOIN pop_sum p ON p.by_key = k.by_key
WHERE k.by_key NOT LIKE 'age_band=Under 17%'
