"""The production server and the embedded one name no software versions; 405 and 500 are Russian pages in the app's
layout (JSON error format on the API)."""
import http.client
import threading

import pytest
from werkzeug.serving import make_server

from registry.ops.devserver import SERVER_NAME, QuietRequestHandler
from tests.api.helpers import assert_error
from tests.support.server import Gunicorn

LAYOUT = 'class="brand"'  # the app's own header, present on every page of base.html


def test_gunicorn_sends_no_version_in_the_server_header(app, world):
    server = Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=1)
    try:
        status, headers, _ = server.exchange("GET", "/api/v1/openapi.json")
    finally:
        server.stop()
    assert status == 200 and headers["Server"] == "gunicorn"


def test_the_embedded_server_sends_no_version_in_the_server_header(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        conn.request("GET", "/auth/login")
        response = conn.getresponse()
        response.read()
        conn.close()
    finally:
        server.shutdown()
        thread.join(10)
    assert response.status == 200
    assert response.headers.get_all("Server") == [SERVER_NAME]


def test_405_is_a_russian_page_in_the_layout_with_allow(client):
    response = client.put("/auth/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 405 and LAYOUT in page
    assert "Этот адрес не принимает такой запрос (метод PUT)" in page
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_405_on_the_api_is_a_json_error(client):
    response = client.get("/api/v1/auth/token")
    assert assert_error(response, 405, "method_not_allowed")["message"] == "Метод не поддерживается для этого адреса."
    assert "POST" in response.headers["Allow"]


@pytest.fixture
def broken(app, monkeypatch):
    """Views that fail with an unexpected error, with exceptions handled as in production (not re-raised)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def fail(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setitem(app.view_functions, "auth.login", fail)
    monkeypatch.setitem(app.view_functions, "public_api.mentor_list", fail)
    return fail


def test_500_is_a_russian_page_in_the_layout(broken, client):
    response = client.get("/auth/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and LAYOUT in page
    assert "Внутренняя ошибка сервера. Изменения не сохранены" in page and "boom" not in page


def test_500_on_the_api_is_a_json_error(broken, client):
    response = client.get("/api/v1/public/mentors")
    assert assert_error(response, 500, "server_error")["message"] == "Внутренняя ошибка сервера."
