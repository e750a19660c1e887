-- Values shaped like an NHS number in one text column of one Parquet file, and how many
-- of them pass its Modulus 11 check. The program repeats this pair of counts for each
-- text column the file holds (`{{column}}` is the column as text, `{{name}}` its name)
-- in one SELECT over the file, so each file is read once (src/data/nhs_numbers.rs).
--
-- Shaped: ten digits, perhaps grouped by spaces or hyphens (943 476 5919), so 10 to 12
-- characters of digits, spaces and hyphens with exactly ten digits.
-- Modulus 11: the first nine digits weighted 10 down to 2 and summed; 11 minus the sum's
-- remainder by 11 (11 read as 0) is the check digit, which must equal the tenth. A
-- remainder of 1 gives 10, which no digit equals: such a number is never issued.
count(CASE WHEN length({{column}}) BETWEEN 10 AND 12
            AND ltrim({{column}}, '0123456789 -') = ''
            AND length(replace(replace({{column}}, ' ', ''), '-', '')) = 10
      THEN 1 END) AS "{{name}}|shaped",
count(CASE WHEN length({{column}}) BETWEEN 10 AND 12
            AND ltrim({{column}}, '0123456789 -') = ''
            AND length(replace(replace({{column}}, ' ', ''), '-', '')) = 10
      THEN CASE WHEN (11 - (
                  10 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 1, 1)) - 48)
                + 9 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 2, 1)) - 48)
                + 8 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 3, 1)) - 48)
                + 7 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 4, 1)) - 48)
                + 6 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 5, 1)) - 48)
                + 5 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 6, 1)) - 48)
                + 4 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 7, 1)) - 48)
                + 3 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 8, 1)) - 48)
                + 2 * (ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 9, 1)) - 48)
              ) % 11) % 11
              = ascii(substr(replace(replace({{column}}, ' ', ''), '-', ''), 10, 1)) - 48
           THEN 1 END
      END) AS "{{name}}|valid"
