"""The frozen bundle's entry point: the same as `songbird-gui`."""

import sys

from songbird_gui.ui.launch import main

sys.exit(main())
