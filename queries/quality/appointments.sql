WITH d AS (
  SELECT a.*, COALESCE(rp.partner_org, 'Unknown') AS partner,
    row_number() OVER (PARTITION BY a.appointment_id) AS key_rank
  FROM appointments a LEFT JOIN referral_partner rp ON rp.referral_id = a.referral_id
)
SELECT 'appointment_id' AS column_name, 'missing key' AS problem, CAST(NULL AS VARCHAR) AS value, partner AS partner_org FROM d WHERE appointment_id IS NULL
UNION ALL SELECT 'appointment_id', 'duplicate key (row excluded)', NULL, partner FROM d WHERE key_rank > 1 AND appointment_id IS NOT NULL
UNION ALL SELECT 'referral_id', 'no matching referral_id in referrals', NULL, partner FROM d WHERE partner = 'Unknown'
UNION ALL SELECT 'appointment_date', 'missing value', NULL, partner FROM d WHERE appointment_date IS NULL
UNION ALL SELECT 'appointment_date', 'date in the future', 'after ' || CAST({{as_of}} AS VARCHAR), partner FROM d WHERE appointment_date > {{as_of}}
UNION ALL SELECT 'appointment_type', 'unknown code', COALESCE(appointment_type, '(empty)'), partner FROM d WHERE appointment_type IS NULL OR appointment_type NOT IN ('assessment', 'treatment', 'other')
UNION ALL SELECT 'attendance', 'unknown code', COALESCE(attendance, '(empty)'), partner FROM d WHERE attendance IS NULL OR attendance NOT IN ('attended', 'dna', 'cancelled_patient', 'cancelled_provider')
