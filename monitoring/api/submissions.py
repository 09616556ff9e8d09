"""API v1 (to be filled)."""
from flask_smorest import Blueprint

api_bp = Blueprint("submissions_api", __name__)
