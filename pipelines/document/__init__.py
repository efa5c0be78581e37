"""Stage 2: bytes → Document (text blocks and tables of cells), one reader per format."""
