-- National totals by year over every report printed with tables: counts summed first, ratios taken of the sums.
CREATE OR REPLACE VIEW national_totals AS
WITH a AS (
    SELECT year, count(*) AS reports,
           sum(new_received) AS new_received, sum(carried_over) AS carried_over, sum(total) AS handled,
           sum(denied) AS denied, sum(unavailable) AS unavailable, sum(carried_forward) AS carried_forward
    FROM application_summary GROUP BY year
), v AS (
    SELECT year, sum(review_total) AS review_total, sum(review_corrected) AS review_corrected,
           sum(review_pending) AS review_pending
    FROM review_litigation GROUP BY year
)
SELECT a.*, v.review_total, v.review_corrected,
       denied_share(a.denied, a.handled) AS denied_share,
       unavailable_share(a.unavailable, a.handled) AS unavailable_share,
       review_correction_rate(v.review_corrected, v.review_total, v.review_pending) AS review_correction_rate,
       carry_forward_rate(a.carried_forward, a.new_received, a.carried_over) AS carry_forward_rate
FROM a LEFT JOIN v USING (year);
