-- Every organ's reports year by year, one row per organ-year (filter on organ_id for one organ's history): the
-- part 三 totals, part 四 and the four ratios of the report, and how many copies of it the archive holds.
CREATE OR REPLACE VIEW organ_history AS
SELECT r.organ_id, r.year, r.report_id, coalesce(c.copies, 0) AS copies,
       r.* EXCLUDE (organ_id, year, report_id)
FROM report_ratios r
LEFT JOIN (SELECT organ_id, year, copy_of, count(*) AS copies FROM reports WHERE copy_of IS NOT NULL GROUP BY ALL) c
    ON c.organ_id = r.organ_id AND c.year = r.year AND c.copy_of = r.report_id;
