-- Every organ's reports year by year, one row per organ-year (filter on organ_id for one organ's history): the
-- part 三 totals, part 四 and the four ratios of the report, and how many copies of it the archive holds.
CREATE OR REPLACE VIEW organ_history AS
SELECT organ_id, year, report_id, copies, * EXCLUDE (organ_id, year, report_id, copies)
FROM report_ratios;
