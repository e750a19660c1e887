-- The counts behind every service-user figure of docs/reports.md except access and
-- representation (see access.sql), for {{period_start}}..{{period_end}}: one row per
-- group (by_key '' overall, and every breakdown value) with a column per count. Which
-- columns make which figure is said once, in the figure registry (src/registry.rs).
-- Caseness, reliable change and the wait limits are the settings of [clinical]
-- (by default PHQ-9 >= 10 or GAD-7 >= 8; PHQ-9 by 6 or GAD-7 by 4; 42 and 126 days;
-- more than 90 and 28 days from the first treatment session to the second).
-- The breakdowns of breakdown_sets.sql are GROUPING SETS over the counts of each
-- combination of their columns; the one-column breakdowns of many groups (sexual
-- orientation, religion, IMD decile, partner) are counted straight from the referrals,
-- since crossed with the others they would make nearly a combination per referral.
-- {{previous}} is 1 for the period before the run's own.
-- A religion with fewer than min_count referrals in the period is counted as Other,
-- before any figure is made (docs/reports.md, "Groupings").
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
-- each referral's part in every count: 1 or 0 (the appointments: how many)
g AS (
  SELECT {{breakdown_columns}}, sexual_orientation, religion_given, imd_decile, partner_org,
    CASE WHEN referred_in THEN 1 ELSE 0 END AS referrals,
    CASE WHEN entered_in THEN 1 ELSE 0 END AS entered,
    CASE WHEN referred_in AND first_treatment <= {{period_end}} THEN 1 ELSE 0 END AS taken_up,
    CASE WHEN ended_in THEN 1 ELSE 0 END AS ended,
    CASE WHEN ended_in AND treatment_sessions = 0 THEN 1 ELSE 0 END AS ended_untreated,
    CASE WHEN finished THEN 1 ELSE 0 END AS finished,
    CASE WHEN finished AND case_first THEN 1 ELSE 0 END AS at_caseness,
    CASE WHEN finished AND case_first AND NOT case_last THEN 1 ELSE 0 END AS recovered,
    CASE WHEN finished AND paired THEN 1 ELSE 0 END AS paired,
    CASE WHEN finished AND paired AND fell AND NOT rose THEN 1 ELSE 0 END AS improved,
    CASE WHEN finished AND case_first AND NOT case_last AND paired AND fell AND NOT rose
      THEN 1 ELSE 0 END AS reliably_recovered,
    CASE WHEN finished AND paired AND rose AND NOT fell THEN 1 ELSE 0 END AS deteriorated,
    CASE WHEN finished AND wait_days <= {{wait_6wk_days}} THEN 1 ELSE 0 END AS wait_6wk,
    CASE WHEN finished AND wait_days <= {{wait_18wk_days}} THEN 1 ELSE 0 END AS wait_18wk,
    CASE WHEN finished AND second_wait_days > 90 THEN 1 ELSE 0 END AS second_wait_long,
    CASE WHEN finished AND second_wait_days > 28 THEN 1 ELSE 0 END AS second_wait_short,
    CASE WHEN referred_in AND interpreter_required THEN 1 ELSE 0 END AS interpreter,
    period_dna AS dna,
    period_attended AS attended,
    period_adapted AS adapted
  FROM f
),
-- the counts of each combination of breakdown columns: the grouping sets below add
-- these few rows up rather than every referral once per set
combos AS (
  SELECT {{breakdown_columns}}, {{count_sums}}
  FROM g
  GROUP BY {{breakdown_columns}}
),
-- the counts of each group of each one-column breakdown, from the counts of each
-- combination of those columns (a few thousand rows, as combos above)
one_combos AS (
  SELECT sexual_orientation, religion_given, imd_decile, partner_org, {{count_sums}}
  FROM g
  GROUP BY sexual_orientation, religion_given, imd_decile, partner_org
),
one_stage AS (
  SELECT sexual_orientation, religion_given, imd_decile, partner_org, {{count_sums}}
  FROM one_combos
  GROUP BY GROUPING SETS ((sexual_orientation), (religion_given), (imd_decile), (partner_org))
),
-- a religion with fewer than min_count referrals in the period counts as Other (its
-- counts summed with the others' below; not known stays apart)
religion_fold AS (
  SELECT religion_given,
    CASE WHEN religion_given = 'Unknown' OR referrals >= {{min_count}} THEN religion_given
      ELSE 'Other' END AS religion
  FROM one_stage
  WHERE religion_given IS NOT NULL
),
one_column AS (
  SELECT s.sexual_orientation, r.religion, s.imd_decile, s.partner_org,
    s.referrals, s.entered, s.taken_up, s.ended, s.ended_untreated, s.finished,
    s.at_caseness, s.recovered, s.paired, s.improved, s.reliably_recovered,
    s.deteriorated, s.wait_6wk, s.wait_18wk, s.second_wait_long, s.second_wait_short,
    s.interpreter, s.dna, s.attended, s.adapted
  FROM one_stage s
  LEFT JOIN religion_fold r ON r.religion_given = s.religion_given
),
counts AS (
  SELECT {{breakdown_key}} AS group_key, {{count_sums}}
  FROM combos
  GROUP BY {{breakdown_sets}}
  UNION ALL
  SELECT {{one_column_key}} AS group_key, {{count_sums}}
  FROM one_column
  GROUP BY 1
),
-- A median is not a sum of parts, but a wait is a whole number of days: the referrals
-- that entered treatment in the period are counted per wait (per combination, then per
-- group, as above), and each group's median is read off those counts. It is the
-- middle wait, or the mean of the two middle ones: what median() gives, without
-- holding every referral's wait once per grouping set.
entering AS (
  SELECT *, first_treatment - referral_date AS wait
  FROM f
  WHERE first_treatment BETWEEN {{period_start}} AND {{period_end}}
),
wait_combos AS (
  SELECT {{breakdown_columns}}, wait, count(*) AS n
  FROM entering
  GROUP BY {{breakdown_columns}}, wait
),
wait_counts AS (
  SELECT {{breakdown_key}} AS group_key, wait, sum(n) AS n
  FROM wait_combos
  GROUP BY wait, {{breakdown_sets}}
  UNION ALL
  SELECT {{one_column_key}} AS group_key, wait, sum(n) AS n
  FROM (
    SELECT e.sexual_orientation, r.religion, e.imd_decile, e.partner_org, e.wait, count(*) AS n
    FROM entering e
    LEFT JOIN religion_fold r ON r.religion_given = e.religion_given
    GROUP BY GROUPING SETS (
      (e.sexual_orientation, e.wait), (r.religion, e.wait), (e.imd_decile, e.wait), (e.partner_org, e.wait)
    )
  ) o
  GROUP BY 1, wait
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
  x.deteriorated, x.wait_6wk, x.wait_18wk, x.second_wait_long, x.second_wait_short,
  x.wait_median, x.interpreter, x.dna, x.dna + x.attended AS dna_or_attended, x.adapted
FROM (SELECT by_key FROM overall UNION SELECT dimension || '=' || value FROM ref_breakdown) k
FULL JOIN (SELECT * FROM grouped WHERE group_key IS NOT NULL) x ON x.group_key = k.by_key
