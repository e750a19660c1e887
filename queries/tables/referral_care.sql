-- The care of each referral_id of the appointments and measures in one narrow table,
-- from ONE aggregate over both datasets, built before the data-quality checks:
--   *_rows, *_problems     its appointment and measure rows, and those that fail a check
--                          (service/appointment_problem.sql, measure_problem.sql): the
--                          checks count the rest per referral and read only those rows
--   the care               first treatment, sessions, first and last scores, and the
--                          appointments attended, missed and culturally adapted in the
--                          run's period ({{period_start}}..{{period_end}}) and the one
--                          before it (none for `validate`, which has no period), which
--                          service/referral_facts.sql joins to the referral rows
-- On its own, so that the join in referral_facts.sql holds this narrow table in memory
-- and the wide referral rows stream past it. A repeated appointment_id counts once in the
-- care, by the one rule of queries/service/numbered_appointments.sql.
CREATE TABLE referral_care AS
WITH appts AS ({{numbered_appointments}}
),
-- A score's first and last are the least and greatest (date, score) pairs (ties on a
-- date go to the lower score first, the higher last), packed as days * 100 + score so
-- that plain min and max find them: far cheaper than ordered first_value and last_value.
care_rows AS (
  SELECT referral_id, 1 AS appointment_row,
    CASE WHEN {{appointment_problem}} THEN 1 END AS appointment_problem,
    CAST(NULL AS INT) AS measure_row, CAST(NULL AS INT) AS measure_problem,
    -- (the care counts an appointment once, with its id and date: key_rank 1)
    CASE WHEN key_rank = 1 AND appointment_id IS NOT NULL
      AND appointment_type = 'treatment' AND attendance = 'attended' THEN appointment_date END AS treated_on,
    CASE WHEN key_rank = 1 AND appointment_id IS NOT NULL
      AND appointment_date BETWEEN {{period_start}} AND {{period_end}} THEN attendance END AS seen_in_period,
    CASE WHEN key_rank = 1 AND appointment_id IS NOT NULL
      AND appointment_date BETWEEN {{previous_start}} AND {{previous_end}} THEN attendance END AS seen_in_previous,
    culturally_adapted AS adapted,
    CAST(NULL AS BIGINT) AS phq_key, CAST(NULL AS BIGINT) AS gad_key
  FROM appts
  UNION ALL
  SELECT referral_id, NULL, NULL, 1,
    CASE WHEN {{measure_problem}} THEN 1 END,
    CAST(NULL AS DATE), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS BOOLEAN),
    CAST(CASE WHEN phq9 BETWEEN 0 AND 27 THEN (measured_date - DATE '1970-01-01') * 100 + phq9 END AS BIGINT),
    CAST(CASE WHEN gad7 BETWEEN 0 AND 21 THEN (measured_date - DATE '1970-01-01') * 100 + gad7 END AS BIGINT)
  FROM measures
),
packed AS (
  SELECT referral_id,
    count(appointment_row) AS appointment_rows, count(appointment_problem) AS appointment_problems,
    count(measure_row) AS measure_rows, count(measure_problem) AS measure_problems,
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
)
-- (counts and scores as 32-bit numbers: the table holds a row per referral)
SELECT referral_id, CAST(appointment_rows AS INT) AS appointment_rows,
  CAST(appointment_problems AS INT) AS appointment_problems,
  CAST(measure_rows AS INT) AS measure_rows, CAST(measure_problems AS INT) AS measure_problems,
  first_treatment, CAST(treatment_sessions AS INT) AS treatment_sessions,
  dna, attended, adapted, previous_dna, previous_attended, previous_adapted,
  CAST(phq_lo % 100 AS INT) AS phq_first, CAST(phq_hi % 100 AS INT) AS phq_last,
  phq_lo - phq_lo % 100 < phq_hi - phq_hi % 100 AS phq_paired,
  CAST(gad_lo % 100 AS INT) AS gad_first, CAST(gad_hi % 100 AS INT) AS gad_last,
  gad_lo - gad_lo % 100 < gad_hi - gad_hi % 100 AS gad_paired
FROM packed
