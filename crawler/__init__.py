"""newsarchive: an archival crawler for regional news portals."""

import logging

__version__ = "0.1.0"
__all__ = ["__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Credentials in MONGO_URI must never reach a log line, whichever library writes it.
from crawler import logredact  # noqa: E402

logredact.install()
