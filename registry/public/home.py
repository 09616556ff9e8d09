"""The public home page: what the registry is, the mentor search, the public sections and the way in for staff."""
from flask import render_template

from registry.public import queries
from registry.public.views import SECTIONS

#: The public sections in the anonymous visitor's navigation bar (after «Главная»).
PUBLIC_NAV = SECTIONS


def public_home():
    """Rendered at `/` for anonymous visitors (signed-in users get their own workplace there)."""
    return render_template("public/home.html", municipalities=queries.municipalities(), sections=SECTIONS)
