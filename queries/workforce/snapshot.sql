-- The counts of the staff in post at one snapshot ({{snapshot_date}}), one row per group:
-- by_key ('partner_org=LCH', '' for all partners) and a column per count, which the
-- figure registry (src/registry.rs) makes into figures. fte_left_out: the records the
-- whole-time equivalent leaves out for an fte out of range. Training counts completions
-- on or before {{period_end}}; definitions in reports.md.
WITH done AS (
  SELECT t.staff_id,
    max(CASE WHEN c.target = 'interpreters' THEN 1 ELSE 0 END) AS interpreters,
    max(CASE WHEN c.target = 'cultural_competence' THEN 1 ELSE 0 END) AS cultural_competence
  FROM training t
  JOIN ref_course_target c ON c.course = t.course
  WHERE t.completed_date <= {{period_end}}
  GROUP BY t.staff_id
),
s AS (
  SELECT st.*,
    COALESCE(d.interpreters, 0) AS done_interpreters,
    COALESCE(d.cultural_competence, 0) AS done_cultural_competence
  FROM staff st
  LEFT JOIN done d ON d.staff_id = st.staff_id
  WHERE st.snapshot_date = {{snapshot_date}}
),
-- every figure overall ('') and by partner, in one pass over the snapshot
agg AS (
  SELECT CASE WHEN partner_org IS NULL THEN '' ELSE 'partner_org=' || partner_org END AS by_key,
    {{staff_counts}},
    sum(CASE WHEN clinical AND done_interpreters = 1 THEN 1 ELSE 0 END) AS clinical_interpreters,
    sum(done_cultural_competence) AS cultural_competence
  FROM s
  GROUP BY GROUPING SETS ((), (partner_org))
),
-- the BME leadership programme's mentees, placed by their latest snapshot to period end
mentees AS (
  SELECT DISTINCT m.staff_id
  FROM mentoring m
  JOIN ref_setting r ON r.name = 'mentoring_bme_programme' AND m.programme = r.value
  WHERE m.matched_date <= {{period_end}}
),
-- (numbering only the mentees' snapshot rows, not every staff member's)
latest AS (
  SELECT s.staff_id, s.partner_org, s.wres_group,
    row_number() OVER (PARTITION BY s.staff_id ORDER BY s.snapshot_date DESC) AS rk
  FROM mentees me JOIN staff s ON s.staff_id = me.staff_id
  WHERE s.snapshot_date <= {{period_end}}
),
bme_mentees AS (
  SELECT partner_org FROM latest WHERE rk = 1 AND wres_group = 'BME'
),
-- each mentee under the overall key and under their partner's, so that the join below
-- has a key: a join on `by_key = '' OR ...` runs as a nested loop, which Ballista 55
-- splits across tasks without sharing which rows found a match
bme_mentees_keyed AS (
  SELECT '' AS by_key, partner_org FROM bme_mentees
  UNION ALL
  SELECT 'partner_org=' || partner_org, partner_org FROM bme_mentees
),
mentoring_by AS (
  SELECT a.by_key, count(bm.partner_org) AS matched
  FROM agg a
  LEFT JOIN bme_mentees_keyed bm ON bm.by_key = a.by_key
  GROUP BY a.by_key
)
-- one row per group; the figure registry (src/registry.rs) says which columns make
-- each figure
SELECT a.by_key, a.headcount, CAST(COALESCE(a.fte, 0) AS DOUBLE) AS fte, a.fte_left_out, a.bme, a.ethnicity_unknown,
  a.band7plus, a.bme_band7plus, a.disabled, a.male, a.clinical,
  a.clinical_interpreters, a.cultural_competence, m.matched AS bme_mentees_matched
FROM agg a
JOIN mentoring_by m ON m.by_key = a.by_key
