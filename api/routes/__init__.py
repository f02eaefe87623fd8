"""One router per resource; :data:`ROUTERS` is the order they are mounted in."""

from chainatlas.api.routes import health

ROUTERS = [health.router]
