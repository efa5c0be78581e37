-- National totals by year: reports are organ-years printed with tables (each counted once, primary_summary),
-- copies the further documents of those organ-years (counted in no sum); counts summed first, ratios taken of the
-- sums.
CREATE OR REPLACE VIEW national_totals AS
SELECT year, count(*) AS reports, sum(copies)::BIGINT AS copies,
       sum(new_received) AS new_received, sum(carried_over) AS carried_over, sum(total) AS handled,
       sum(denied) AS denied, sum(unavailable) AS unavailable, sum(carried_forward) AS carried_forward,
       sum(review_total) AS review_total, sum(review_corrected) AS review_corrected,
       denied_share(sum(denied), sum(total)) AS denied_share,
       unavailable_share(sum(unavailable), sum(total)) AS unavailable_share,
       review_correction_rate(sum(review_corrected), sum(review_total), sum(review_pending)) AS review_correction_rate,
       carry_forward_rate(sum(carried_forward), sum(new_received), sum(carried_over)) AS carry_forward_rate
FROM primary_summary
GROUP BY year;
