-- Provincial totals by year: reports grouped by the first two digits of their GB/T 2260 region code
-- (province = 'xx0000'); reports without a region code fall under a NULL province.
CREATE OR REPLACE VIEW provincial_totals AS
SELECT year, province, count(*) AS reports,
       sum(new_received) AS new_received, sum(carried_over) AS carried_over, sum(handled) AS handled,
       sum(denied) AS denied, sum(unavailable) AS unavailable, sum(carried_forward) AS carried_forward,
       sum(review_total) AS review_total, sum(review_corrected) AS review_corrected,
       denied_share(sum(denied), sum(handled)) AS denied_share,
       unavailable_share(sum(unavailable), sum(handled)) AS unavailable_share,
       review_correction_rate(sum(review_corrected), sum(review_total), sum(review_pending)) AS review_correction_rate,
       carry_forward_rate(sum(carried_forward), sum(new_received), sum(carried_over)) AS carry_forward_rate
FROM (SELECT *, left(region_code, 2) || '0000' AS province FROM report_ratios)
GROUP BY year, province;
