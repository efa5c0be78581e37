"""govreports: the one command line over the archive, the parser, the warehouse and the nightly job."""
