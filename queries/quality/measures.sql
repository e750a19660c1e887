WITH d AS (
  SELECT m.*, COALESCE(rp.partner_org, 'Unknown') AS partner
  FROM measures m LEFT JOIN referral_partner rp ON rp.referral_id = m.referral_id
)
SELECT 'referral_id' AS column_name, 'no matching referral_id in referrals' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE partner = 'Unknown'
UNION ALL SELECT 'measured_date', 'missing value', NULL, partner FROM d WHERE measured_date IS NULL
UNION ALL SELECT 'measured_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE measured_date > {{as_of}}
UNION ALL SELECT 'phq9', 'out of range (0 to 27)', CAST(phq9 AS VARCHAR), partner FROM d WHERE phq9 < 0 OR phq9 > 27
UNION ALL SELECT 'gad7', 'out of range (0 to 21)', CAST(gad7 AS VARCHAR), partner FROM d WHERE gad7 < 0 OR gad7 > 21
UNION ALL SELECT 'phq9', 'no score in the row (phq9 and gad7 both empty)', NULL, partner FROM d WHERE phq9 IS NULL AND gad7 IS NULL
