-- Appointment ids that occur in more than one row (see repeated_referral_ids.sql).
CREATE TABLE repeated_appointment_ids AS
SELECT appointment_id
FROM appointments
WHERE appointment_id IS NOT NULL
GROUP BY appointment_id
HAVING count(*) > 1
