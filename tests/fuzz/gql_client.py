"""A standard Python GraphQL client against Lyceum: fetch the schema by introspection, then
subscribe over graphql-transport-ws authenticated only by the upgrade request's header, and
see the event of a write made after subscribing. Usage: gql_client.py BASE_URL KEY SPACE."""

import asyncio
import json
import sys
import urllib.request

from gql import Client, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.websockets import WebsocketsTransport


async def main(base: str, key: str, space: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    http = AIOHTTPTransport(url=f"{base}/graphql", headers=headers)
    async with Client(transport=http, fetch_schema_from_transport=True) as session:
        schema = session.client.schema
        assert schema is not None and "Space" in schema.type_map, "no schema"
        print(f"schema: {len(schema.type_map)} types")

    socket = WebsocketsTransport(
        url=base.replace("http", "ws", 1) + "/graphql", headers=headers
    )
    async with Client(transport=socket) as session:
        query = gql('subscription { events(types: ["MemberAdded"]) { eventType position } }')
        events = session.subscribe(query)
        # The first message can only come after the subscription is taken in; writing until
        # one arrives needs no guess at how long that takes.
        first = asyncio.ensure_future(events.__anext__())
        n = 0
        while not first.done():
            n += 1
            body = json.dumps({"email": f"gql{n}@example.org", "display_name": "Gql"})
            request = urllib.request.Request(
                f"{base}/v1/spaces/{space}/members",
                data=body.encode(),
                headers={**headers, "Content-Type": "application/json"},
            )
            await asyncio.get_running_loop().run_in_executor(None, urllib.request.urlopen, request)
            await asyncio.wait([first], timeout=0.5)
        event = first.result()
        assert event["events"]["eventType"] == "MemberAdded", event
        print(f"event: {event}")


asyncio.run(asyncio.wait_for(main(*sys.argv[1:4]), 60))
