"""The web explorer: the warehouse for people in a browser, read-only over the DuckDB catalog.

Search organs by name and region; an organ's reports year by year with its key measures charted; a report laid
out as the form prints it, every number revealing the string printed, where it was printed and the archived
original; the findings beside the cells they concern; rankings of the ratios people compare; two reports side by
side; every page downloadable as CSV.

Built on the ecosystem's parts: Starlette and Jinja2 (already installed with Dagster's webserver, served by
uvicorn), Chart.js vendored from npm into ``static/vendor`` so every page works offline. Starlette rather than
FastAPI because the pages are HTML rendered from templates, not a JSON API: FastAPI would add validation and
OpenAPI machinery no page uses.

    reader.py   what the pages read: one method per page, parametrized SQL over the catalog, an organ index
    layout.py   the three tables laid out as the form prints them (from the form model), values and breaks placed
    app.py      the routes, templates and downloads; ``govreports serve`` runs it with uvicorn
"""
