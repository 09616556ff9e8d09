"""Web pages (to be filled)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
