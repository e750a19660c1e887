-- The counts behind the service figures month by month, for the SPC charts (docs/
-- reports.md, "Change over time"): one row per calendar month from {{series_start}} to
-- {{period_end}} that has any event, keyed 'month=YYYY-MM', with the columns of
-- referral_metrics.sql, so the figure registry reads each figure from them the same way.
-- Each count falls in the month of its own event, as the period's does in its period:
-- a referral in the month it was received, entering treatment in the month of the
-- first treatment, an ending (finished, recovered, the waits of those finishing) in the
-- month of its end date, and a median wait over those entering treatment in the month.
-- NULL here: "treated by the period's end" (taken_up), which a month would cut short to
-- a different figure, and the appointment counts (missed, attended, culturally
-- adapted), which are not kept per referral by month.
-- One pass over referral_facts per kind of event, overall only.
WITH f AS (
  SELECT
    referral_date, end_date, first_treatment, second_treatment, treatment_sessions, interpreter_required,
    {{clinical_flags}}
  FROM referral_facts
),
received AS (
  SELECT date_trunc('month', referral_date) AS month,
    count(*) AS referrals,
    sum(CASE WHEN interpreter_required THEN 1 ELSE 0 END) AS interpreter
  FROM f
  WHERE referral_date BETWEEN {{series_start}} AND {{period_end}}
  GROUP BY 1
),
entering AS (
  SELECT date_trunc('month', first_treatment) AS month, count(*) AS entered
  FROM f
  WHERE first_treatment BETWEEN {{series_start}} AND {{period_end}}
  GROUP BY 1
),
ending AS (
  SELECT date_trunc('month', end_date) AS month,
    count(*) AS ended,
    sum(CASE WHEN treatment_sessions = 0 THEN 1 ELSE 0 END) AS ended_untreated,
    sum(CASE WHEN finished THEN 1 ELSE 0 END) AS finished,
    sum(CASE WHEN finished AND case_first THEN 1 ELSE 0 END) AS at_caseness,
    sum(CASE WHEN finished AND case_first AND NOT case_last THEN 1 ELSE 0 END) AS recovered,
    sum(CASE WHEN finished AND paired THEN 1 ELSE 0 END) AS paired,
    sum(CASE WHEN finished AND paired AND fell AND NOT rose THEN 1 ELSE 0 END) AS improved,
    sum(CASE WHEN finished AND case_first AND NOT case_last AND paired AND fell AND NOT rose
      THEN 1 ELSE 0 END) AS reliably_recovered,
    sum(CASE WHEN finished AND paired AND rose AND NOT fell THEN 1 ELSE 0 END) AS deteriorated,
    sum(CASE WHEN finished AND wait_days <= {{wait_6wk_days}} THEN 1 ELSE 0 END) AS wait_6wk,
    sum(CASE WHEN finished AND wait_days <= {{wait_18wk_days}} THEN 1 ELSE 0 END) AS wait_18wk,
    sum(CASE WHEN finished AND second_wait_days > 90 THEN 1 ELSE 0 END) AS second_wait_long,
    sum(CASE WHEN finished AND second_wait_days > 28 THEN 1 ELSE 0 END) AS second_wait_short
  FROM (SELECT *, treatment_sessions >= 2 AS finished FROM f) e
  WHERE end_date BETWEEN {{series_start}} AND {{period_end}}
  GROUP BY 1
),
-- the median wait of those entering treatment in the month, read off the counts per
-- wait as referral_metrics.sql does
wait_counts AS (
  SELECT date_trunc('month', first_treatment) AS group_key, wait_days AS wait, count(*) AS n
  FROM f
  WHERE first_treatment BETWEEN {{series_start}} AND {{period_end}}
  GROUP BY 1, 2
),
{{median_wait}},
months AS (
  SELECT month FROM received UNION SELECT month FROM entering UNION SELECT month FROM ending
)
SELECT 'month=' || to_char(m.month, '%Y-%m') AS by_key,
  r.referrals, e.entered, CAST(NULL AS BIGINT) AS taken_up, d.ended, d.ended_untreated, d.finished,
  d.at_caseness, d.recovered, d.paired, d.improved, d.reliably_recovered,
  d.deteriorated, d.wait_6wk, d.wait_18wk, d.second_wait_long, d.second_wait_short, w.wait_median, r.interpreter,
  CAST(NULL AS BIGINT) AS dna, CAST(NULL AS BIGINT) AS dna_or_attended,
  CAST(NULL AS BIGINT) AS adapted
FROM months m
LEFT JOIN received r ON r.month = m.month
LEFT JOIN entering e ON e.month = m.month
LEFT JOIN ending d ON d.month = m.month
LEFT JOIN waits w ON w.group_key = m.month
ORDER BY 1
