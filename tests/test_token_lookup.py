import pytest
from django.db import connection

from cad.core import services


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_token_lookup_survives_a_connection_the_server_dropped():
    community = services.community_create(name="Ingest RP")
    token, raw = services.token_create(community=community)
    connection.ensure_connection()
    connection.connection.close()  # as if PostgreSQL had dropped the idle connection
    assert services._token_authenticate_outside_request(raw).pk == token.pk


@pytest.mark.django_db(transaction=True)
async def test_async_token_lookup(db):
    from asgiref.sync import sync_to_async

    community = await sync_to_async(services.community_create)(name="Async RP")
    token, raw = await sync_to_async(services.token_create)(community=community)
    assert (await services.atoken_authenticate(raw)).pk == token.pk
    assert await services.atoken_authenticate("cad_nope") is None
