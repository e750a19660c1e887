-- The staff in post at each quarter's latest snapshot on or before {{period_end}}, for
-- the SPC charts (docs/reports.md, "Change over time"): one row per calendar quarter
-- that has a snapshot, keyed 'quarter=2025-Q3', with the columns of snapshot.sql, so the
-- figure registry reads each wf.* figure from them as it reads the period's. NULL here:
-- training and mentoring, counted to the period's end rather than at a snapshot, which
-- are not read quarter by quarter. One pass over the staff snapshots, overall only.
WITH q AS (
  SELECT *,
    CAST(date_part('year', snapshot_date) AS VARCHAR) || '-Q'
      || CAST(date_part('quarter', snapshot_date) AS VARCHAR) AS quarter
  FROM staff
  WHERE snapshot_date <= {{period_end}}
),
-- (a quarter with two snapshots is read at its later one, as a report reads its period)
latest AS (
  SELECT quarter, max(snapshot_date) AS snapshot_date FROM q GROUP BY quarter
),
s AS (
  SELECT q.* FROM q JOIN latest l ON l.quarter = q.quarter AND l.snapshot_date = q.snapshot_date
)
SELECT 'quarter=' || quarter AS by_key,
  count(*) AS headcount,
  CAST(COALESCE(sum(CASE WHEN fte > 0 AND fte <= 1.5 THEN fte END), 0) AS DOUBLE) AS fte,
  sum(CASE WHEN fte > 0 AND fte <= 1.5 THEN 0 ELSE 1 END) AS fte_left_out,
  sum(CASE WHEN wres_group = 'BME' THEN 1 ELSE 0 END) AS bme,
  sum(CASE WHEN wres_group = 'Unknown' THEN 1 ELSE 0 END) AS ethnicity_unknown,
  sum(CASE WHEN band7plus THEN 1 ELSE 0 END) AS band7plus,
  sum(CASE WHEN band7plus AND wres_group = 'BME' THEN 1 ELSE 0 END) AS bme_band7plus,
  sum(CASE WHEN disability = 'Y' THEN 1 ELSE 0 END) AS disabled,
  sum(CASE WHEN sex = '1' THEN 1 ELSE 0 END) AS male,
  sum(CASE WHEN clinical THEN 1 ELSE 0 END) AS clinical,
  CAST(NULL AS BIGINT) AS clinical_interpreters,
  CAST(NULL AS BIGINT) AS cultural_competence,
  CAST(NULL AS BIGINT) AS bme_mentees_matched
FROM s
GROUP BY quarter
