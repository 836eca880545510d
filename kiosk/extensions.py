"""Extensions, created once here and init_app'd in the factory."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask import g
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
htmx = Htmx()


def kiosk_or_address() -> str:
    """Rate-limit per kiosk: kiosks behind one proxy share an address but not a budget."""
    kiosk = g.get("kiosk")
    return f"kiosk:{kiosk.id}" if kiosk is not None else get_remote_address()


limiter = Limiter(key_func=kiosk_or_address, default_limits=[])
