-- Appointment ids that occur in more than one row (see repeated_referral_ids.sql): the
-- rows whose id's hash more than one row has (repeated_appointment_hashes.sql), grouped
-- by their text. Two different ids that share a hash each come once here and are not
-- called repeated: the answer is the text's, whatever the hash. (Even an id called
-- repeated wrongly would change nothing: numbered_appointments.sql numbers the rows
-- within their id's text, where it would be alone and first. This keeps those rows few.)
CREATE TABLE repeated_appointment_ids AS
SELECT a.appointment_id
FROM repeated_appointment_hashes s
JOIN appointments a ON {{id_hash}}(a.appointment_id) = s.h
GROUP BY a.appointment_id
HAVING count(*) > 1
