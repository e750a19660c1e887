-- (snapshot_date, staff_id) keys that occur in more than one staff snapshot row: only
-- their rows need numbering to find the one that counts.
CREATE TABLE repeated_staff_keys AS
SELECT snapshot_date, staff_id
FROM staff_snapshot
WHERE snapshot_date IS NOT NULL AND staff_id IS NOT NULL
GROUP BY snapshot_date, staff_id
HAVING count(*) > 1
