-- WRES 2, 3, 4 and WDES 2 relative likelihoods, overall and by partner, as two groups'
-- rates: metric, by_key, group_a, num_a, den_a, group_b, num_b, den_b; the likelihood is
-- (num_a / den_a) / (num_b / den_b). Definitions in docs/reports.md.
-- {{window_start}}..{{period_end}}: the 12 months to period end (WRES 2, 4, WDES 2);
-- {{case_window_start}}: start of the WRES 3 window (12 or 24 months, a setting);
-- {{snapshot_date}}: the headcount snapshot.
-- a repeated application or case counts once, by the one rule of
-- queries/tables/numbered_recruitment.sql and numbered_disciplinary.sql
WITH apps AS (
  SELECT r.*, COALESCE(e.wres_group, 'Unknown') AS wres_group, COALESCE(p.code, 'Unlisted') AS partner
  FROM numbered_recruitment r
  LEFT JOIN ref_ethnic_category e ON e.code = r.ethnic_category
  LEFT JOIN ref_partner p ON p.code = r.partner_org
  WHERE r.application_id IS NOT NULL
    AND r.application_date BETWEEN {{window_start}} AND {{period_end}}
),
-- overall ('') and by partner in one pass (GROUPING SETS)
recruit AS (
  SELECT CASE WHEN partner IS NULL THEN '' ELSE 'partner_org=' || partner END AS by_key,
    sum(CASE WHEN wres_group = 'White' AND shortlisted AND appointed THEN 1 ELSE 0 END) AS white_appointed,
    sum(CASE WHEN wres_group = 'White' AND shortlisted THEN 1 ELSE 0 END) AS white_shortlisted,
    sum(CASE WHEN wres_group = 'BME' AND shortlisted AND appointed THEN 1 ELSE 0 END) AS bme_appointed,
    sum(CASE WHEN wres_group = 'BME' AND shortlisted THEN 1 ELSE 0 END) AS bme_shortlisted,
    sum(CASE WHEN disability = 'N' AND shortlisted AND appointed THEN 1 ELSE 0 END) AS nondis_appointed,
    sum(CASE WHEN disability = 'N' AND shortlisted THEN 1 ELSE 0 END) AS nondis_shortlisted,
    sum(CASE WHEN disability = 'Y' AND shortlisted AND appointed THEN 1 ELSE 0 END) AS dis_appointed,
    sum(CASE WHEN disability = 'Y' AND shortlisted THEN 1 ELSE 0 END) AS dis_shortlisted
  FROM apps
  WHERE key_rank = 1
  GROUP BY GROUPING SETS ((), (partner))
),
-- staff with a non-mandatory course completed in the window
cpd AS (
  SELECT DISTINCT staff_id FROM training
  WHERE NOT mandatory AND completed_date BETWEEN {{window_start}} AND {{period_end}}
),
snap AS (
  SELECT s.*, CASE WHEN c.staff_id IS NULL THEN 0 ELSE 1 END AS had_cpd
  FROM staff s LEFT JOIN cpd c ON c.staff_id = s.staff_id
  WHERE s.snapshot_date = {{snapshot_date}}
),
heads AS (
  SELECT CASE WHEN partner_org IS NULL THEN '' ELSE 'partner_org=' || partner_org END AS by_key,
    sum(CASE WHEN wres_group = 'White' THEN 1 ELSE 0 END) AS white,
    sum(CASE WHEN wres_group = 'BME' THEN 1 ELSE 0 END) AS bme,
    sum(CASE WHEN wres_group = 'White' THEN had_cpd ELSE 0 END) AS white_cpd,
    sum(CASE WHEN wres_group = 'BME' THEN had_cpd ELSE 0 END) AS bme_cpd
  FROM snap
  GROUP BY GROUPING SETS ((), (partner_org))
),
-- each case placed by its staff member's latest snapshot on or before the case opened
-- (or, for someone who joined since the last snapshot, their first one after)
cases AS (
  SELECT case_id, wres_group, partner_org FROM (
    SELECT c.case_id, s.wres_group, s.partner_org,
      row_number() OVER (
        PARTITION BY c.case_id
        ORDER BY CASE WHEN s.snapshot_date <= c.opened_date THEN 0 ELSE 1 END,
                 CASE WHEN s.snapshot_date <= c.opened_date THEN s.snapshot_date END DESC,
                 s.snapshot_date
      ) AS rk
    FROM numbered_disciplinary c
    JOIN staff s ON s.staff_id = c.staff_id
    WHERE c.case_id IS NOT NULL AND c.key_rank = 1
      AND c.opened_date BETWEEN {{case_window_start}} AND {{period_end}}
  ) t
  WHERE rk = 1
),
-- each case under the overall key and under its partner's, so that the join has a key
-- (as bme_mentees_keyed in snapshot.sql: no nested loop join for Ballista 55)
cases_keyed AS (
  SELECT '' AS by_key, wres_group FROM cases
  UNION ALL
  SELECT 'partner_org=' || partner_org, wres_group FROM cases
),
cases_b AS (
  SELECT h.by_key,
    sum(CASE WHEN c.wres_group = 'BME' THEN 1 ELSE 0 END) AS bme_cases,
    sum(CASE WHEN c.wres_group = 'White' THEN 1 ELSE 0 END) AS white_cases
  FROM heads h
  LEFT JOIN cases_keyed c ON c.by_key = h.by_key
  GROUP BY h.by_key
)
SELECT 'wres2.relative_likelihood' AS metric, by_key, 'White' AS group_a, white_appointed AS num_a, white_shortlisted AS den_a,
  'BME' AS group_b, bme_appointed AS num_b, bme_shortlisted AS den_b
FROM recruit
UNION ALL
SELECT 'wdes2.relative_likelihood', by_key, 'N', nondis_appointed, nondis_shortlisted, 'Y', dis_appointed, dis_shortlisted
FROM recruit
UNION ALL
SELECT 'wres3.relative_likelihood', h.by_key, 'BME', c.bme_cases, h.bme, 'White', c.white_cases, h.white
FROM heads h JOIN cases_b c ON c.by_key = h.by_key
UNION ALL
SELECT 'wres4.relative_likelihood', by_key, 'White', white_cpd, white, 'BME', bme_cpd, bme
FROM heads
