"""GraphiQL, served by kamgraph itself: the page at ``GET /graphql`` (for a browser) and its assets at
``/graphiql/``, so that it works offline and air-gapped, where a department's internal system usually runs.

The assets are the npm packages strawberry's own page loads from a CDN, at the same versions and with the
same Subresource Integrity hashes, vendored in ``kamgraph/static/vendor/graphiql/`` (their licences beside them):

| file | npm package |
|---|---|
| ``react.production.min.js`` | react 18.2.0 (``umd/``) |
| ``react-dom.production.min.js`` | react-dom 18.2.0 (``umd/``) |
| ``graphiql.min.js``, ``graphiql.min.css`` | graphiql 3.8.3 (it bundles the graphql-ws client) |
| ``plugin-explorer.umd.js``, ``plugin-explorer.css`` | @graphiql/plugin-explorer 1.0.2 (``dist/``) |

To upgrade: ``npm pack`` the new versions, copy the same files, and update ``ASSETS`` (the hashes are
``openssl dgst -sha384 -binary FILE | base64``); ``tests/test_graphiql.py`` checks every hash.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.staticfiles import StaticFiles

FOLDER = Path(__file__).parent.parent / "static" / "vendor" / "graphiql"
PREFIX = "/graphiql"

#: file -> its sha384 (Subresource Integrity), in the order the page loads them
ASSETS = {
    "graphiql.min.css": "Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    "plugin-explorer.css": "5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi",
    "react.production.min.js": "tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    "react-dom.production.min.js": "bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
    "graphiql.min.js": "HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    "plugin-explorer.umd.js": "2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9",
}

WELCOME = """# kamgraph: the key-account API.
#
# 1. Run this mutation (the play button, or Ctrl-Enter) to log in.
# 2. Copy the token into the Headers pane below:  {"Authorization": "Bearer kgs_..."}
# 3. Then ask, for example:  { accounts(first: 5) { edges { node { name tier } } } }
#
# The Docs pane (top left) describes every type, field and argument.
mutation LogIn {
  login(input: {email: "ka-director@demo.kamgraph", password: "kamgraph-demo"}) {
    token
    expiresAt
    userErrors { field code message }
  }
}
"""


def _tag(name: str) -> str:
    integrity = f'integrity="sha384-{ASSETS[name]}"'
    if name.endswith(".css"):
        return f'<link rel="stylesheet" href="{PREFIX}/{name}" {integrity} />'
    return f'<script src="{PREFIX}/{name}" {integrity}></script>'


def page() -> str:
    """The GraphiQL page: kamgraph's name and welcome query, every asset from this server."""
    head = "\n    ".join(_tag(name) for name in ASSETS if name.endswith(".css") or name.startswith("react"))
    body = "\n    ".join(_tag(name) for name in ASSETS if name.endswith(".js") and not name.startswith("react"))
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>kamgraph GraphiQL</title>
    <link rel="icon" href="data:," />
    <style>
      body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }}
      #graphiql {{ height: 100vh; display: flex; }}
    </style>
    {head}
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading kamgraph GraphiQL…</div>
    {body}
    <script>
      const url = window.location.href.split("?")[0];
      const subscriptionUrl = url.replace(/^http/, "ws");
      const fetcher = GraphiQL.createFetcher({{ url, subscriptionUrl }});
      const explorer = GraphiQLPluginExplorer.explorerPlugin();
      const root = ReactDOM.createRoot(document.getElementById("graphiql"));
      root.render(
        React.createElement(GraphiQL, {{
          fetcher,
          plugins: [explorer],
          defaultQuery: {json.dumps(WELCOME)},
          defaultEditorToolsVisibility: true,
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: true,
          inputValueDeprecation: true,
        }}),
      );
    </script>
  </body>
</html>
"""


def assets() -> StaticFiles:
    """The vendored files, mounted at ``/graphiql``."""
    return StaticFiles(directory=FOLDER)
