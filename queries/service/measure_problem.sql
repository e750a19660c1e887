-- A measures row that fails a data-quality check other than its referral_id's match,
-- as one condition: tables/referral_care.sql counts these rows per referral, and
-- quality/measures.sql reads them one by one (every other row it counts per referral).
-- Each check of quality/measures.sql must make this true.
(measured_date IS NULL OR measured_date > {{as_of}} OR measured_date < {{earliest_date}}
  OR phq9 < 0 OR phq9 > 27 OR gad7 < 0 OR gad7 > 21
  OR (phq9 IS NULL AND gad7 IS NULL))
