WITH d AS (
  SELECT m.*, COALESCE(rp.partner_org, 'Unknown') AS partner
  FROM referral_keys rp RIGHT JOIN measures m ON rp.referral_id = m.referral_id
)
SELECT partner AS partner_org,
  CASE WHEN partner = 'Unknown' THEN '' END AS "referral_id|no matching referral_id in referrals",
  CASE WHEN measured_date IS NULL THEN '' END AS "measured_date|missing value",
  CASE WHEN measured_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "measured_date|date in the future",
  CASE WHEN measured_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "measured_date|date before the earliest accepted",
  CASE WHEN phq9 < 0 OR phq9 > 27 THEN COALESCE(CAST(phq9 AS VARCHAR), '') END AS "phq9|out of range (0 to 27)",
  CASE WHEN gad7 < 0 OR gad7 > 21 THEN COALESCE(CAST(gad7 AS VARCHAR), '') END AS "gad7|out of range (0 to 21)",
  CASE WHEN phq9 IS NULL AND gad7 IS NULL THEN '' END AS "phq9|no score in the row (phq9 and gad7 both empty)"
FROM d
