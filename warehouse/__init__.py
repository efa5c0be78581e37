"""Stage 4 — parsed reports as tables: Hive-partitioned Parquet (the truth) and a DuckDB catalog of views over it.

schema (tables from the form model) · rows (report JSON → rows) · write (atomic partitions) · identity (organ ids)
· build (archive → tables, the one entry point) · catalog + generated + sql/ (views) · ingest · export.
"""
