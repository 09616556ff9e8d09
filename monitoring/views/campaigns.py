"""Web pages (to be filled)."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__)
