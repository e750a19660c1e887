-- key_rank > 1 marks the repeats of a key (queries/tables/numbered_staff.sql).
WITH d AS (
  SELECT s.*, COALESCE(p.code, 'Unlisted') AS partner, b.afc_band AS known_band, e.code AS known_ethnic
  FROM numbered_staff s LEFT JOIN ref_partner p ON p.code = s.partner_org
  LEFT JOIN ref_afc_band b ON b.afc_band = s.afc_band
  LEFT JOIN ref_ethnic_category e ON e.code = s.ethnic_category
)
SELECT partner AS partner_org,
  CASE WHEN snapshot_date IS NULL THEN '' END AS "snapshot_date|missing key (row excluded)",
  CASE WHEN staff_id IS NULL THEN '' END AS "staff_id|missing key (row excluded)",
  CASE WHEN key_rank > 1 AND snapshot_date IS NOT NULL AND staff_id IS NOT NULL THEN '' END AS "staff_id|duplicate key (row excluded)",
  CASE WHEN snapshot_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "snapshot_date|date in the future",
  CASE WHEN snapshot_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "snapshot_date|date before the earliest accepted",
  CASE WHEN partner = 'Unlisted' THEN COALESCE(partner_org, '(empty)') END AS "partner_org|unlisted partner code",
  CASE WHEN service_line IS NULL OR service_line NOT IN ('talking_therapies', 'pcmh', 'shared') THEN COALESCE(service_line, '(empty)') END AS "service_line|unknown code",
  CASE WHEN clinical IS NULL THEN '' END AS "clinical|missing value",
  CASE WHEN afc_band IS NULL OR known_band IS NULL THEN COALESCE(afc_band, '(empty)') END AS "afc_band|unknown code",
  CASE WHEN fte IS NULL OR fte <= 0 OR fte > 1.5 THEN COALESCE(CAST(fte AS VARCHAR), '') END AS "fte|out of range (0 < fte <= 1.5)",
  CASE WHEN age_years < 16 OR age_years > 90 THEN COALESCE(CAST(age_years AS VARCHAR), '') END AS "age_years|out of range (16 to 90)",
  CASE WHEN sex IS NULL OR sex NOT IN ('1', '2', '9', 'X') THEN COALESCE(sex, '(empty)') END AS "sex|unknown code",
  CASE WHEN ethnic_category IS NULL OR known_ethnic IS NULL THEN COALESCE(ethnic_category, '(empty)') END AS "ethnic_category|unknown code",
  CASE WHEN disability IS NULL OR disability NOT IN ('Y', 'N', 'Z') THEN COALESCE(disability, '(empty)') END AS "disability|unknown code",
  CASE WHEN board_role NOT IN ('executive', 'non_executive', 'non_voting') THEN board_role END AS "board_role|unknown code",
  CASE WHEN hourly_pay <= 0 OR hourly_pay > 1000 THEN CAST(hourly_pay AS VARCHAR) END AS "hourly_pay|out of range (0 < hourly_pay <= 1,000; left out of pay figures)"
FROM d
