-- application_summary of the reports totals count: one per organ and year (statistics.counted, set when a year is
-- written: of two documents of one organ-year, the one with fewer error findings, more parts, smaller id).
CREATE OR REPLACE VIEW primary_summary AS
SELECT * EXCLUDE (counted) FROM application_summary WHERE counted;

-- The duplicates totals leave out, with the report of the same organ and year they yield to.
CREATE OR REPLACE VIEW superseded AS
SELECT d.report_id, d.year, d.organ_id, p.report_id AS primary_report_id,
       'same organ and year as ' || p.report_id AS reason
FROM statistics d
JOIN statistics p ON p.organ_id = d.organ_id AND p.year = d.year AND p.counted
WHERE NOT d.counted;
