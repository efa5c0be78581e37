-- One row per report with a table (status parsed): who, when, the ratio inputs and the four ratios.
CREATE OR REPLACE VIEW report_ratios AS
SELECT s.report_id, s.organ_id, s.year, r.agency, r.region_code,
       s.new_received, s.carried_over, s.total AS handled, s.denied, s.unavailable, s.carried_forward,
       s.review_corrected, s.review_total, s.review_pending,
       denied_share(s.denied, s.total) AS denied_share,
       unavailable_share(s.unavailable, s.total) AS unavailable_share,
       review_correction_rate(s.review_corrected, s.review_total, s.review_pending) AS review_correction_rate,
       carry_forward_rate(s.carried_forward, s.new_received, s.carried_over) AS carry_forward_rate
FROM application_summary s
JOIN reports r ON r.report_id = s.report_id AND r.year = s.year
WHERE r.status = 'parsed';
