-- The breakdown key of a row of a GROUPING SETS aggregate over referral rows grouped
-- by breakdown_sets.sql: '' for the service as a whole, 'ethnic_group=Asian',
-- 'ethnic_group=Asian;sex=1', 'priority_group=Men', ...; NULL for the rows of people
-- outside a priority group (its column holds ''). Grouped columns are never NULL in
-- referral_facts, so a NULL says the column is not grouped in that set.
CASE
  WHEN ethnic_group IS NOT NULL AND sex IS NOT NULL THEN 'ethnic_group=' || ethnic_group || ';sex=' || sex
  WHEN ethnic_group IS NOT NULL THEN 'ethnic_group=' || ethnic_group
  WHEN ethnic_category IS NOT NULL THEN 'ethnic_category=' || ethnic_category
  WHEN age_band IS NOT NULL THEN 'age_band=' || age_band
  WHEN sex IS NOT NULL THEN 'sex=' || sex
  WHEN disability IS NOT NULL THEN 'disability=' || disability
  WHEN imd_quintile IS NOT NULL THEN 'imd_quintile=' || imd_quintile
  WHEN pg_ethnic IS NOT NULL THEN NULLIF('priority_group=' || pg_ethnic, 'priority_group=')
  WHEN pg_sex IS NOT NULL THEN NULLIF('priority_group=' || pg_sex, 'priority_group=')
  WHEN pg_eastern_european IS NOT NULL THEN NULLIF('priority_group=' || pg_eastern_european, 'priority_group=')
  WHEN pg_age IS NOT NULL THEN NULLIF('priority_group=' || pg_age, 'priority_group=')
  ELSE ''
END
