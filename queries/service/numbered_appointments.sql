-- The one rule for a repeated appointment_id, put into every query that reads
-- appointments (the data-quality check, the per-referral facts, the period's
-- appointment counts) as the placeholder numbered_appointments: each appointment row with
-- key_rank, 1 for the row that counts. The rows of an id in more than one row are
-- numbered by date, then referral and the rest of the row, over the whole dataset
-- (before any period is chosen); every other row is 1. (A snippet for the reason given
-- in numbered_referrals.sql.)
SELECT a.*, CAST(1 AS BIGINT) AS key_rank
FROM appointments a LEFT JOIN repeated_appointment_ids x ON x.appointment_id = a.appointment_id
WHERE x.appointment_id IS NULL
UNION ALL
SELECT a.*,
  CAST(row_number() OVER (
    PARTITION BY a.appointment_id
    ORDER BY a.appointment_date, a.referral_id, a.appointment_type, a.attendance,
      a.culturally_adapted, a.interpreter_used
  ) AS BIGINT)
FROM appointments a JOIN repeated_appointment_ids x ON x.appointment_id = a.appointment_id
