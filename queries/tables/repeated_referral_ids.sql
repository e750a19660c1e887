-- Referral ids that occur in more than one row. Only these rows need numbering to find
-- the one that counts: numbering every row by id would sort the whole dataset.
CREATE TABLE repeated_referral_ids AS
SELECT referral_id
FROM referrals
WHERE referral_id IS NOT NULL
GROUP BY referral_id
HAVING count(*) > 1
