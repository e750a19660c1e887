-- WRES 9 (BME share of partnership board members at {{snapshot_date}}), WDES 10 (their
-- disabled share), each overall, by partner and by voting role (executive,
-- non-executive), and turnover (leavers with leave_date in {{period_start}}..
-- {{period_end}} / mean headcount of the snapshots in the period, rounded to whole
-- staff), in the long metric form.
-- A leaver's ethnicity and disability come from their latest snapshot on or before the
-- leave date (or the first after, for someone who left before their first snapshot).
WITH board AS (
  SELECT * FROM staff WHERE snapshot_date = {{snapshot_date}} AND board_member
),
board_b AS (
  SELECT '' AS by_key, * FROM board
  UNION ALL
  SELECT 'partner_org=' || partner_org, * FROM board
  UNION ALL
  SELECT 'board_role=' || board_role, * FROM board WHERE board_role IN ('executive', 'non_executive')
),
snaps AS (
  SELECT * FROM staff WHERE snapshot_date BETWEEN {{period_start}} AND {{period_end}}
),
n_snaps AS (
  SELECT count(DISTINCT snapshot_date) AS n FROM snaps
),
leavers_placed AS (
  SELECT * FROM (
    SELECT l.staff_id, COALESCE(p.code, 'Unlisted') AS partner_org, s.wres_group, s.disability,
      row_number() OVER (
        PARTITION BY l.staff_id, l.leave_date
        ORDER BY CASE WHEN s.snapshot_date <= l.leave_date THEN 0 ELSE 1 END,
                 CASE WHEN s.snapshot_date <= l.leave_date THEN s.snapshot_date END DESC,
                 s.snapshot_date
      ) AS rk
    FROM leavers l
    LEFT JOIN ref_partner p ON p.code = l.partner_org
    LEFT JOIN staff s ON s.staff_id = l.staff_id
    WHERE l.leave_date BETWEEN {{period_start}} AND {{period_end}}
  ) t
  WHERE rk = 1
),
-- each row once overall, under its partner, its WRES group and its disability code
keyed_leavers AS (
  SELECT '' AS by_key FROM leavers_placed
  UNION ALL SELECT 'partner_org=' || partner_org FROM leavers_placed
  UNION ALL SELECT 'wres_group=' || COALESCE(wres_group, 'Unknown') FROM leavers_placed
  UNION ALL SELECT 'disability=' || COALESCE(disability, 'Z') FROM leavers_placed
),
keyed_staff AS (
  SELECT '' AS by_key FROM snaps
  UNION ALL SELECT 'partner_org=' || partner_org FROM snaps
  UNION ALL SELECT 'wres_group=' || wres_group FROM snaps
  UNION ALL SELECT 'disability=' || disability FROM snaps
),
mean_heads AS (
  SELECT k.by_key, round(CAST(count(*) AS DOUBLE) / max(n.n)) AS mean_headcount
  FROM keyed_staff k CROSS JOIN n_snaps n
  GROUP BY k.by_key
),
left_counts AS (
  SELECT by_key, count(*) AS leavers FROM keyed_leavers GROUP BY by_key
)
SELECT 'wres9.board_bme_pct' AS metric, by_key,
  sum(CASE WHEN wres_group = 'BME' THEN 1 ELSE 0 END) AS numerator, count(*) AS denominator,
  CAST(NULL AS DOUBLE) AS value
FROM board_b GROUP BY by_key
UNION ALL
SELECT 'wdes10.board_disability_pct', by_key,
  sum(CASE WHEN disability = 'Y' THEN 1 ELSE 0 END), count(*), NULL
FROM board_b GROUP BY by_key
UNION ALL
SELECT 'wf.turnover_pct', m.by_key, COALESCE(l.leavers, 0), CAST(m.mean_headcount AS BIGINT), NULL
FROM mean_heads m LEFT JOIN left_counts l ON l.by_key = m.by_key
