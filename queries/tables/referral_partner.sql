-- Each referral's partner, to place appointment and measure rows on the data-quality page.
CREATE TABLE referral_partner AS
SELECT referral_id, min(COALESCE(p.code, 'Unlisted')) AS partner_org
FROM referrals r
LEFT JOIN ref_partner p ON p.code = r.partner_org
WHERE referral_id IS NOT NULL
GROUP BY referral_id
