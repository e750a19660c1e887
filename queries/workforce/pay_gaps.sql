-- Pay gaps at one snapshot ({{snapshot_date}}) from ordinary hourly pay, staff with a
-- pay in range (tables/staff.sql leaves the rest out; the data-quality page counts
-- them), overall and by partner, in the long metric form:
-- - pay.<gap>_gap_mean_pct and _median_pct: (the reference group's mean or median less
--   the other group's) / the reference group's, x 100; men against women (sex 1 and
--   2), White against BME (Unknown left out), not disabled against disabled (N and Y);
--   numerator the other group's staff, denominator the reference group's;
-- - pay.quartile_share: the staff ordered by pay (then id) cut into four quartiles of
--   equal size (the lower quartile 1), the share of women, of BME staff and of disabled
--   staff in each (by_key 'pay_group=women;pay_quartile=1').
WITH p AS (
  SELECT staff_id, partner_org, sex, wres_group, disability, hourly_pay
  FROM staff WHERE snapshot_date = {{snapshot_date}} AND hourly_pay IS NOT NULL
),
keyed AS (
  SELECT '' AS by_key, * FROM p
  UNION ALL
  SELECT 'partner_org=' || partner_org, * FROM p
),
sides AS (
  SELECT by_key, 'pay.gender_gap' AS gap,
    CASE sex WHEN '1' THEN 'ref' WHEN '2' THEN 'other' END AS side, hourly_pay FROM keyed
  UNION ALL
  SELECT by_key, 'pay.ethnicity_gap',
    CASE wres_group WHEN 'White' THEN 'ref' WHEN 'BME' THEN 'other' END, hourly_pay FROM keyed
  UNION ALL
  SELECT by_key, 'pay.disability_gap',
    CASE disability WHEN 'N' THEN 'ref' WHEN 'Y' THEN 'other' END, hourly_pay FROM keyed
),
side_stats AS (
  SELECT by_key, gap, side, count(*) AS n, avg(hourly_pay) AS mean_pay, median(hourly_pay) AS median_pay
  FROM sides WHERE side IS NOT NULL
  GROUP BY by_key, gap, side
),
-- every gap of every key, with 0 staff on a side that has none
gaps AS (
  SELECT k.by_key, g.gap
  FROM (SELECT DISTINCT by_key FROM keyed) k
  CROSS JOIN (VALUES ('pay.gender_gap'), ('pay.ethnicity_gap'), ('pay.disability_gap')) AS g (gap)
),
pairs AS (
  SELECT g.by_key, g.gap,
    COALESCE(r.n, 0) AS ref_n, COALESCE(o.n, 0) AS other_n,
    r.mean_pay AS ref_mean, o.mean_pay AS other_mean,
    r.median_pay AS ref_median, o.median_pay AS other_median
  FROM gaps g
  LEFT JOIN side_stats r ON r.by_key = g.by_key AND r.gap = g.gap AND r.side = 'ref'
  LEFT JOIN side_stats o ON o.by_key = g.by_key AND o.gap = g.gap AND o.side = 'other'
),
quartered AS (
  SELECT by_key, sex, wres_group, disability,
    ntile(4) OVER (PARTITION BY by_key ORDER BY hourly_pay, staff_id) AS q
  FROM keyed
),
quartiles AS (
  SELECT by_key, q, count(*) AS staff,
    sum(CASE WHEN sex = '2' THEN 1 ELSE 0 END) AS women,
    sum(CASE WHEN wres_group = 'BME' THEN 1 ELSE 0 END) AS bme,
    sum(CASE WHEN disability = 'Y' THEN 1 ELSE 0 END) AS disabled
  FROM quartered GROUP BY by_key, q
),
prefix AS (
  SELECT by_key, q, staff, women, bme, disabled,
    CASE WHEN by_key = '' THEN '' ELSE by_key || ';' END AS pre
  FROM quartiles
)
SELECT gap || '_mean_pct' AS metric, by_key,
  CAST(other_n AS BIGINT) AS numerator, CAST(ref_n AS BIGINT) AS denominator,
  CASE WHEN ref_mean > 0 AND other_n > 0 THEN (ref_mean - other_mean) / ref_mean * 100 END AS value
FROM pairs
UNION ALL
SELECT gap || '_median_pct', by_key, CAST(other_n AS BIGINT), CAST(ref_n AS BIGINT),
  CASE WHEN ref_median > 0 AND other_n > 0 THEN (ref_median - other_median) / ref_median * 100 END
FROM pairs
UNION ALL
SELECT 'pay.quartile_share', pre || 'pay_group=women;pay_quartile=' || CAST(q AS VARCHAR),
  CAST(women AS BIGINT), CAST(staff AS BIGINT), CAST(NULL AS DOUBLE)
FROM prefix
UNION ALL
SELECT 'pay.quartile_share', pre || 'pay_group=bme;pay_quartile=' || CAST(q AS VARCHAR),
  CAST(bme AS BIGINT), CAST(staff AS BIGINT), NULL
FROM prefix
UNION ALL
SELECT 'pay.quartile_share', pre || 'pay_group=disabled;pay_quartile=' || CAST(q AS VARCHAR),
  CAST(disabled AS BIGINT), CAST(staff AS BIGINT), NULL
FROM prefix
