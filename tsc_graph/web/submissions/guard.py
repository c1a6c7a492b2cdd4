"""The submission forms' protections, shared with the curators' desk: CSRF tokens (Flask-WTF, checked explicitly
on our routes only, so the SPARQL protocol's POST stays token-free) and the in-memory flood guard on attempts
(Flask-Limiter; one server process serves the store, so memory is where the counts belong)."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[], headers_enabled=True)
