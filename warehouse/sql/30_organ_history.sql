-- Every organ's reports year by year (filter on organ_id for one organ's history): the part 三 totals, part 四
-- and the four ratios. Every document appears: a superseded duplicate too (see the superseded view).
CREATE OR REPLACE VIEW organ_history AS
SELECT organ_id, year, report_id, new_received, carried_over, handled, denied, unavailable, carried_forward,
       review_total, review_corrected, denied_share, unavailable_share, review_correction_rate, carry_forward_rate
FROM report_ratios;
