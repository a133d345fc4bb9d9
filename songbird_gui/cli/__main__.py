"""`python -m songbird_gui.cli`: the command line, like `songbird`."""

import sys

from songbird_gui.cli import main

sys.exit(main())
