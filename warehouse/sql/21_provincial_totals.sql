-- Provincial totals by year: reports (organ-years) grouped by the first two digits of their GB/T 2260 region code
-- (province = 'xx0000', named from regions); reports without a region code fall under a NULL province.
CREATE OR REPLACE VIEW provincial_totals AS
SELECT t.year, t.province, g.name AS province_name, t.* EXCLUDE (year, province)
FROM (SELECT s.year, left(r.region_code, 2) || '0000' AS province, count(*) AS reports,
             sum(s.copies)::BIGINT AS copies,
             sum(s.new_received) AS new_received, sum(s.carried_over) AS carried_over, sum(s.total) AS handled,
             sum(s.denied) AS denied, sum(s.unavailable) AS unavailable, sum(s.carried_forward) AS carried_forward,
             sum(s.review_total) AS review_total, sum(s.review_corrected) AS review_corrected,
             denied_share(sum(s.denied), sum(s.total)) AS denied_share,
             unavailable_share(sum(s.unavailable), sum(s.total)) AS unavailable_share,
             review_correction_rate(sum(s.review_corrected), sum(s.review_total), sum(s.review_pending))
                 AS review_correction_rate,
             carry_forward_rate(sum(s.carried_forward), sum(s.new_received), sum(s.carried_over))
                 AS carry_forward_rate
      FROM primary_summary s
      JOIN reports r ON r.report_id = s.report_id AND r.year = s.year
      GROUP BY ALL) t
LEFT JOIN regions g ON g.region_code = t.province;
