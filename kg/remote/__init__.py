"""Remote SPARQL stores: query them, push the graph to them, validate what they hold.

Only the standard protocols are used (SPARQL 1.1 Protocol for queries, the Graph Store HTTP
Protocol for uploads), so any SPARQL 1.1 server will do: Oxigraph server, Apache Jena Fuseki,
GraphDB, QLever, Virtuoso.
"""

from __future__ import annotations

from kg.remote.auth import Credentials
from kg.remote.endpoint import RemoteGraph
from kg.remote.fetch import load_remote
from kg.remote.push import PushReport, push
from kg.remote.retry import RetryPolicy

__all__ = ["Credentials", "PushReport", "RemoteGraph", "RetryPolicy", "load_remote", "push"]
