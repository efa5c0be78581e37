-- One row per report printed with tables: who, when, the ratio inputs and the four ratios.
CREATE OR REPLACE VIEW report_ratios AS
SELECT s.report_id, s.organ_id, s.year, r.agency, r.region_code,
       s.new_received, s.carried_over, s.total AS handled, s.denied, s.unavailable, s.carried_forward,
       v.review_corrected, v.review_total, v.review_pending,
       denied_share(s.denied, s.total) AS denied_share,
       unavailable_share(s.unavailable, s.total) AS unavailable_share,
       review_correction_rate(v.review_corrected, v.review_total, v.review_pending) AS review_correction_rate,
       carry_forward_rate(s.carried_forward, s.new_received, s.carried_over) AS carry_forward_rate
FROM application_summary s
JOIN reports r ON r.report_id = s.report_id AND r.year = s.year
LEFT JOIN review_litigation v ON v.report_id = s.report_id AND v.year = s.year AND v.organ_id = s.organ_id;
