"""Discovery as data: from portal home pages (or a government's list of portals below it), find every report
column, learn its CMS family and hints from its pages, and write one proposed source per column for a person to
review (``govreports discover``). ``portal`` reads pages, ``family`` tells families apart, ``spider`` walks,
``proposals`` writes the source files, ``run`` is the child process the CLI starts."""
