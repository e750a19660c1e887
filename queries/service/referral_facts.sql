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
-- The code lists (partners, ethnic groups, Eastern European details, priority groups)
-- come from the settings as the tables ref_* hold them, written into the expressions:
-- a join with a small table would copy every column of every referral once per join.
CREATE TABLE referral_facts AS
-- A repeated id counts once, by the one rule of queries/service/numbered_*.sql.
WITH r AS (
  SELECT n.*, CASE n.ethnic_category {{ethnic_groups}} END AS listed_group
  FROM ({{numbered_referrals}}
  ) n
  WHERE referral_id IS NOT NULL AND referral_date IS NOT NULL
),
facts AS (
SELECT
  r.referral_id,
  CASE WHEN r.partner_org IN ({{partner_codes}}) THEN r.partner_org ELSE 'Unlisted' END AS partner_org,
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
  CASE WHEN COALESCE(r.listed_group, 'Unknown') = 'Unknown' THEN 'Unknown' ELSE r.ethnic_category END AS ethnic_category,
  COALESCE(r.listed_group, 'Unknown') AS ethnic_group,
  -- quintile 1 = deciles 1-2 (most deprived) ... 5 = deciles 9-10
  CASE WHEN r.imd_decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(r.imd_decile / 2.0) AS BIGINT) AS VARCHAR) ELSE 'Unknown' END AS imd_quintile,
  CASE WHEN r.imd_decile BETWEEN 1 AND 10 THEN CAST(r.imd_decile AS VARCHAR) ELSE 'Unknown' END AS imd_decile,
  -- the NHS sexual orientation monitoring codes; anything else is Unknown (and counted
  -- on the data-quality page)
  CASE WHEN upper(trim(r.sexual_orientation)) IN ('1', '2', '3', '4', 'U', 'Z', '9')
    THEN upper(trim(r.sexual_orientation)) ELSE 'Unknown' END AS sexual_orientation,
  -- religion as recorded, one spelling whatever its case; each period's figures fold the
  -- rare ones into Other (service/referral_metrics.sql)
  COALESCE(NULLIF(initcap(trim(r.religion)), ''), 'Unknown') AS religion_given,
  COALESCE(upper(trim(r.ethnic_category_detail)) IN ({{eastern_european_details}}), false) AS eastern_european,
  COALESCE(r.interpreter_required, false) AS interpreter_required,
  CASE WHEN r.referral_source IN ('self', 'gp', 'other_professional', 'other') THEN r.referral_source ELSE 'not recorded' END AS referral_source,
  c.first_treatment, c.second_treatment,
  COALESCE(c.treatment_sessions, 0) AS treatment_sessions,
  c.phq_first, c.phq_last, COALESCE(c.phq_paired, false) AS phq_paired,
  c.gad_first, c.gad_last, COALESCE(c.gad_paired, false) AS gad_paired,
  COALESCE(c.dna, 0) AS dna, COALESCE(c.attended, 0) AS attended, COALESCE(c.adapted, 0) AS adapted,
  COALESCE(c.previous_dna, 0) AS previous_dna, COALESCE(c.previous_attended, 0) AS previous_attended,
  COALESCE(c.previous_adapted, 0) AS previous_adapted
-- (tables/referral_care.sql: the narrow table on the left, which the join holds in memory)
FROM referral_care c
RIGHT JOIN r ON c.referral_id = r.referral_id
WHERE r.key_rank = 1
),
-- The priority groups each referral is in, as the group's name or '' (not in it): one
-- column per kind of group, so breakdowns are counted with GROUPING SETS in one pass.
-- (Two configured groups with one ethnic code would be one group here: the name that
-- sorts first.)
grouped AS (
SELECT f.*,
  CASE f.ethnic_category {{priority_ethnic}} ELSE '' END AS pg_ethnic,
  CASE f.sex {{priority_sex}} ELSE '' END AS pg_sex,
  CASE WHEN f.eastern_european THEN pee.name ELSE '' END AS pg_eastern_european,
  CASE WHEN f.age_years >= pa.min_age THEN pa.name ELSE '' END AS pg_age
FROM facts f
CROSS JOIN (SELECT min(name) AS name FROM ref_priority WHERE kind = 'eastern_european') pee
CROSS JOIN (SELECT min(name) AS name, min(min_age) AS min_age FROM ref_priority WHERE kind = 'age') pa
)
-- The table holds every referral for the whole run: its categories are kept as
-- dictionaries (a small number per row, each distinct text once per batch) rather than
-- as 16 bytes of text per row and column, and the referral_id, which no figure reads,
-- is left out.
SELECT
  arrow_cast(partner_org, 'Dictionary(Int16, Utf8)') AS partner_org,
  referral_date, end_date, age_years,
  arrow_cast(age_band, 'Dictionary(Int16, Utf8)') AS age_band,
  arrow_cast(sex, 'Dictionary(Int16, Utf8)') AS sex,
  arrow_cast(disability, 'Dictionary(Int16, Utf8)') AS disability,
  arrow_cast(ethnic_category, 'Dictionary(Int16, Utf8)') AS ethnic_category,
  arrow_cast(ethnic_group, 'Dictionary(Int16, Utf8)') AS ethnic_group,
  arrow_cast(imd_quintile, 'Dictionary(Int16, Utf8)') AS imd_quintile,
  arrow_cast(imd_decile, 'Dictionary(Int16, Utf8)') AS imd_decile,
  arrow_cast(sexual_orientation, 'Dictionary(Int16, Utf8)') AS sexual_orientation,
  arrow_cast(religion_given, 'Dictionary(Int16, Utf8)') AS religion_given,
  eastern_european, interpreter_required,
  arrow_cast(referral_source, 'Dictionary(Int16, Utf8)') AS referral_source,
  first_treatment, second_treatment, treatment_sessions, phq_first, phq_last, phq_paired,
  gad_first, gad_last, gad_paired,
  dna, attended, adapted, previous_dna, previous_attended, previous_adapted,
  arrow_cast(pg_ethnic, 'Dictionary(Int16, Utf8)') AS pg_ethnic,
  arrow_cast(pg_sex, 'Dictionary(Int16, Utf8)') AS pg_sex,
  arrow_cast(pg_eastern_european, 'Dictionary(Int16, Utf8)') AS pg_eastern_european,
  arrow_cast(pg_age, 'Dictionary(Int16, Utf8)') AS pg_age
FROM grouped
