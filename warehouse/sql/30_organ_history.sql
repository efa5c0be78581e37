-- Every organ's reports year by year (filter on organ_id for one organ's history): the part 三 totals, part 四
-- and the four ratios. Two documents for the same organ and year both appear (see duplicate_reports).
CREATE OR REPLACE VIEW organ_history AS
SELECT s.organ_id, s.year, s.report_id, s.new_received, s.carried_over, s.total AS handled, s.denied,
       s.unavailable, s.carried_forward, v.review_total, v.review_corrected,
       denied_share(s.denied, s.total) AS denied_share,
       unavailable_share(s.unavailable, s.total) AS unavailable_share,
       review_correction_rate(v.review_corrected, v.review_total, v.review_pending) AS review_correction_rate,
       carry_forward_rate(s.carried_forward, s.new_received, s.carried_over) AS carry_forward_rate
FROM application_summary s
LEFT JOIN review_litigation v ON v.organ_id = s.organ_id AND v.report_id = s.report_id AND v.year = s.year;
