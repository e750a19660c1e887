-- Turnover quarter by quarter to {{period_end}}, for the SPC charts: in each calendar
-- quarter that has a snapshot, the leavers with leave_date in the quarter over the mean
-- headcount of the quarter's snapshots (rounded to whole staff), as turnover_board.sql
-- works out a period's, overall only, in the long metric form keyed 'quarter=2025-Q3'.
-- A person who left twice on one day counts once, as there. Quarters before the first
-- leaver the extract holds have no figure: an extract that starts later is not a
-- quarter in which no one left.
WITH snaps AS (
  SELECT snapshot_date,
    CAST(date_part('year', snapshot_date) AS VARCHAR) || '-Q'
      || CAST(date_part('quarter', snapshot_date) AS VARCHAR) AS quarter
  FROM staff
  WHERE snapshot_date <= {{period_end}}
),
heads AS (
  SELECT quarter, 1 AS one,
    round(CAST(count(*) AS DOUBLE) / count(DISTINCT snapshot_date)) AS mean_headcount
  FROM snaps
  GROUP BY quarter
),
left_q AS (
  SELECT CAST(date_part('year', leave_date) AS VARCHAR) || '-Q'
      || CAST(date_part('quarter', leave_date) AS VARCHAR) AS quarter,
    count(*) AS leavers
  FROM (SELECT DISTINCT staff_id, leave_date FROM leavers WHERE leave_date <= {{period_end}}) l
  GROUP BY 1
)
SELECT 'wf.turnover_pct' AS metric, 'quarter=' || h.quarter AS by_key,
  COALESCE(l.leavers, 0) AS numerator, CAST(h.mean_headcount AS BIGINT) AS denominator,
  CAST(NULL AS DOUBLE) AS value
FROM heads h
LEFT JOIN left_q l ON l.quarter = h.quarter
-- (a join on a key, not a scalar subquery or a cross join, which Ballista 55 does not
-- run across its executors)
JOIN (SELECT 1 AS one, min(quarter) AS first_quarter FROM left_q) f ON f.one = h.one
WHERE h.quarter >= f.first_quarter
