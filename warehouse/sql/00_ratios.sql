-- The ratios evaluators use, each defined once as a macro; every view and query that shows a ratio calls these.
-- A ratio whose denominator is 0 or blank is NULL (no requests handled is not a 0 % share).

-- 不予公开 share: requests refused (all eight （三）不予公开 rows) over all requests handled (（七）总计).
CREATE OR REPLACE MACRO denied_share(denied, handled) AS denied / NULLIF(handled, 0);

-- 无法提供 share: requests the organ could not answer (the three （四）无法提供 rows) over all requests handled.
CREATE OR REPLACE MACRO unavailable_share(unavailable, handled) AS unavailable / NULLIF(handled, 0);

-- 复议纠错率: reconsiderations whose result was 纠正 over those decided (总计 − 尚未审结).
CREATE OR REPLACE MACRO review_correction_rate(corrected, total, pending) AS corrected / NULLIF(total - pending, 0);

-- 结转率: requests carried into next year (四、结转下年度继续办理) over the year's workload (新收 + 上年结转).
CREATE OR REPLACE MACRO carry_forward_rate(carried_forward, new_received, carried_over)
    AS carried_forward / NULLIF(new_received + carried_over, 0);
