"""The project's own local database: a patched FerretDB 1.24 with the SQLite backend."""

from crawler.localdb.build import LocalDBError, build
from crawler.localdb.server import LocalServer, free_port

__all__ = ["LocalDBError", "LocalServer", "build", "free_port"]
