-- Where every parsed document came from: one row per document (sha256) with the source and address it was
-- archived from, when it was fetched (first and last time, how often), its media type and size, the parser version
-- that read it, what became of it and the report it is a copy of. Every export carries it as provenance.csv.
CREATE OR REPLACE VIEW provenance AS
SELECT r.sha256, r.report_id, r.year, r.organ_id, r.agency, r.status, r.copy_of, r.source_id,
       coalesce(d.url, r.source) AS url, d.final_url, r.media_type, d.size, d.first_fetched, d.last_fetched,
       coalesce(d.fetches, 0) AS fetches, r.parser_version
FROM reports r
LEFT JOIN (SELECT sha256, min(url) AS url, min(final_url) AS final_url, max(size) AS size,
                  min(fetched_at) AS first_fetched, max(fetched_at) AS last_fetched, count(*) AS fetches
           FROM documents GROUP BY sha256) d USING (sha256);
