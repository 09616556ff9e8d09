"""Web pages (to be filled)."""
from flask import Blueprint

bp = Blueprint("hierarchy", __name__)
