"""``/docs`` (Swagger UI) and ``/redoc`` that work offline.

FastAPI's own pages load their scripts, styles and icon from a CDN, so they are blank
on a machine without internet, as many IoT networks are. Here CUIOT serves those files
itself, from the ``fastapi-offline`` package (which ships Swagger UI's and ReDoc's
bundles), under ``/docs/assets``; nothing on either page points outside the app.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def install(app: FastAPI) -> None:
    """The two pages and their files, on an app made with ``docs_url=None,
    redoc_url=None``."""
    app.mount(ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]),
              name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_swagger_ui_html(
            openapi_url=root + _openapi_url(app), title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None})  # no badge from swagger.io

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root(request)
        return get_redoc_html(
            openapi_url=root + _openapi_url(app), title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS}/favicon.png", with_google_fonts=False)


def _root(request: Request) -> str:
    """Where the app is mounted behind a proxy (``--root-path``), as FastAPI's pages do."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _openapi_url(app: FastAPI) -> str:
    assert app.openapi_url is not None  # the pages show the schema: it is always served
    return app.openapi_url
