"""The one Jinja2 environment of the web pages (the console, the acknowledgement links).

Templates live in ``templates/`` next to this module, and CUIOT's own CSS and JavaScript
in ``static/`` (served at ``/static``): no page loads anything from another origin.
Autoescape is on for every template (Jinja2Templates turns it on for ``.html``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STATIC_URL = "/static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
