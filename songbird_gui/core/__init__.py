"""The core: Songbird's domain in pure Python, no Qt (types, matching, planning, throttling,
the match store, pairs and the writers), importable and testable without a display."""
