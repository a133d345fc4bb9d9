"""A stand-in for the desktop's notification service (org.freedesktop.Notifications), on a
private session bus, for tests/ui/test_desktop_notifications.py.

It answers Notify with an id (as a real service does, uint32), prints what it was sent as one
JSON line, and then says the notification was clicked (ActionInvoked id "default"), as a
person clicking it would make the real service say. jeepney: keyring's own D-Bus library.
"""

from __future__ import annotations

import json
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTROSPECTION = """<node><interface name="org.freedesktop.Notifications">
<method name="Notify"><arg direction="in" type="s"/><arg direction="in" type="u"/>
<arg direction="in" type="s"/><arg direction="in" type="s"/><arg direction="in" type="s"/>
<arg direction="in" type="as"/><arg direction="in" type="a{sv}"/><arg direction="in" type="i"/>
<arg direction="out" type="u"/></method>
<signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
</interface></node>"""


def main() -> None:
    connection = open_dbus_connection(bus="SESSION")
    connection.send_and_get_reply(message_bus.RequestName(NAME))
    print("ready", flush=True)
    next_id = 41
    while True:
        message = connection.receive()
        if message.header.message_type is not MessageType.method_call:
            continue
        member = message.header.fields.get(HeaderFields.member)
        if member == "Introspect":
            connection.send(new_method_return(message, "s", (INTROSPECTION,)))
        elif member == "Notify":
            next_id += 1
            connection.send(new_method_return(message, "u", (next_id,)))
            app, _, _, title, body, actions, _, _ = message.body
            print(json.dumps([app, title, body, actions, next_id]), flush=True)
            clicked = new_signal(DBusAddress(PATH, interface=NAME), "ActionInvoked", "us",
                                 (next_id, "default"))  # fmt: skip
            connection.send(clicked)


if __name__ == "__main__":
    sys.exit(main())
