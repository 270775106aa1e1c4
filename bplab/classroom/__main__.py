"""``python -m bplab.classroom gradescope|hub-link|report ...`` (also under ``python -m bplab``)."""

import sys

from .cli import main

sys.exit(main())
