-- Each referral_id with the number of rows that carry it and its partner, in one pass
-- over the referrals: the repeated ids (repeated_referral_ids.sql) are read off it, and
-- it places appointment and measure rows with a partner on the data-quality page.
-- (Held for the whole run: the count as a 32-bit number, the partner as a dictionary.)
CREATE TABLE referral_keys AS
SELECT referral_id, id_rows, arrow_cast(partner_org, 'Dictionary(Int16, Utf8)') AS partner_org
FROM (
  SELECT referral_id, CAST(count(*) AS INT) AS id_rows,
    min(COALESCE(p.code, 'Unlisted')) AS partner_org
  FROM referrals r
  LEFT JOIN ref_partner p ON p.code = r.partner_org
  WHERE referral_id IS NOT NULL
  GROUP BY referral_id
) k
