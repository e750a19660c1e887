-- The columns of referral_facts that the breakdowns of breakdown_sets.sql group by.
-- Counts are summed per combination of them first (a few thousand rows), and the
-- grouping sets run over those sums rather than over every referral.
ethnic_group, ethnic_category, age_band, sex, disability, imd_quintile,
  pg_ethnic, pg_sex, pg_eastern_european, pg_age
