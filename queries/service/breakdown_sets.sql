-- The breakdowns of docs/reports.md as grouping sets over referral_facts: the service,
-- each dimension, ethnic group by sex, and each kind of priority group.
GROUPING SETS (
  (), (ethnic_group), (ethnic_category), (age_band), (sex), (disability), (imd_quintile),
  (ethnic_group, sex), (pg_ethnic), (pg_sex), (pg_eastern_european), (pg_age)
)
