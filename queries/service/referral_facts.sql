-- One row per referral, built once per run as a table in memory, with what every
-- service-user figure needs: the person's groups at referral (priority groups included)
-- and the facts of their care. Definitions in docs/reports.md:
--   first treatment    earliest attended `treatment` appointment
--   treatment sessions attended `treatment` appointments
--   first/last score   PHQ-9 and GAD-7 each from the earliest and latest measure in which
--                      that score is present (and in range); `*_paired`: it was
--                      measured on two or more dates
-- Repeated referral_ids and appointment_ids, out-of-range scores and rows without a date
-- are counted on the data-quality page and left out here.
CREATE TABLE referral_facts AS
-- A repeated id counts once, by the one rule of queries/service/numbered_*.sql.
WITH r AS (
  SELECT * FROM ({{numbered_referrals}}
  ) n
  WHERE referral_id IS NOT NULL AND referral_date IS NOT NULL
),
appts AS (
  SELECT * EXCLUDE (key_rank) FROM ({{numbered_appointments}}
  ) n
  WHERE key_rank = 1 AND appointment_id IS NOT NULL AND appointment_date IS NOT NULL
),
-- The care of each referral in one narrow table, so the wide referral rows are joined
-- to it once and stream past it rather than being held in memory for each join: its
-- appointments and its measures are aggregated in one pass over both. The appointments
-- attended or missed are counted for the run's period ({{period_start}}..{{period_end}})
-- and the one before it, which referral_metrics.sql reads: the appointments are read
-- once per run.
-- A score's first and last are the least and greatest (date, score) pairs (ties on a
-- date go to the lower score first, the higher last), packed as days * 100 + score so
-- that plain min and max find them: far cheaper than ordered first_value and last_value.
care_rows AS (
  SELECT referral_id,
    CASE WHEN appointment_type = 'treatment' AND attendance = 'attended' THEN appointment_date END AS treated_on,
    CASE WHEN appointment_date BETWEEN {{period_start}} AND {{period_end}} THEN attendance END AS seen_in_period,
    CASE WHEN appointment_date BETWEEN {{previous_start}} AND {{previous_end}} THEN attendance END AS seen_in_previous,
    culturally_adapted AS adapted,
    CAST(NULL AS BIGINT) AS phq_key, CAST(NULL AS BIGINT) AS gad_key
  FROM appts
  UNION ALL
  SELECT referral_id, CAST(NULL AS DATE), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS BOOLEAN),
    CAST(CASE WHEN phq9 BETWEEN 0 AND 27 THEN (measured_date - DATE '1970-01-01') * 100 + phq9 END AS BIGINT),
    CAST(CASE WHEN gad7 BETWEEN 0 AND 21 THEN (measured_date - DATE '1970-01-01') * 100 + gad7 END AS BIGINT)
  FROM measures
  WHERE measured_date IS NOT NULL
),
packed AS (
  SELECT referral_id,
    min(treated_on) AS first_treatment, count(treated_on) AS treatment_sessions,
    min(phq_key) AS phq_lo, max(phq_key) AS phq_hi,
    min(gad_key) AS gad_lo, max(gad_key) AS gad_hi,
    CAST(sum(CASE WHEN seen_in_period = 'dna' THEN 1 ELSE 0 END) AS INT) AS dna,
    CAST(sum(CASE WHEN seen_in_period = 'attended' THEN 1 ELSE 0 END) AS INT) AS attended,
    CAST(sum(CASE WHEN seen_in_period = 'attended' AND adapted THEN 1 ELSE 0 END) AS INT) AS adapted,
    CAST(sum(CASE WHEN seen_in_previous = 'dna' THEN 1 ELSE 0 END) AS INT) AS previous_dna,
    CAST(sum(CASE WHEN seen_in_previous = 'attended' THEN 1 ELSE 0 END) AS INT) AS previous_attended,
    CAST(sum(CASE WHEN seen_in_previous = 'attended' AND adapted THEN 1 ELSE 0 END) AS INT) AS previous_adapted
  FROM care_rows
  GROUP BY referral_id
),
care AS (
  SELECT referral_id, first_treatment, treatment_sessions,
    dna, attended, adapted, previous_dna, previous_attended, previous_adapted,
    phq_lo % 100 AS phq_first, phq_hi % 100 AS phq_last,
    phq_lo - phq_lo % 100 < phq_hi - phq_hi % 100 AS phq_paired,
    gad_lo % 100 AS gad_first, gad_hi % 100 AS gad_last,
    gad_lo - gad_lo % 100 < gad_hi - gad_hi % 100 AS gad_paired
  FROM packed
),
facts AS (
SELECT
  r.referral_id,
  COALESCE(p.code, 'Unlisted') AS partner_org,
  r.referral_date,
  r.end_date,
  CASE WHEN r.age_years BETWEEN 0 AND 110 THEN r.age_years END AS age_years,
  CASE
    WHEN r.age_years IS NULL OR r.age_years < 0 OR r.age_years > 110 THEN 'Unknown'
    WHEN r.age_years < 17 THEN 'Under 17'
    WHEN r.age_years < 25 THEN '17-24'
    WHEN r.age_years < 35 THEN '25-34'
    WHEN r.age_years < 45 THEN '35-44'
    WHEN r.age_years < 55 THEN '45-54'
    WHEN r.age_years < 65 THEN '55-64'
    WHEN r.age_years < 75 THEN '65-74'
    ELSE '75+'
  END AS age_band,
  CASE WHEN r.sex IN ('1', '2', '9', 'X') THEN r.sex ELSE 'X' END AS sex,
  CASE WHEN r.disability IN ('Y', 'N', 'Z') THEN r.disability ELSE 'Z' END AS disability,
  CASE WHEN e.ethnic_group IS NULL OR e.ethnic_group = 'Unknown' THEN 'Unknown' ELSE e.code END AS ethnic_category,
  COALESCE(e.ethnic_group, 'Unknown') AS ethnic_group,
  -- quintile 1 = deciles 1-2 (most deprived) ... 5 = deciles 9-10
  CASE WHEN r.imd_decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(r.imd_decile / 2.0) AS BIGINT) AS VARCHAR) ELSE 'Unknown' END AS imd_quintile,
  ee.detail IS NOT NULL AS eastern_european,
  COALESCE(r.interpreter_required, false) AS interpreter_required,
  CASE WHEN r.referral_source IN ('self', 'gp', 'other_professional', 'other') THEN r.referral_source ELSE 'not recorded' END AS referral_source,
  c.first_treatment,
  COALESCE(c.treatment_sessions, 0) AS treatment_sessions,
  c.phq_first, c.phq_last, COALESCE(c.phq_paired, false) AS phq_paired,
  c.gad_first, c.gad_last, COALESCE(c.gad_paired, false) AS gad_paired,
  COALESCE(c.dna, 0) AS dna, COALESCE(c.attended, 0) AS attended, COALESCE(c.adapted, 0) AS adapted,
  COALESCE(c.previous_dna, 0) AS previous_dna, COALESCE(c.previous_attended, 0) AS previous_attended,
  COALESCE(c.previous_adapted, 0) AS previous_adapted
FROM care c
RIGHT JOIN r ON c.referral_id = r.referral_id
LEFT JOIN ref_partner p ON p.code = r.partner_org
LEFT JOIN ref_ethnic_category e ON e.code = r.ethnic_category
LEFT JOIN ref_eastern_european ee ON ee.detail = upper(trim(r.ethnic_category_detail))
WHERE r.key_rank = 1
)
-- The priority groups each referral is in, as the group's name or '' (not in it): one
-- column per kind of group, so breakdowns are counted with GROUPING SETS in one pass.
-- (Two configured groups with one ethnic code would be one group here: the first name.)
SELECT f.*,
  COALESCE(pe.name, '') AS pg_ethnic,
  COALESCE(ps.name, '') AS pg_sex,
  CASE WHEN f.eastern_european THEN pee.name ELSE '' END AS pg_eastern_european,
  CASE WHEN f.age_years >= pa.min_age THEN pa.name ELSE '' END AS pg_age
FROM facts f
LEFT JOIN (SELECT code, min(name) AS name FROM ref_priority WHERE kind = 'ethnic' GROUP BY code) pe ON pe.code = f.ethnic_category
LEFT JOIN (SELECT code, min(name) AS name FROM ref_priority WHERE kind = 'sex' GROUP BY code) ps ON ps.code = f.sex
CROSS JOIN (SELECT min(name) AS name FROM ref_priority WHERE kind = 'eastern_european') pee
CROSS JOIN (SELECT min(name) AS name, min(min_age) AS min_age FROM ref_priority WHERE kind = 'age') pa
