"""`python -m songbird_gui` starts the window, like `songbird-gui`."""

import sys

from songbird_gui.ui.launch import main

sys.exit(main())
