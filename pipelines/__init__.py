"""The plain library under govreports: archive → document → report. No Scrapy, no Dagster here."""
