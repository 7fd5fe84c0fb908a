"""File downloads: one place that sets how a private file is sent."""

from __future__ import annotations

from werkzeug.wrappers import Response


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    """Send ``body`` as a download named ``filename``, kept out of shared caches."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
