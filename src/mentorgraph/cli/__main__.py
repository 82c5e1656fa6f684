"""`python -m mentorgraph.cli`: the same as the `mentorgraph` command."""

import sys

from . import main

sys.exit(main())
