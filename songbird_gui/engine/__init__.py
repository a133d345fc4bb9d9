"""The engine, on QtCore only: a run (`SyncSession`) on a thread pool whose workers report
back by signals, observed alike by the window and the command line; schedules and the writer
lock."""
