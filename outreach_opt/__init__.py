"""outreach-opt: weekly rosters for specialists who serve several hospitals.

Library code logs to the ``outreach_opt`` logger and installs no handler; the CLI does.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
