"""``kg serve``: the graph published as linked data, safe to expose on the public internet.

Every query (SPARQL endpoint, saved queries, entity pages) runs in a worker process that is
killed when it passes the time limit, because Oxigraph cannot interrupt a query from Python.
Requests wait for a worker in bounded lines (:mod:`kg.server.admission`), answers are cut at a
row and a byte limit, and what a query may do is decided by Oxigraph's own parser
(:mod:`kg.server.guard`), with the workers cut off from the network where the system allows it
(:mod:`kg.server.isolation`). Nothing the server does on behalf of a request reaches the network.
"""

from kg.server.app import create_app
from kg.server.settings import Settings

__all__ = ["Settings", "create_app"]
