-- The counts behind "Are the gaps closing?" (docs/reports.md, "Change over time": gaps
-- and priority groups by quarter): for each calendar quarter of the end of treatment
-- from {{series_start}} to {{period_end}}, those finishing a course of treatment, at
-- caseness, recovered, reliably recovered and seen within 6 weeks, as
-- referral_metrics.sql counts them in a period, for the service (kind 'service'),
-- White British (A) and every other known code (B-S) (kind 'white_british', groups 'A'
-- and 'B-S'; Unknown on neither side), and each priority group (kind 'priority_group').
-- The rest of the service is the service less the group. One pass over referral_facts:
-- the combinations first, then each kind from their few rows.
WITH f AS (
  SELECT
    CAST(date_part('year', end_date) AS VARCHAR) || '-Q'
      || CAST(date_part('quarter', end_date) AS VARCHAR) AS quarter,
    CASE WHEN ethnic_category = 'A' THEN 'A'
         WHEN ethnic_category = 'Unknown' THEN ''
         ELSE 'B-S' END AS white_british,
    pg_ethnic, pg_sex, pg_eastern_european, pg_age,
    treatment_sessions >= 2 AS finished,
    {{clinical_flags}}
  FROM referral_facts
  WHERE end_date BETWEEN {{series_start}} AND {{period_end}}
),
g AS (
  SELECT f.*,
    finished AND case_first AND NOT case_last AS recovered,
    finished AND paired AND fell AND NOT rose AS improved
  FROM f
),
combos AS (
  SELECT quarter, white_british, pg_ethnic, pg_sex, pg_eastern_european, pg_age,
    sum(CASE WHEN finished THEN 1 ELSE 0 END) AS finished,
    sum(CASE WHEN finished AND case_first THEN 1 ELSE 0 END) AS at_caseness,
    sum(CASE WHEN recovered THEN 1 ELSE 0 END) AS recovered,
    sum(CASE WHEN recovered AND improved THEN 1 ELSE 0 END) AS reliably_recovered,
    sum(CASE WHEN finished AND wait_days <= {{wait_6wk_days}} THEN 1 ELSE 0 END) AS wait_6wk
  FROM g
  GROUP BY quarter, white_british, pg_ethnic, pg_sex, pg_eastern_european, pg_age
),
keyed AS (
  SELECT quarter, 'service' AS kind, '' AS grp, finished, at_caseness, recovered, reliably_recovered, wait_6wk FROM combos
  UNION ALL
  SELECT quarter, 'white_british', white_british, finished, at_caseness, recovered, reliably_recovered, wait_6wk FROM combos WHERE white_british <> ''
  UNION ALL
  SELECT quarter, 'priority_group', pg_ethnic, finished, at_caseness, recovered, reliably_recovered, wait_6wk FROM combos WHERE pg_ethnic <> ''
  UNION ALL
  SELECT quarter, 'priority_group', pg_sex, finished, at_caseness, recovered, reliably_recovered, wait_6wk FROM combos WHERE pg_sex <> ''
  UNION ALL
  SELECT quarter, 'priority_group', pg_eastern_european, finished, at_caseness, recovered, reliably_recovered, wait_6wk FROM combos WHERE pg_eastern_european <> ''
  UNION ALL
  SELECT quarter, 'priority_group', pg_age, finished, at_caseness, recovered, reliably_recovered, wait_6wk FROM combos WHERE pg_age <> ''
)
SELECT quarter, kind, CAST(grp AS VARCHAR) AS grp,
  CAST(sum(finished) AS BIGINT) AS finished, CAST(sum(at_caseness) AS BIGINT) AS at_caseness,
  CAST(sum(recovered) AS BIGINT) AS recovered,
  CAST(sum(reliably_recovered) AS BIGINT) AS reliably_recovered,
  CAST(sum(wait_6wk) AS BIGINT) AS wait_6wk
FROM keyed
GROUP BY quarter, kind, grp
