-- key_rank > 1 marks the repeats of an id (queries/tables/numbered_recruitment.sql).
WITH d AS (
  SELECT r.*, COALESCE(p.code, 'Unlisted') AS partner, b.afc_band AS known_band, e.code AS known_ethnic
  FROM numbered_recruitment r LEFT JOIN ref_partner p ON p.code = r.partner_org
  LEFT JOIN ref_afc_band b ON b.afc_band = r.afc_band
  LEFT JOIN ref_ethnic_category e ON e.code = r.ethnic_category
)
SELECT partner AS partner_org,
  CASE WHEN application_id IS NULL THEN '' END AS "application_id|missing key",
  CASE WHEN key_rank > 1 AND application_id IS NOT NULL THEN '' END AS "application_id|duplicate key (row excluded)",
  CASE WHEN partner = 'Unlisted' THEN COALESCE(partner_org, '(empty)') END AS "partner_org|unlisted partner code",
  CASE WHEN afc_band IS NOT NULL AND known_band IS NULL THEN COALESCE(afc_band, '') END AS "afc_band|unknown code",
  CASE WHEN application_date IS NULL THEN '' END AS "application_date|missing value",
  CASE WHEN application_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "application_date|date in the future",
  CASE WHEN application_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "application_date|date before the earliest accepted",
  CASE WHEN sex NOT IN ('1', '2', '9', 'X') THEN COALESCE(sex, '') END AS "sex|unknown code",
  CASE WHEN ethnic_category IS NOT NULL AND known_ethnic IS NULL THEN COALESCE(ethnic_category, '') END AS "ethnic_category|unknown code",
  CASE WHEN disability NOT IN ('Y', 'N', 'Z') THEN COALESCE(disability, '') END AS "disability|unknown code",
  CASE WHEN shortlisted IS NULL THEN '' END AS "shortlisted|missing value",
  CASE WHEN appointed IS NULL THEN '' END AS "appointed|missing value",
  CASE WHEN appointed AND NOT shortlisted THEN '' END AS "appointed|appointed without shortlisted"
FROM d
