"""Web pages (to be filled)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
