-- Every finding in one shape: per document (read, parse, validate, warehouse) and across reports.
CREATE OR REPLACE VIEW all_findings AS
SELECT report_id, year, stage, rule, severity, message, location, "values" FROM findings
UNION ALL
SELECT report_id, year, 'cross_report' AS stage, rule, severity, message, location, CAST("values" AS VARCHAR)
FROM cross_findings;

-- The checks per document: findings by severity, form rules broken by the stored numbers, cross-report breaks;
-- copy_of names the report a copy belongs to (a copy's checks count in no total).
CREATE OR REPLACE VIEW report_checks AS
WITH f AS (
    SELECT report_id,
           count(*) FILTER (WHERE severity = 'error') AS errors,
           count(*) FILTER (WHERE severity = 'warning') AS warnings,
           count(*) FILTER (WHERE severity = 'info') AS infos,
           count(*) FILTER (WHERE stage = 'cross_report') AS cross_report
    FROM all_findings GROUP BY ALL
), b AS (
    SELECT report_id, count(*) AS form_breaks FROM form_breaks GROUP BY ALL
)
SELECT r.report_id, r.year, r.organ_id, r.agency, r.status, r.copy_of,
       coalesce(f.errors, 0) AS errors, coalesce(f.warnings, 0) AS warnings, coalesce(f.infos, 0) AS infos,
       coalesce(f.cross_report, 0) AS cross_report, coalesce(b.form_breaks, 0) AS form_breaks
FROM reports r LEFT JOIN f USING (report_id) LEFT JOIN b USING (report_id);
