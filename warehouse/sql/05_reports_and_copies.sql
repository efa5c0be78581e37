-- The reports people mean: one row per organ and year (an organ-year), the document taken as the report
-- (reports.copy_of is null) with its organ's registry name, its region's names, and how many copies of it the
-- archive holds (a landing page and its file, a re-publication, another format: see copies). A document whose
-- organ could not be identified counts as a report of its own.
CREATE OR REPLACE VIEW organ_years AS
SELECT r.report_id, r.organ_id, coalesce(o.name, r.agency) AS organ, r.agency, r.year, r.region_code,
       g.name AS region, g.province, g.full_name AS region_full_name, r.template, r.status, r.media_type,
       r.source_id, r.source, coalesce(r.copies, 0) AS copies
FROM reports r
LEFT JOIN organs o ON o.organ_id = r.organ_id
LEFT JOIN regions g ON g.region_code = r.region_code
WHERE r.status IN ('parsed', 'legacy') AND r.copy_of IS NULL;

-- Every copy with the report it is a copy of and why. Of an organ-year's documents the report is the one that
-- prints the tables, then with fewer error findings, more parts, the page over the file, the smaller id
-- (warehouse/duplicates.py); the others stay queryable here and count in no total.
CREATE OR REPLACE VIEW copies AS
SELECT c.report_id, c.year, c.organ_id, c.copy_of, c.media_type, c.source,
       p.media_type AS report_media_type, p.source AS report_source,
       CASE WHEN cs.report_id IS NULL AND ps.report_id IS NOT NULL
                THEN 'prints no tables: the report is the copy that prints them'
            WHEN split_part(c.media_type, ';', 1) IS DISTINCT FROM split_part(p.media_type, ';', 1)
                THEN 'the same report in another format'
            ELSE 'published again (same organ and year)' END AS reason
FROM reports c
JOIN reports p ON p.report_id = c.copy_of AND p.year = c.year
LEFT JOIN statistics cs ON cs.report_id = c.report_id AND cs.year = c.year
LEFT JOIN statistics ps ON ps.report_id = p.report_id AND ps.year = p.year
WHERE c.copy_of IS NOT NULL;

-- application_summary of the reports totals count: one per organ-year (statistics.counted is false for copies;
-- copies counts each report's copies).
CREATE OR REPLACE VIEW primary_summary AS
SELECT * EXCLUDE (counted) FROM application_summary WHERE counted;
