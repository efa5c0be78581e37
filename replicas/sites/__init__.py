"""One replica portal per CMS family of portals.md, each with the faults real portals show."""
