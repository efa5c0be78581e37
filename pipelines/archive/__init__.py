"""Stage 1 — bytes kept forever: a content-addressed blob store, per-run WARC files and the documents manifest."""
