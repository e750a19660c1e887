-- Every service-user figure of docs/reports.md except access and representation (see
-- access.sql), for {{period_start}}..{{period_end}}, overall and by every breakdown, in
-- the long metric form: metric, by_key, numerator, denominator (proportions) or value.
-- Caseness: PHQ-9 >= 10 or GAD-7 >= 8. Reliable change: PHQ-9 by 6 or more, GAD-7 by 4.
WITH f AS (
  SELECT *,
    referral_date BETWEEN {{period_start}} AND {{period_end}} AS referred_in,
    COALESCE(end_date BETWEEN {{period_start}} AND {{period_end}}, false) AS ended_in,
    COALESCE(first_treatment BETWEEN {{period_start}} AND {{period_end}}, false) AS entered_in,
    COALESCE(end_date BETWEEN {{period_start}} AND {{period_end}}, false) AND treatment_sessions >= 2 AS finished,
    COALESCE(phq_first >= 10, false) OR COALESCE(gad_first >= 8, false) AS case_first,
    COALESCE(phq_last >= 10, false) OR COALESCE(gad_last >= 8, false) AS case_last,
    phq_n >= 2 AND gad_n >= 2 AS paired,
    (phq_first - phq_last >= 6 OR gad_first - gad_last >= 4) AS fell,
    (phq_last - phq_first >= 6 OR gad_last - gad_first >= 4) AS rose,
    CAST(first_treatment AS INT) - CAST(referral_date AS INT) AS wait_days
  FROM referral_facts
),
g AS (
  SELECT f.*,
    finished AND case_first AND NOT case_last AS recovered,
    finished AND paired AND fell AND NOT rose AS improved,
    finished AND paired AND rose AND NOT fell AS deteriorated
  FROM f
),
keys AS (
  SELECT '' AS by_key
  UNION SELECT dimension || '=' || value FROM ref_breakdown
  UNION SELECT DISTINCT by_key FROM referral_groups
),
per_key AS (
  SELECT k.by_key,
    sum(CASE WHEN g.referred_in THEN 1 ELSE 0 END) AS referrals,
    sum(CASE WHEN g.entered_in THEN 1 ELSE 0 END) AS entered,
    sum(CASE WHEN g.referred_in AND g.first_treatment <= {{period_end}} THEN 1 ELSE 0 END) AS taken_up,
    sum(CASE WHEN g.ended_in THEN 1 ELSE 0 END) AS ended,
    sum(CASE WHEN g.ended_in AND g.treatment_sessions = 0 THEN 1 ELSE 0 END) AS ended_untreated,
    sum(CASE WHEN g.finished THEN 1 ELSE 0 END) AS finished,
    sum(CASE WHEN g.finished AND g.case_first THEN 1 ELSE 0 END) AS at_caseness,
    sum(CASE WHEN g.recovered THEN 1 ELSE 0 END) AS recovered,
    sum(CASE WHEN g.finished AND g.paired THEN 1 ELSE 0 END) AS paired,
    sum(CASE WHEN g.improved THEN 1 ELSE 0 END) AS improved,
    sum(CASE WHEN g.recovered AND g.improved THEN 1 ELSE 0 END) AS reliably_recovered,
    sum(CASE WHEN g.deteriorated THEN 1 ELSE 0 END) AS deteriorated,
    sum(CASE WHEN g.finished AND g.wait_days <= 42 THEN 1 ELSE 0 END) AS wait_6wk,
    sum(CASE WHEN g.finished AND g.wait_days <= 126 THEN 1 ELSE 0 END) AS wait_18wk,
    median(CASE WHEN g.entered_in THEN CAST(g.wait_days AS DOUBLE) END) AS wait_median,
    sum(CASE WHEN g.referred_in AND g.interpreter_required THEN 1 ELSE 0 END) AS interpreter
  FROM keys k
  LEFT JOIN referral_groups rg ON rg.by_key = k.by_key
  LEFT JOIN g ON g.referral_id = rg.referral_id
  GROUP BY k.by_key
),
appts_in AS (
  SELECT a.referral_id,
    CASE WHEN a.attendance = 'dna' THEN 1 ELSE 0 END AS dna,
    CASE WHEN a.attendance = 'attended' THEN 1 ELSE 0 END AS attended,
    CASE WHEN a.attendance = 'attended' AND COALESCE(a.culturally_adapted, false) THEN 1 ELSE 0 END AS adapted
  FROM (
    SELECT *, row_number() OVER (PARTITION BY appointment_id ORDER BY appointment_date) AS key_rank
    FROM appointments
    WHERE appointment_id IS NOT NULL
      AND appointment_date BETWEEN {{period_start}} AND {{period_end}}
  ) a
  WHERE a.key_rank = 1
),
appt_key AS (
  SELECT rg.by_key, sum(a.dna) AS dna, sum(a.attended) AS attended, sum(a.adapted) AS adapted
  FROM appts_in a JOIN referral_groups rg ON rg.referral_id = a.referral_id
  GROUP BY rg.by_key
),
m AS (
  SELECT p.*, COALESCE(a.dna, 0) AS dna, COALESCE(a.attended, 0) AS attended, COALESCE(a.adapted, 0) AS adapted
  FROM per_key p LEFT JOIN appt_key a ON a.by_key = p.by_key
)
SELECT 'tt.referrals' AS metric, by_key, CAST(NULL AS BIGINT) AS numerator, CAST(NULL AS BIGINT) AS denominator, CAST(COALESCE(referrals, 0) AS DOUBLE) AS value FROM m
UNION ALL SELECT 'tt.entered_treatment', by_key, NULL, NULL, CAST(COALESCE(entered, 0) AS DOUBLE) FROM m
UNION ALL SELECT 'tt.uptake_pct', by_key, COALESCE(taken_up, 0), COALESCE(referrals, 0), NULL FROM m
UNION ALL SELECT 'tt.dna_pct', by_key, dna, dna + attended, NULL FROM m
UNION ALL SELECT 'tt.ended_without_treatment_pct', by_key, COALESCE(ended_untreated, 0), COALESCE(ended, 0), NULL FROM m
UNION ALL SELECT 'tt.finished_treatment', by_key, NULL, NULL, CAST(COALESCE(finished, 0) AS DOUBLE) FROM m
UNION ALL SELECT 'tt.recovery_pct', by_key, COALESCE(recovered, 0), COALESCE(at_caseness, 0), NULL FROM m
UNION ALL SELECT 'tt.reliable_improvement_pct', by_key, COALESCE(improved, 0), COALESCE(paired, 0), NULL FROM m
UNION ALL SELECT 'tt.reliable_recovery_pct', by_key, COALESCE(reliably_recovered, 0), COALESCE(at_caseness, 0), NULL FROM m
UNION ALL SELECT 'tt.reliable_deterioration_pct', by_key, COALESCE(deteriorated, 0), COALESCE(paired, 0), NULL FROM m
UNION ALL SELECT 'tt.wait_6wk_pct', by_key, COALESCE(wait_6wk, 0), COALESCE(finished, 0), NULL FROM m
UNION ALL SELECT 'tt.wait_18wk_pct', by_key, COALESCE(wait_18wk, 0), COALESCE(finished, 0), NULL FROM m
UNION ALL SELECT 'tt.wait_median_days', by_key, NULL, NULL, wait_median FROM m
UNION ALL SELECT 'tt.interpreter_pct', by_key, COALESCE(interpreter, 0), COALESCE(referrals, 0), NULL FROM m
UNION ALL SELECT 'tt.culturally_adapted_sessions', by_key, NULL, NULL, CAST(adapted AS DOUBLE) FROM m
