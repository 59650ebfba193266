# Production image: the same code runs web (uvicorn), worker and beat (celery); see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DEBUG=0 CAD_VAR_DIR=/var/lib/cad
WORKDIR /app

COPY pyproject.toml ./
RUN python -c "import tomllib; d=tomllib.load(open('pyproject.toml','rb')); print('\n'.join(d['project']['dependencies']))" > /tmp/req.txt \
    && pip install -r /tmp/req.txt

COPY . .
RUN mkdir -p /var/lib/cad && SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0

EXPOSE 8000
CMD ["uvicorn", "cad.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "4", "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false", "--proxy-headers"]
