"""One generic spider; the CMS family modules in ``families/`` know how each kind of column lists its items."""
