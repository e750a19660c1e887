-- The 64-bit hashes (id_hash: src/data/id_hash.rs) that more than one appointment
-- row's id has: a repeated id, or different ids that happen to share a hash.
-- repeated_appointment_ids.sql then groups by text only the few rows these hashes name.
-- The hashes that repeat are found by sorting, not grouping (repeated_values:
-- src/data/repeated_values.rs): a GROUP BY of 21.6 million distinct numbers built a hash
-- table past the engine's memory limit, which spilled, and took twice as long. A table of
-- its own, so that its exact (small) size makes it the side of that join held in memory.
-- (Both functions are this process's own: a Ballista cluster runs
-- repeated_appointment_hashes.cluster.sql instead.)
CREATE TABLE repeated_appointment_hashes AS
SELECT unnest(r) AS h
FROM (
  SELECT repeated_values(id_hash(appointment_id)) AS r
  FROM appointments
  WHERE appointment_id IS NOT NULL
) t
