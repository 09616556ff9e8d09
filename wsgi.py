"""WSGI entry point for the web server; it never starts the scheduler."""
from registry import create_app

app = create_app()
