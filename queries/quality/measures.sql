-- Each row once, with a weight (`rows`): the rows that pass every check but the
-- referral_id's match are counted per referral in tables/referral_care.sql, so only the
-- rest (service/measure_problem.sql; few, and none in a clean extract) are read here
-- one by one.
-- The referrals with such rows on the left, so that the join holds them in memory and,
-- when there are none, does not read the measures at all.
WITH problems AS (
  SELECT m.*
  FROM referral_care c
  JOIN measures m ON m.referral_id IS NOT DISTINCT FROM c.referral_id
  WHERE c.measure_problems > 0 AND {{measure_problem}}
),
rows_of AS (
  SELECT c.referral_id, c.measure_rows - c.measure_problems AS rows,
    CAST(NULL AS DATE) AS measured_date, CAST(NULL AS BIGINT) AS phq9,
    CAST(NULL AS BIGINT) AS gad7, false AS failing
  FROM referral_care c
  WHERE c.measure_rows > c.measure_problems
  UNION ALL
  SELECT referral_id, 1, measured_date, phq9, gad7, true
  FROM problems
),
-- the small table on the left, so the join holds it in memory
d AS (
  SELECT m.*, COALESCE(rp.partner_org, 'Unknown') AS partner
  FROM referral_keys rp RIGHT JOIN rows_of m ON rp.referral_id = m.referral_id
)
SELECT partner AS partner_org, rows,
  CASE WHEN partner = 'Unknown' THEN '' END AS "referral_id|no matching referral_id in referrals",
  CASE WHEN failing AND measured_date IS NULL THEN '' END AS "measured_date|missing value",
  CASE WHEN measured_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "measured_date|date in the future",
  CASE WHEN measured_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "measured_date|date before the earliest accepted",
  CASE WHEN phq9 < 0 OR phq9 > 27 THEN COALESCE(CAST(phq9 AS VARCHAR), '') END AS "phq9|out of range (0 to 27)",
  CASE WHEN gad7 < 0 OR gad7 > 21 THEN COALESCE(CAST(gad7 AS VARCHAR), '') END AS "gad7|out of range (0 to 21)",
  CASE WHEN failing AND phq9 IS NULL AND gad7 IS NULL THEN '' END AS "phq9|no score in the row (phq9 and gad7 both empty)"
FROM d
