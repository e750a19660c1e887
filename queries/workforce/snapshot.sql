-- Workforce figures at one snapshot ({{snapshot_date}}), overall and by partner, in the
-- long form every metric query returns: metric, by_key ('dim=value;dim=value', '' for
-- overall), numerator, denominator (proportions) or value (value-only figures), and
-- left_out (rows the whole-time equivalent leaves out for an fte out of range).
-- Training counts completions on or before {{period_end}}; definitions in reports.md.
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
    count(*) AS headcount,
    -- a whole-time equivalent missing or outside 0 < fte <= 1.5 (NaN too) is a data
    -- error: left out of the sum and counted (and on the data-quality page)
    sum(CASE WHEN fte > 0 AND fte <= 1.5 THEN fte END) AS fte,
    sum(CASE WHEN fte > 0 AND fte <= 1.5 THEN 0 ELSE 1 END) AS fte_left_out,
    sum(CASE WHEN wres_group = 'BME' THEN 1 ELSE 0 END) AS bme,
    sum(CASE WHEN wres_group = 'Unknown' THEN 1 ELSE 0 END) AS ethnicity_unknown,
    sum(CASE WHEN band7plus THEN 1 ELSE 0 END) AS band7plus,
    sum(CASE WHEN band7plus AND wres_group = 'BME' THEN 1 ELSE 0 END) AS bme_band7plus,
    sum(CASE WHEN disability = 'Y' THEN 1 ELSE 0 END) AS disabled,
    sum(CASE WHEN sex = '1' THEN 1 ELSE 0 END) AS male,
    sum(CASE WHEN clinical THEN 1 ELSE 0 END) AS clinical,
    sum(CASE WHEN clinical AND done_interpreters = 1 THEN 1 ELSE 0 END) AS clinical_interpreters,
    sum(done_cultural_competence) AS cultural_competence
  FROM s
  GROUP BY GROUPING SETS ((), (partner_org))
),
band_counts AS (
  SELECT CASE WHEN partner_org IS NULL THEN '' ELSE 'partner_org=' || partner_org END AS by_key,
    band_cluster, wres_group, count(*) AS n
  FROM s
  GROUP BY GROUPING SETS ((band_cluster, wres_group), (partner_org, band_cluster, wres_group))
),
clusters AS (
  SELECT by_key, band_cluster, sum(n) AS total FROM band_counts GROUP BY by_key, band_cluster
),
-- (VALUES, not a UNION of FROM-less SELECTs, which Ballista 55 cannot split into tasks)
wres_groups (wres_group) AS (
  VALUES ('White'), ('BME'), ('Unknown')
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
),
figures (metric) AS (
  VALUES ('wf.headcount'), ('wf.fte'), ('wf.bme_pct'), ('wf.ethnicity_unknown_pct'),
    ('wf.bme_pct_band7plus'), ('wf.disability_pct'), ('wf.male_pct'),
    ('train.interpreters_clinical_pct'), ('train.cultural_competence_pct')
)
-- the figures unfolded from one row per group: one pass, not one per figure
SELECT f.metric, a.by_key,
  CAST(CASE f.metric
    WHEN 'wf.bme_pct' THEN bme
    WHEN 'wf.ethnicity_unknown_pct' THEN ethnicity_unknown
    WHEN 'wf.bme_pct_band7plus' THEN bme_band7plus
    WHEN 'wf.disability_pct' THEN disabled
    WHEN 'wf.male_pct' THEN male
    WHEN 'train.interpreters_clinical_pct' THEN clinical_interpreters
    WHEN 'train.cultural_competence_pct' THEN cultural_competence
  END AS BIGINT) AS numerator,
  CAST(CASE f.metric
    WHEN 'wf.bme_pct' THEN headcount
    WHEN 'wf.ethnicity_unknown_pct' THEN headcount
    WHEN 'wf.bme_pct_band7plus' THEN band7plus
    WHEN 'wf.disability_pct' THEN headcount
    WHEN 'wf.male_pct' THEN headcount
    WHEN 'train.interpreters_clinical_pct' THEN clinical
    WHEN 'train.cultural_competence_pct' THEN headcount
  END AS BIGINT) AS denominator,
  CASE f.metric
    WHEN 'wf.headcount' THEN CAST(headcount AS DOUBLE)
    WHEN 'wf.fte' THEN CAST(COALESCE(fte, 0) AS DOUBLE)
  END AS value,
  CASE WHEN f.metric = 'wf.fte' THEN CAST(fte_left_out AS BIGINT) END AS left_out
FROM agg a CROSS JOIN figures f
UNION ALL SELECT 'mentoring.bme_matched', by_key, NULL, NULL, CAST(matched AS DOUBLE), NULL FROM mentoring_by
UNION ALL
SELECT 'wres1.band_share',
  CASE WHEN c.by_key = '' THEN '' ELSE c.by_key || ';' END
    || 'band_cluster=' || c.band_cluster || ';wres_group=' || g.wres_group,
  COALESCE(n.n, 0), c.total, NULL, NULL
FROM clusters c
CROSS JOIN wres_groups g
LEFT JOIN band_counts n ON n.by_key = c.by_key AND n.band_cluster = c.band_cluster AND n.wres_group = g.wres_group
