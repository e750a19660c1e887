-- Every group each referral is counted in, as a breakdown key: '' (overall), one key per
-- breakdown of docs/reports.md ('ethnic_group=Asian', 'age_band=25-34', ...), one per
-- priority group the person is in (a person can be in several), and the ethnic group by
-- sex cross ('ethnic_group=Asian;sex=1'). Priority groups come from ref_priority.
CREATE TABLE referral_groups AS
SELECT referral_id, '' AS by_key FROM referral_facts
UNION ALL SELECT referral_id, 'ethnic_group=' || ethnic_group FROM referral_facts
UNION ALL SELECT referral_id, 'ethnic_category=' || ethnic_category FROM referral_facts
UNION ALL SELECT referral_id, 'age_band=' || age_band FROM referral_facts
UNION ALL SELECT referral_id, 'sex=' || sex FROM referral_facts
UNION ALL SELECT referral_id, 'disability=' || disability FROM referral_facts
UNION ALL SELECT referral_id, 'imd_quintile=' || imd_quintile FROM referral_facts
UNION ALL SELECT referral_id, 'ethnic_group=' || ethnic_group || ';sex=' || sex FROM referral_facts
UNION ALL
SELECT f.referral_id, 'priority_group=' || p.name
FROM referral_facts f JOIN ref_priority p ON p.kind = 'ethnic' AND p.code = f.ethnic_category
UNION ALL
SELECT f.referral_id, 'priority_group=' || p.name
FROM referral_facts f JOIN ref_priority p ON p.kind = 'sex' AND p.code = f.sex
UNION ALL
SELECT f.referral_id, 'priority_group=' || p.name
FROM referral_facts f JOIN ref_priority p ON p.kind = 'eastern_european'
WHERE f.eastern_european
UNION ALL
SELECT f.referral_id, 'priority_group=' || p.name
FROM referral_facts f JOIN ref_priority p ON p.kind = 'age'
WHERE f.age_years >= p.min_age
