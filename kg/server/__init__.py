"""``kg serve``: the graph published as linked data, safe to expose on the public internet.

Every query (SPARQL endpoint, saved queries, entity pages) runs in a worker process that is
killed when it passes the time limit, because Oxigraph cannot interrupt a query from Python.
Nothing the server does on behalf of a request reaches the network.
"""

from kg.server.app import create_app
from kg.server.settings import Settings

__all__ = ["Settings", "create_app"]
