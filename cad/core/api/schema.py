"""OpenAPI (drf-spectacular) descriptions of this project's authentication classes.

Imported from `CoreConfig.ready()` so the extensions are registered before any schema is built.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTScheme(SimpleJWTScheme):
    target_class = "cad.core.api.authentication.JWTAuthentication"
    name = "jwtAuth"


class CookieScheme(SessionScheme):
    target_class = "cad.core.api.authentication.SessionAuthentication"
    name = "cookieAuth"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cad.core.api.authentication.ApiTokenAuthentication"
    name = ["apiKeyHeader", "apiTokenBearer"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-api-key",
             "description": "Community API token (000's server-to-server routes)."},
            {"type": "http", "scheme": "bearer",
             "description": "Community API token as `Authorization: Bearer cad_...` (004's /fivem/*)."},
        ]
