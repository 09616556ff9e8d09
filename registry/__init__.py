"""The regional mentoring registry (целевая модель наставничества)."""
from registry.app import create_app

__all__ = ["create_app"]
