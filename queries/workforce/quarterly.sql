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
),
agg AS (
  SELECT quarter,
    {{staff_counts}}
  FROM s
  GROUP BY quarter
)
SELECT 'quarter=' || quarter AS by_key, headcount,
  CAST(COALESCE(fte, 0) AS DOUBLE) AS fte, fte_left_out, bme, ethnicity_unknown,
  band7plus, bme_band7plus, disabled, male, clinical,
  CAST(NULL AS BIGINT) AS clinical_interpreters,
  CAST(NULL AS BIGINT) AS cultural_competence,
  CAST(NULL AS BIGINT) AS bme_mentees_matched
FROM agg
