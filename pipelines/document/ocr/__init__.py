"""Reading text from images: scanned report pages, tables pasted as pictures, pictures saved as documents.

engine.py is the adapter an OCR engine plugs into (rapid.py: RapidOCR, the default; tesseract.py: Tesseract);
raster.py decodes picture files; prepare.py drops the seal, straightens and cleans a page; ruling.py finds its
table rules; regions.py decides which boxes the engine reads; scan.py turns what was read into the glyphs and
rules of pipelines/document/layout.py, and marks what came from an image; cache.py keeps every reading.
"""
