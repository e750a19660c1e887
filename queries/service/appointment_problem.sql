-- An appointment row (of numbered_appointments) that fails a data-quality check other
-- than its referral_id's match, as one condition: tables/referral_care.sql counts these
-- rows per referral, and quality/appointments.sql reads them one by one (every other row
-- it counts per referral). Each check of quality/appointments.sql must make this true.
(appointment_id IS NULL OR key_rank > 1
  OR appointment_date IS NULL OR appointment_date > {{as_of}} OR appointment_date < {{earliest_date}}
  OR appointment_type IS NULL OR appointment_type NOT IN ('assessment', 'treatment', 'other')
  OR attendance IS NULL OR attendance NOT IN ('attended', 'dna', 'cancelled_patient', 'cancelled_provider'))
