-- Checks across reports, as findings (stage cross_report) on the later or the aggregate report. Only primary
-- reports printed with tables take part (one per organ and year); a blank term makes a pair uncheckable.

-- carried_over(N) = carried_forward(N−1) of the same organ, in the 总计 column.
CREATE OR REPLACE VIEW check_carry_over AS
SELECT cur.report_id, cur.organ_id, cur.year, 'cross.carry_over' AS rule, 'error' AS severity,
       format('上年结转 {} in {} ≠ 结转下年度 {} in {} (report {})', cur.carried_over, cur.year,
              prev.carried_forward, prev.year, prev.report_id) AS message,
       'applications/carried_over/total' AS location,
       json_object('carried_over', cur.carried_over, 'previous_carried_forward', prev.carried_forward,
                   'previous_report_id', prev.report_id) AS "values"
FROM primary_summary cur
JOIN primary_summary prev ON prev.organ_id = cur.organ_id AND prev.year = cur.year - 1
WHERE cur.carried_over <> prev.carried_forward;

-- in_force(N) = in_force(N−1) + issued(N) − repealed(N) for every item of part 二 that prints all three.
CREATE OR REPLACE VIEW check_in_force AS
WITH chain AS (
    SELECT report_id, organ_id, year, item,
           max(value) FILTER (WHERE measure = 'issued') AS issued,
           max(value) FILTER (WHERE measure = 'repealed') AS repealed,
           max(value) FILTER (WHERE measure = 'in_force') AS in_force
    FROM active_disclosure
    WHERE report_id IN (SELECT report_id FROM reports WHERE status = 'parsed')
      AND report_id IN (SELECT report_id FROM statistics WHERE counted)
    GROUP BY ALL
)
SELECT cur.report_id, cur.organ_id, cur.year, 'cross.in_force' AS rule, 'error' AS severity,
       format('{}: 现行有效 {} in {} ≠ {} in {} + 制发 {} − 废止 {}', cur.item, cur.in_force, cur.year,
              prev.in_force, prev.year, cur.issued, cur.repealed) AS message,
       'active_disclosure/' || cur.item || '/in_force' AS location,
       json_object('in_force', cur.in_force, 'previous_in_force', prev.in_force, 'issued', cur.issued,
                   'repealed', cur.repealed, 'previous_report_id', prev.report_id) AS "values"
FROM chain cur
JOIN chain prev ON prev.organ_id = cur.organ_id AND prev.item = cur.item AND prev.year = cur.year - 1
WHERE cur.in_force <> prev.in_force + cur.issued - cur.repealed;

-- An aggregate report (role aggregate in organs) vs the sum of its units' reports of the same year, for the
-- 新收, 上年结转, 总计 and 结转下年度 totals; checked only when every registered unit filed a report that year.
CREATE OR REPLACE VIEW check_aggregate AS
WITH parsed AS (
    SELECT * FROM primary_summary
), units AS (
    SELECT o.part_of AS aggregate_id, p.year, count(DISTINCT o.organ_id) AS filed,
           sum(p.new_received) AS new_received, sum(p.carried_over) AS carried_over,
           sum(p.total) AS total, sum(p.carried_forward) AS carried_forward
    FROM organs o JOIN parsed p ON p.organ_id = o.organ_id
    WHERE o.part_of IS NOT NULL
    GROUP BY ALL
), registered AS (
    SELECT part_of AS aggregate_id, count(*) AS units FROM organs WHERE part_of IS NOT NULL GROUP BY ALL
), pairs AS (
    SELECT a.report_id, a.organ_id, a.year, t.key, t.aggregate_value, t.units_value, reg.units
    FROM parsed a
    JOIN organs o ON o.organ_id = a.organ_id AND o.role = 'aggregate'
    JOIN units u ON u.aggregate_id = a.organ_id AND u.year = a.year
    JOIN registered reg ON reg.aggregate_id = a.organ_id AND reg.units = u.filed,
    LATERAL (SELECT unnest([
        {'key': 'new_received', 'aggregate_value': a.new_received, 'units_value': u.new_received},
        {'key': 'carried_over', 'aggregate_value': a.carried_over, 'units_value': u.carried_over},
        {'key': 'total', 'aggregate_value': a.total, 'units_value': u.total},
        {'key': 'carried_forward', 'aggregate_value': a.carried_forward, 'units_value': u.carried_forward}
    ], recursive := true)) t
)
SELECT report_id, organ_id, year, 'cross.aggregate' AS rule, 'warning' AS severity,
       format('{} of the aggregate report is {}, its {} units sum to {}', key, aggregate_value, units,
              units_value) AS message,
       'applications/' || key || '/total' AS location,
       json_object('aggregate', aggregate_value, 'units_sum', units_value, 'units', units) AS "values"
FROM pairs
WHERE aggregate_value <> units_value;

-- Every cross-report finding in one shape (the three checks above), as all_findings adds them to the rest.
CREATE OR REPLACE VIEW cross_findings AS
SELECT * FROM check_carry_over
UNION ALL SELECT * FROM check_in_force
UNION ALL SELECT * FROM check_aggregate;
