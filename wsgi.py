"""WSGI entry point for the web server; it never starts the scheduler."""
import gc

from registry import create_app

app = create_app()
# The objects built at start (the app, its routes, templates and libraries: about 200,000) live as long as the
# worker: frozen out of the collector's sight, a full collection no longer walks them on a busy request.
gc.freeze()
