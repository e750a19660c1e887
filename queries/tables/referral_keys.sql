-- Each referral_id with the number of rows that carry it and its partner, in one pass
-- over the referrals: the repeated ids (repeated_referral_ids.sql) are read off it, and
-- it places appointment and measure rows with a partner on the data-quality page.
-- (Held for the whole run: the count as a 32-bit number, the partner as a dictionary.)
-- The least partner code of an id's rows ('Unlisted' for a code not in the settings)
-- is found from the least of their places in the code order (ref_partner.place): a
-- minimum of numbers, where the minimum of the codes themselves took most of the pass.
CREATE TABLE referral_keys AS
WITH counted AS (
  SELECT r.referral_id, count(*) AS id_rows, count(p.place) AS listed_rows,
    min(p.place) AS place
  FROM referrals r
  LEFT JOIN ref_partner p ON p.code = r.partner_org
  WHERE r.referral_id IS NOT NULL
  GROUP BY r.referral_id
),
placed AS (
  SELECT k.referral_id, CAST(k.id_rows AS INT) AS id_rows,
    CASE WHEN k.listed_rows < k.id_rows AND (p.code IS NULL OR 'Unlisted' < p.code)
      THEN 'Unlisted' ELSE p.code END AS partner_org
  FROM counted k LEFT JOIN ref_partner p ON p.place = k.place
)
SELECT referral_id, id_rows, arrow_cast(partner_org, 'Dictionary(Int16, Utf8)') AS partner_org
FROM placed
