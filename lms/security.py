"""Security headers on every response, with a strict Content-Security-Policy.

No inline script or style is allowed anywhere, so the policy needs no nonces.
"""

from __future__ import annotations

from flask import Flask, Response, request

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def init_app(app: Flask) -> None:
    """Add the headers after every request."""
    hsts = app.config["SESSION_COOKIE_SECURE"]

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts and request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Pages show personal records: keep them out of shared and back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response


#: Endpoints that accept a file -> the config key of their file limit.
UPLOADS = {"oversight.new_credit": "CREDIT_MAX_BYTES"}
#: Room beside the file for the form's other fields and the multipart framing.
UPLOAD_OVERHEAD = 64 * 1024


def init_upload_limits(app: Flask) -> None:
    """Let upload endpoints take a body of their file limit, above ``MAX_CONTENT_LENGTH``.

    Registered before CSRF protection, which reads the form in its own ``before_request``.
    """

    @app.before_request
    def _allow_upload() -> None:
        key = UPLOADS.get(request.endpoint or "")
        if key is not None:
            request.max_content_length = int(app.config[key]) + UPLOAD_OVERHEAD

    del _allow_upload
