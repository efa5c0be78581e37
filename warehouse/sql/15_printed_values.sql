-- Every value printed in parts 二, 三 and 四, one row each: the number as stored (null for a blank, '/' or a
-- value the number columns cannot hold), the string as printed, its unit and note, where it was printed (location
-- JSON: line; table, row, col; page and bbox — page alone in page) and the form's labels for its row and column.
-- For one report filter on its year, organ and id (each prunes the files read):
-- SELECT * FROM printed_values WHERE year = ? AND organ_id = ? AND report_id = ?.
CREATE OR REPLACE VIEW printed_values AS
SELECT c.report_id, r.organ_id, c.year, c.part, c.row, c.column, f.row_label, f.column_label,
       coalesce(d.value, a.value, l.value) AS value, c.raw AS printed, c.unit, c.note, c.location,
       TRY_CAST(json_extract_string(c.location, '$.page') AS INTEGER) AS page
FROM cells c
JOIN reports r ON r.report_id = c.report_id AND r.year = c.year
LEFT JOIN form_cells f ON f.part = c.part AND f.row = c.row AND f.column = c.column
LEFT JOIN active_disclosure d ON c.part = 'active_disclosure' AND d.report_id = c.report_id AND d.year = c.year
    AND d.organ_id IS NOT DISTINCT FROM r.organ_id AND d.item = c.row AND d.measure = c.column
LEFT JOIN applications_long a ON c.part = 'applications' AND a.report_id = c.report_id AND a.year = c.year
    AND a.organ_id IS NOT DISTINCT FROM r.organ_id AND a.row = c.row AND a.column = c.column
LEFT JOIN review_litigation_long l ON c.part = 'review_litigation' AND l.report_id = c.report_id
    AND l.year = c.year AND l.organ_id IS NOT DISTINCT FROM r.organ_id AND l.block = c.row AND l.measure = c.column;
