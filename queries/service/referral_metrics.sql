-- The counts behind every service-user figure of docs/reports.md except access and
-- representation (see access.sql), for {{period_start}}..{{period_end}}: one row per
-- group (by_key '' overall, and every breakdown value) with a column per count. Which
-- columns make which figure is said once, in the figure registry (src/registry.rs).
-- Caseness, reliable change and the wait limits are the settings of [clinical]
-- (by default PHQ-9 >= 10 or GAD-7 >= 8; PHQ-9 by 6 or GAD-7 by 4; 42 and 126 days;
-- more than 90 and 28 days from the first treatment session to the second).
-- The breakdowns are GROUPING SETS over the counts of each combination of breakdown
-- columns. {{previous}} is 1 for the period before the run's own.
WITH f AS (
  SELECT rf.*,
    referral_date BETWEEN {{period_start}} AND {{period_end}} AS referred_in,
    COALESCE(end_date BETWEEN {{period_start}} AND {{period_end}}, false) AS ended_in,
    COALESCE(first_treatment BETWEEN {{period_start}} AND {{period_end}}, false) AS entered_in,
    COALESCE(end_date BETWEEN {{period_start}} AND {{period_end}}, false) AND treatment_sessions >= 2 AS finished,
    {{clinical_flags}},
    -- appointments in the period, each appointment_id once (counted in
    -- referral_facts.sql for the run's period and the one before it)
    CASE WHEN {{previous}} = 1 THEN previous_dna ELSE dna END AS period_dna,
    CASE WHEN {{previous}} = 1 THEN previous_attended ELSE attended END AS period_attended,
    CASE WHEN {{previous}} = 1 THEN previous_adapted ELSE adapted END AS period_adapted
  FROM referral_facts rf
),
g AS (
  SELECT f.*,
    finished AND case_first AND NOT case_last AS recovered,
    finished AND paired AND fell AND NOT rose AS improved,
    finished AND paired AND rose AND NOT fell AS deteriorated
  FROM f
),
-- the counts of each combination of breakdown columns: the grouping sets below add
-- these few rows up rather than every referral once per set
combos AS (
  SELECT {{breakdown_columns}},
    sum(CASE WHEN referred_in THEN 1 ELSE 0 END) AS referrals,
    sum(CASE WHEN entered_in THEN 1 ELSE 0 END) AS entered,
    sum(CASE WHEN referred_in AND first_treatment <= {{period_end}} THEN 1 ELSE 0 END) AS taken_up,
    sum(CASE WHEN ended_in THEN 1 ELSE 0 END) AS ended,
    sum(CASE WHEN ended_in AND treatment_sessions = 0 THEN 1 ELSE 0 END) AS ended_untreated,
    sum(CASE WHEN finished THEN 1 ELSE 0 END) AS finished,
    sum(CASE WHEN finished AND case_first THEN 1 ELSE 0 END) AS at_caseness,
    sum(CASE WHEN recovered THEN 1 ELSE 0 END) AS recovered,
    sum(CASE WHEN finished AND paired THEN 1 ELSE 0 END) AS paired,
    sum(CASE WHEN improved THEN 1 ELSE 0 END) AS improved,
    sum(CASE WHEN recovered AND improved THEN 1 ELSE 0 END) AS reliably_recovered,
    sum(CASE WHEN deteriorated THEN 1 ELSE 0 END) AS deteriorated,
    sum(CASE WHEN finished AND wait_days <= {{wait_6wk_days}} THEN 1 ELSE 0 END) AS wait_6wk,
    sum(CASE WHEN finished AND wait_days <= {{wait_18wk_days}} THEN 1 ELSE 0 END) AS wait_18wk,
    sum(CASE WHEN finished AND second_wait_days > 90 THEN 1 ELSE 0 END) AS second_wait_long,
    sum(CASE WHEN finished AND second_wait_days > 28 THEN 1 ELSE 0 END) AS second_wait_short,
    sum(CASE WHEN referred_in AND interpreter_required THEN 1 ELSE 0 END) AS interpreter,
    sum(period_dna) AS dna,
    sum(period_attended) AS attended,
    sum(period_adapted) AS adapted
  FROM g
  GROUP BY {{breakdown_columns}}
),
counts AS (
  SELECT
    {{breakdown_key}} AS group_key,
    sum(referrals) AS referrals, sum(entered) AS entered, sum(taken_up) AS taken_up,
    sum(ended) AS ended, sum(ended_untreated) AS ended_untreated, sum(finished) AS finished,
    sum(at_caseness) AS at_caseness, sum(recovered) AS recovered, sum(paired) AS paired,
    sum(improved) AS improved, sum(reliably_recovered) AS reliably_recovered,
    sum(deteriorated) AS deteriorated, sum(wait_6wk) AS wait_6wk, sum(wait_18wk) AS wait_18wk,
    sum(second_wait_long) AS second_wait_long, sum(second_wait_short) AS second_wait_short,
    sum(interpreter) AS interpreter, sum(dna) AS dna, sum(dna) + sum(attended) AS dna_or_attended,
    sum(adapted) AS adapted
  FROM combos
  GROUP BY {{breakdown_sets}}
),
-- A median is not a sum of parts, but a wait is a whole number of days: the referrals
-- that entered treatment in the period are counted per wait (per combination, then per
-- group, as above), and each group's median is read off those counts. It is the
-- middle wait, or the mean of the two middle ones: what median() gives, without
-- holding every referral's wait once per grouping set.
wait_combos AS (
  SELECT {{breakdown_columns}}, first_treatment - referral_date AS wait, count(*) AS n
  FROM referral_facts
  WHERE first_treatment BETWEEN {{period_start}} AND {{period_end}}
  GROUP BY {{breakdown_columns}}, first_treatment - referral_date
),
wait_counts AS (
  SELECT {{breakdown_key}} AS group_key, wait, sum(n) AS n
  FROM wait_combos
  GROUP BY wait, {{breakdown_sets}}
),
-- (queries/service/median_wait.sql)
{{median_wait}},
grouped AS (
  SELECT c.*, w.wait_median
  FROM counts c LEFT JOIN waits w ON w.group_key = c.group_key
),
-- the key of the overall figures (VALUES, not a FROM-less SELECT, which Ballista 55
-- cannot split into tasks under a UNION)
overall (by_key) AS (VALUES (''))
-- every breakdown value of the report, with or without referrals (a group without any
-- has no counts: zero, and no median)
SELECT COALESCE(k.by_key, x.group_key) AS by_key,
  x.referrals, x.entered, x.taken_up, x.ended, x.ended_untreated, x.finished,
  x.at_caseness, x.recovered, x.paired, x.improved, x.reliably_recovered,
  x.deteriorated, x.wait_6wk, x.wait_18wk, x.second_wait_long, x.second_wait_short, x.wait_median, x.interpreter, x.dna,
  x.dna_or_attended, x.adapted
FROM (SELECT by_key FROM overall UNION SELECT dimension || '=' || value FROM ref_breakdown) k
FULL JOIN (SELECT * FROM grouped WHERE group_key IS NOT NULL) x ON x.group_key = k.by_key
