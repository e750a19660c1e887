-- Values shaped like an NHS number in one text column (`{{column}}`) of the Parquet files
-- registered as `{{table}}`, and how many of them pass its Modulus 11 check. The program
-- puts it in one statement with a branch for each text column (src/data/nhs_numbers.rs).
--
-- Shaped: ten digits, perhaps grouped by spaces or hyphens (943 476 5919), so 10 to 12
-- characters of digits, spaces and hyphens with exactly ten digits. Every such value
-- sorts before ':' (the character after '9'), so the first condition lets the reader
-- skip each row group whose smallest value is a letter or later, as pseudonyms with a
-- letter prefix are, by its statistics, without reading it.
-- Modulus 11 (nhs_check_digit_ok, src/data/nhs_numbers.rs): the first nine digits
-- weighted 10 down to 2 and summed; 11 minus the sum's remainder by 11 (11 read as 0) is
-- the check digit, which must equal the tenth. A remainder of 1 gives 10, which no digit
-- equals: such a number is never issued.
SELECT
  count(*) AS shaped,
  count(CASE WHEN nhs_check_digit_ok(d) THEN 1 END) AS valid
FROM (
  SELECT replace(replace({{column}}, ' ', ''), '-', '') AS d
  FROM {{table}}
  WHERE {{column}} < ':'
    AND length({{column}}) BETWEEN 10 AND 12
    AND ltrim({{column}}, '0123456789 -') = ''
)
WHERE length(d) = 10
