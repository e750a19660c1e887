-- Referral ids that occur in more than one row (counted in referral_keys.sql). Only
-- these rows need numbering to find the one that counts: numbering every row by id
-- would sort the whole dataset.
CREATE TABLE repeated_referral_ids AS
SELECT referral_id
FROM referral_keys
WHERE id_rows > 1
