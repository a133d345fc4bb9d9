"""One adapter per music service (the demo's, Spotify, YouTube Music) behind the protocol of
`core/service.py`, and the accounts and secrets they are built from."""
