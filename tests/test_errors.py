"""Error pages: no stack traces, and a 503 while the database is unreachable, recovering
when it returns."""

from __future__ import annotations

from pathlib import Path

from lms import create_app, migrate
from tests.conftest import app_config


def test_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Traceback" not in html
    assert 'href="/support"' in html


def test_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "not available here" in response.get_data(as_text=True)


def test_500_page_hides_the_error(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_database_outage_is_a_503_and_the_app_recovers(tmp_path: Path):
    """Point the app at a database file in a directory that does not exist yet."""
    directory = tmp_path / "later"
    url = f"sqlite:///{directory / 'lms.db'}"
    app = create_app(app_config(DATABASE_URL=url, PROPAGATE_EXCEPTIONS=False))
    client = app.test_client()
    for path in ("/healthz", "/support", "/register"):
        response = client.get(path)
        assert response.status_code == 503, path
        if path != "/healthz":
            html = response.get_data(as_text=True)
            assert "temporarily unavailable" in html and "Traceback" not in html
            assert response.headers["Retry-After"] == "30"
    directory.mkdir()
    migrate.upgrade(app)  # the database is back
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200


def test_oversized_request_is_413(client):
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
