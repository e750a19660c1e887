-- Each count of referral_metrics.sql summed over its rows, as the columns of a SELECT:
-- put in where count_sums stands in double braces, both where a referral's 0 or 1 is
-- summed and where those sums are summed again.
sum(referrals) AS referrals, sum(entered) AS entered, sum(taken_up) AS taken_up,
  sum(ended) AS ended, sum(ended_untreated) AS ended_untreated, sum(finished) AS finished,
  sum(at_caseness) AS at_caseness, sum(recovered) AS recovered, sum(paired) AS paired,
  sum(improved) AS improved, sum(reliably_recovered) AS reliably_recovered,
  sum(deteriorated) AS deteriorated, sum(wait_6wk) AS wait_6wk, sum(wait_18wk) AS wait_18wk,
  sum(second_wait_long) AS second_wait_long, sum(second_wait_short) AS second_wait_short,
  sum(interpreter) AS interpreter, sum(dna) AS dna, sum(attended) AS attended,
  sum(adapted) AS adapted
