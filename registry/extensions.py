"""Flask extensions; created unbound, bound in create_app()."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from registry.core.api_errors import JsonApi
from registry.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Войдите, чтобы открыть эту страницу."
csrf = CSRFProtect()  # Flask-WTF used only for CSRF; form input is validated by marshmallow
babel = Babel()
api = JsonApi()
#: Throttles logins only (registry.core.security.throttle_login); storage from RATELIMIT_STORAGE_URL.
limiter = Limiter(key_func=get_remote_address)
