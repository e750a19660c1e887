-- key_rank > 1 marks the repeats of an id (queries/service/numbered_referrals.sql).
WITH numbered AS ({{numbered_referrals}}
),
-- (the code lists of ref_partner and ref_ethnic_category, from the settings: see
-- service/referral_facts.sql)
d AS (
  SELECT r.*,
    COALESCE(r.partner_org IN ({{partner_codes}}), false) AS known_partner,
    COALESCE(r.ethnic_category IN ({{ethnic_codes}}), false) AS known_ethnic
  FROM numbered r
)
SELECT CASE WHEN known_partner THEN partner_org ELSE 'Unlisted' END AS partner_org,
  CASE WHEN referral_id IS NULL THEN '' END AS "referral_id|missing key",
  CASE WHEN key_rank > 1 AND referral_id IS NOT NULL THEN '' END AS "referral_id|duplicate key (row excluded)",
  CASE WHEN person_id IS NULL THEN '' END AS "person_id|missing value",
  CASE WHEN partner_org IS NOT NULL AND NOT known_partner THEN COALESCE(partner_org, '') END AS "partner_org|unlisted partner code",
  CASE WHEN service_line IS NULL OR service_line NOT IN ('talking_therapies', 'pcmh') THEN COALESCE(service_line, '(empty)') END AS "service_line|unknown code",
  CASE WHEN referral_date IS NULL THEN '' END AS "referral_date|missing value",
  CASE WHEN referral_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "referral_date|date in the future",
  CASE WHEN referral_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "referral_date|date before the earliest accepted",
  CASE WHEN referral_source NOT IN ('self', 'gp', 'other_professional', 'other') THEN COALESCE(referral_source, '') END AS "referral_source|unknown code",
  CASE WHEN age_years IS NULL OR age_years < 0 OR age_years > 110 THEN COALESCE(CAST(age_years AS VARCHAR), '') END AS "age_years|out of range (0 to 110)",
  CASE WHEN sex IS NULL OR sex NOT IN ('1', '2', '9', 'X') THEN COALESCE(sex, '(empty)') END AS "sex|unknown code",
  CASE WHEN ethnic_category IS NULL OR NOT known_ethnic THEN COALESCE(ethnic_category, '(empty)') END AS "ethnic_category|unknown code",
  CASE WHEN disability NOT IN ('Y', 'N', 'Z') THEN COALESCE(disability, '') END AS "disability|unknown code",
  CASE WHEN sexual_orientation IS NOT NULL AND upper(trim(sexual_orientation)) NOT IN ('1', '2', '3', '4', 'U', 'Z', '9') THEN sexual_orientation END AS "sexual_orientation|unknown code",
  CASE WHEN imd_decile < 1 OR imd_decile > 10 THEN COALESCE(CAST(imd_decile AS VARCHAR), '') END AS "imd_decile|out of range (1 to 10)",
  CASE WHEN end_date < referral_date THEN '' END AS "end_date|end_date before referral_date",
  CASE WHEN end_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "end_date|date in the future",
  CASE WHEN end_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "end_date|date before the earliest accepted"
FROM d
