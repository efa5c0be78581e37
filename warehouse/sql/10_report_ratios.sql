-- One row per report (organ-year) printed with tables: its number of copies, the ratio inputs and the four ratios
-- (join reports or organ_years for names; copies have no row, as in every total).
CREATE OR REPLACE VIEW report_ratios AS
SELECT report_id, organ_id, year, copies,
       new_received, carried_over, total AS handled, denied, unavailable, carried_forward,
       review_corrected, review_total, review_pending,
       denied_share(denied, total) AS denied_share,
       unavailable_share(unavailable, total) AS unavailable_share,
       review_correction_rate(review_corrected, review_total, review_pending) AS review_correction_rate,
       carry_forward_rate(carried_forward, new_received, carried_over) AS carry_forward_rate
FROM primary_summary;

-- The n reports of year y with the highest 不予公开 share, with their names: ranked first, named after
-- (so only n rows are joined). SELECT * FROM top_denied_share(2023, 20);
CREATE OR REPLACE MACRO top_denied_share(y, n) AS TABLE
SELECT t.report_id, r.agency, t.organ_id, t.year, t.denied, t.handled, t.denied_share
FROM (SELECT report_id, organ_id, year, denied, handled, denied_share FROM report_ratios
      WHERE year = y ORDER BY denied_share DESC NULLS LAST, report_id LIMIT n) t
JOIN reports r ON r.report_id = t.report_id AND r.year = t.year
ORDER BY t.denied_share DESC NULLS LAST, t.report_id;
