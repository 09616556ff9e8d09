"""Records tests keep their uploads in a temporary folder."""
import pytest

from tests.registry.mentoring import builders


@pytest.fixture(autouse=True)
def _temporary_uploads(app):
    builders.temporary_uploads()
