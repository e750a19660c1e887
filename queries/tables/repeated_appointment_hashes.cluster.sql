-- On a Ballista cluster, the appointment ids in more than one row, found by grouping
-- their text: the executors know the built-in functions alone, so there is no hash and
-- no repeated_values (the local engine's query: repeated_appointment_hashes.sql). The
-- column keeps the local table's name, h, so that repeated_appointment_ids.sql reads
-- either ({{id_hash}} is empty here: the join is on the text).
CREATE TABLE repeated_appointment_hashes AS
SELECT appointment_id AS h
FROM appointments
WHERE appointment_id IS NOT NULL
GROUP BY appointment_id
HAVING count(*) > 1
