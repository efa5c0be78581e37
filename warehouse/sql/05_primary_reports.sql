-- application_summary without the reports another document of the same organ and year supersedes (the
-- superseded table, chosen at build time): what totals and cross-report checks count, once per organ and year.
CREATE OR REPLACE VIEW primary_summary AS
SELECT * FROM application_summary ANTI JOIN superseded USING (report_id);
