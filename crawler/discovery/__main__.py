import sys

from crawler.discovery.run import main

sys.exit(main())
