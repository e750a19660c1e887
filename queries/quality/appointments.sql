-- key_rank > 1 marks the repeats of an id (queries/service/numbered_appointments.sql).
WITH numbered AS ({{numbered_appointments}}
),
-- the small table on the left, so the join holds it in memory and the appointments
-- stream past it
d AS (
  SELECT a.*, COALESCE(rp.partner_org, 'Unknown') AS partner
  FROM referral_keys rp RIGHT JOIN numbered a ON rp.referral_id = a.referral_id
)
SELECT partner AS partner_org,
  CASE WHEN appointment_id IS NULL THEN '' END AS "appointment_id|missing key",
  CASE WHEN key_rank > 1 AND appointment_id IS NOT NULL THEN '' END AS "appointment_id|duplicate key (row excluded)",
  CASE WHEN partner = 'Unknown' THEN '' END AS "referral_id|no matching referral_id in referrals",
  CASE WHEN appointment_date IS NULL THEN '' END AS "appointment_date|missing value",
  CASE WHEN appointment_date > {{as_of}} THEN 'after ' || CAST({{as_of}} AS VARCHAR) END AS "appointment_date|date in the future",
  CASE WHEN appointment_date < {{earliest_date}} THEN 'before ' || CAST({{earliest_date}} AS VARCHAR) END AS "appointment_date|date before the earliest accepted",
  CASE WHEN appointment_type IS NULL OR appointment_type NOT IN ('assessment', 'treatment', 'other') THEN COALESCE(appointment_type, '(empty)') END AS "appointment_type|unknown code",
  CASE WHEN attendance IS NULL OR attendance NOT IN ('attended', 'dna', 'cancelled_patient', 'cancelled_provider') THEN COALESCE(attendance, '(empty)') END AS "attendance|unknown code"
FROM d
