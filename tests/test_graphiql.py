"""GraphiQL is kamgraph's own and works offline: the page names no other host, and every asset it names is
served here, byte for byte what its integrity hash promises."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from kamgraph.app import create_app

LINKS = re.compile(r'(?:src|href)="([^"]+)"(?: integrity="sha384-([^"]+)")?')


async def test_the_page_and_every_asset_it_names_come_from_this_server(gql):
    page = await gql.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<title>kamgraph GraphiQL</title>" in html and "strawberry" not in html.lower()
    assert not re.search(r"(?<![\w.])(?:https?:)?//", html.replace("http://www.w3.org", "")), "no other host"
    assert 'login(input: {email: \\"ka-director@demo.kamgraph\\"' in html  # the welcome query logs in

    links = [(url, digest) for url, digest in LINKS.findall(html) if url != "data:,"]
    assert len(links) == 6 and all(url.startswith("/graphiql/") and digest for url, digest in links), links
    for url, digest in links:
        asset = await gql.http.get(url)
        assert asset.status_code == 200, url
        expected = "text/css" if url.endswith(".css") else "javascript"
        assert expected in asset.headers["content-type"], (url, asset.headers["content-type"])
        assert base64.b64encode(hashlib.sha384(asset.content).digest()).decode() == digest, url


@pytest.fixture
def production_app(settings, pm):
    return create_app(settings.with_(env="production"), pm)


async def test_production_serves_neither_the_page_nor_its_assets(production_app, gql):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=production_app), base_url="http://x") as client:
        assert (await client.get("/graphiql/graphiql.min.js")).status_code == 404
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert "graphiql" not in page.text.lower()
