"""``python -m explorer --data D [--host H] [--port P]``: serve the explorer with uvicorn (``govreports serve``)."""

from __future__ import annotations

import argparse
import sys

from pipelines.settings import Settings
from warehouse.catalog import NoWarehouse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer", description=__doc__)
    parser.add_argument("--data", default=None, help="data directory (default: GOVREPORTS_DATA, else ./data)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    import uvicorn

    from explorer.app import create_app

    settings = Settings.resolve(args.data)
    try:
        app = create_app(settings)
    except NoWarehouse as error:
        print(f"govreports serve: {error}", file=sys.stderr)
        return 1
    print(f"govreports explorer on http://{args.host}:{args.port} (data: {settings.data}; Ctrl-C stops it)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
