-- The 64-bit hashes ({{id_hash}}: src/data/id_hash.rs) that more than one appointment
-- row's id has: a repeated id, or different ids that happen to share a hash. Grouping
-- 21.8 million ids as numbers is three times as fast as grouping them as text, the
-- slowest step of a national run; repeated_appointment_ids.sql then groups by text only
-- the few rows these hashes name. A table of its own, so that its exact (small) size
-- makes it the side of that join held in memory. (On a cluster, whose executors know
-- only built-in functions, {{id_hash}} is empty: these are the repeated ids themselves.)
CREATE TABLE repeated_appointment_hashes AS
SELECT {{id_hash}}(appointment_id) AS h
FROM appointments
WHERE appointment_id IS NOT NULL
GROUP BY h
HAVING count(*) > 1
