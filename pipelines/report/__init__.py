"""Stage 3: Document → Report (the form's values, keyed by form keys, with findings)."""
