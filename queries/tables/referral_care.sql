-- The care of each referral_id of the appointments and measures in one narrow table,
-- built before the data-quality checks:
--   *_rows, *_problems     its appointment and measure rows, and those that fail a check
--                          (service/appointment_problem.sql, measure_problem.sql): the
--                          checks count the rest per referral and read only those rows
--   the care               first and second treatment, sessions, first and last scores, and the
--                          appointments attended, missed and culturally adapted in the
--                          run's period ({{period_start}}..{{period_end}}) and the one
--                          before it (none for `validate`, which has no period), which
--                          service/referral_facts.sql joins to the referral rows
-- One aggregate per dataset, joined, so that each carries only its own dataset's
-- columns (over both at once, every row carried the other's columns empty). A
-- referral_id with no row in one dataset has counts 0 there; the rows without a
-- referral_id make one row, as in any GROUP BY.
-- On its own, so that the join in referral_facts.sql holds this narrow table in memory
-- and the wide referral rows stream past it. A repeated appointment_id counts once in the
-- care, by the one rule of queries/service/numbered_appointments.sql.
CREATE TABLE referral_care AS
WITH appts AS ({{numbered_appointments}}
),
-- (the care counts an appointment once, with its id and date: key_rank 1)
counted AS (
  SELECT referral_id, appointment_type, attendance, culturally_adapted, appointment_date,
    CASE WHEN {{appointment_problem}} THEN 1 END AS problem,
    key_rank = 1 AND appointment_id IS NOT NULL AS counts,
    appointment_date BETWEEN {{period_start}} AND {{period_end}} AS in_period,
    appointment_date BETWEEN {{previous_start}} AND {{previous_end}} AS in_previous
  FROM appts
),
appointment_care AS (
  SELECT referral_id, count(*) AS appointment_rows, count(problem) AS appointment_problems,
    min(CASE WHEN counts AND appointment_type = 'treatment' AND attendance = 'attended'
      THEN appointment_date END) AS first_treatment,
    count(CASE WHEN counts AND appointment_type = 'treatment' AND attendance = 'attended'
      THEN appointment_date END) AS treatment_sessions,
    -- the second treatment session's date (two on one day: that day), for the waits
    -- between the first and the second ("hidden waits")
    {{second_appointment_date}}
      FILTER (WHERE counts AND appointment_type = 'treatment' AND attendance = 'attended')
      AS second_treatment,
    count(CASE WHEN counts AND in_period AND attendance = 'dna' THEN 1 END) AS dna,
    count(CASE WHEN counts AND in_period AND attendance = 'attended' THEN 1 END) AS attended,
    count(CASE WHEN counts AND in_period AND attendance = 'attended' AND culturally_adapted
      THEN 1 END) AS adapted,
    count(CASE WHEN counts AND in_previous AND attendance = 'dna' THEN 1 END) AS previous_dna,
    count(CASE WHEN counts AND in_previous AND attendance = 'attended' THEN 1 END) AS previous_attended,
    count(CASE WHEN counts AND in_previous AND attendance = 'attended' AND culturally_adapted
      THEN 1 END) AS previous_adapted
  FROM counted
  GROUP BY referral_id
),
-- A score's first and last are the least and greatest (date, score) pairs (ties on a
-- date go to the lower score first, the higher last), packed as days * 100 + score so
-- that plain min and max find them: far cheaper than ordered first_value and last_value.
measure_care AS (
  SELECT referral_id, count(*) AS measure_rows,
    count(CASE WHEN {{measure_problem}} THEN 1 END) AS measure_problems,
    min(phq_key) AS phq_lo, max(phq_key) AS phq_hi, min(gad_key) AS gad_lo, max(gad_key) AS gad_hi
  FROM (
    SELECT *,
      CAST(CASE WHEN phq9 BETWEEN 0 AND 27 THEN (measured_date - DATE '1970-01-01') * 100 + phq9 END AS BIGINT) AS phq_key,
      CAST(CASE WHEN gad7 BETWEEN 0 AND 21 THEN (measured_date - DATE '1970-01-01') * 100 + gad7 END AS BIGINT) AS gad_key
    FROM measures
  ) m
  GROUP BY referral_id
)
-- (counts and scores as 32-bit numbers: the table holds a row per referral)
SELECT COALESCE(a.referral_id, m.referral_id) AS referral_id,
  CAST(COALESCE(appointment_rows, 0) AS INT) AS appointment_rows,
  CAST(COALESCE(appointment_problems, 0) AS INT) AS appointment_problems,
  CAST(COALESCE(measure_rows, 0) AS INT) AS measure_rows,
  CAST(COALESCE(measure_problems, 0) AS INT) AS measure_problems,
  first_treatment, second_treatment,
  CAST(COALESCE(treatment_sessions, 0) AS INT) AS treatment_sessions,
  CAST(COALESCE(dna, 0) AS INT) AS dna, CAST(COALESCE(attended, 0) AS INT) AS attended,
  CAST(COALESCE(adapted, 0) AS INT) AS adapted,
  CAST(COALESCE(previous_dna, 0) AS INT) AS previous_dna,
  CAST(COALESCE(previous_attended, 0) AS INT) AS previous_attended,
  CAST(COALESCE(previous_adapted, 0) AS INT) AS previous_adapted,
  CAST(phq_lo % 100 AS INT) AS phq_first, CAST(phq_hi % 100 AS INT) AS phq_last,
  phq_lo - phq_lo % 100 < phq_hi - phq_hi % 100 AS phq_paired,
  CAST(gad_lo % 100 AS INT) AS gad_first, CAST(gad_hi % 100 AS INT) AS gad_last,
  gad_lo - gad_lo % 100 < gad_hi - gad_hi % 100 AS gad_paired
FROM appointment_care a
FULL JOIN measure_care m ON m.referral_id IS NOT DISTINCT FROM a.referral_id
