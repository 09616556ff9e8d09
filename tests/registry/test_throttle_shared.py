"""The login throttle across processes: with RATELIMIT_STORAGE_URL=redis://… two app instances (gunicorn processes,
as two workers are) share the counters of failed logins; with the in-memory default each keeps its own."""
import pytest

from registry.core.security import THROTTLED, account_key
from registry.extensions import db
from tests import factories
from tests.api.helpers import check_error_body
from tests.support.redis_server import RedisServer
from tests.support.server import Gunicorn

TOKEN = "/api/v1/auth/token"
#: Small limits (hourly: a slow run stays inside one window); TRUST_PROXY: each test picks its client address
#: with X-Forwarded-For.
ENV = {"LOGIN_LIMIT_PER_ACCOUNT": "3 per hour", "LOGIN_LIMIT_PER_ADDRESS": "5 per hour", "TRUST_PROXY": "1"}


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    try:
        yield server
    finally:
        server.stop()


def _instances(app, storage_url: str):
    """Two separate app instances (one gunicorn process each) on the test database and the given counter store."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**ENV, "RATELIMIT_STORAGE_URL": storage_url}
    first = Gunicorn(url, workers=1, env=env)
    try:
        second = Gunicorn(url, workers=1, env=env)
    except BaseException:
        first.stop()
        raise
    return first, second


@pytest.fixture(scope="module")
def shared(app, redis_server):
    """Instances A and B counting in the throwaway Redis."""
    servers = _instances(app, redis_server.url)
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def redis_pair(shared, redis_server, world):
    db.session.commit()
    redis_server.client().flushall()  # every test starts with no counters
    return shared


def _login(server, email, password, address):
    return server.exchange("POST", TOKEN, {"email": email, "password": password},
                           headers={"X-Forwarded-For": address})


def _assert_throttled(outcome):
    status, headers, body = outcome
    assert status == 429, body
    assert check_error_body(body, "too_many_requests")["message"] == THROTTLED
    assert int(headers["Retry-After"]) > 0


def test_failures_on_one_instance_count_on_the_other_per_account(redis_pair, redis_server, world):
    a, b = redis_pair
    email = world.curator.email
    for server in (a, b, a):  # three failures, split over both instances
        assert _login(server, email, "wrong", "10.1.0.1")[0] == 401
    _assert_throttled(_login(b, email, factories.PASSWORD, "10.1.0.2"))  # even the right password, elsewhere
    _assert_throttled(_login(a, email, factories.PASSWORD, "10.1.0.3"))
    assert _login(b, world.operator.email, factories.PASSWORD, "10.1.0.1")[0] == 200  # other accounts are not
    keys = [key.decode() if isinstance(key, bytes) else key for key in redis_server.client().scan_iter()]
    assert any(account_key(email) in key for key in keys)  # the counters live in Redis, under the e-mail's hash
    assert not any(email in key for key in keys)


def test_failures_on_one_instance_count_on_the_other_per_address(redis_pair, world):
    a, b = redis_pair
    for i, server in enumerate((a, b, a, b, a)):  # five accounts, one failure each, from one address
        assert _login(server, f"guess{i}@example.ru", "wrong", "10.2.0.1")[0] == 401
    _assert_throttled(_login(b, world.curator.email, factories.PASSWORD, "10.2.0.1"))
    _assert_throttled(_login(a, world.operator.email, factories.PASSWORD, "10.2.0.1"))
    assert _login(b, world.curator.email, factories.PASSWORD, "10.2.0.2")[0] == 200  # another address is not


def test_in_memory_counters_are_per_process(app, world):
    """Why several workers need Redis: with memory:// the other worker has not seen the failures."""
    db.session.commit()
    a, b = _instances(app, "memory://")
    try:
        for _ in range(3):
            assert _login(a, world.curator.email, "wrong", "10.3.0.1")[0] == 401
        _assert_throttled(_login(a, world.curator.email, factories.PASSWORD, "10.3.0.1"))
        assert _login(b, world.curator.email, factories.PASSWORD, "10.3.0.1")[0] == 200
    finally:
        a.stop()
        b.stop()
