"""The window, on QtWidgets: `songbird-gui`, its parts and dialogs, the tray and what the
desktop needs (launcher, autostart, platform check)."""
