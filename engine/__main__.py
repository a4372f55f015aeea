"""Entry point of ``python -m engine``."""

import logging
import os
import sys

from .cli import main
from .errors import CancelledError

code = main()
if code == CancelledError.exit_code:
    # A cancelled run has removed its temporary files and has nothing left to write; end
    # now rather than after the interpreter's teardown (a second or more with torch loaded),
    # so that a cancel ends the process within the plugin's patience.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
