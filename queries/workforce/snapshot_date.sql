-- The snapshot a period reports: the latest snapshot_date on or before the period end.
SELECT max(snapshot_date) AS snapshot_date
FROM staff
WHERE snapshot_date <= {{period_end}}
