"""A small GTK 3 window that offers files for dragging the way a file manager does: pressing on its
button and moving the pointer starts a real X drag carrying the files' URIs. The WebDriver suite
drives it with xdotool, since WebDriver cannot drag between windows.

Run with the system Python, which has GTK's bindings (Debian's python3-gi and gir1.2-gtk-3.0):
    /usr/bin/python3 drag_source.py X Y FILE...
It places itself at X, Y and prints "ready" once it is on the screen."""

import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> None:
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [Path(path).resolve().as_uri() for path in sys.argv[3:]]
    window = Gtk.Window(title="Hearth drag source")
    window.set_default_size(160, 60)
    window.move(x, y)
    button = Gtk.Button(label=f"{len(uris)} file(s)")
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()
    button.connect("drag-data-get", lambda _widget, _context, data, _info, _time: data.set_uris(uris))
    window.add(button)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()

    def announce() -> bool:
        print("ready", flush=True)
        return False

    GLib.timeout_add(300, announce)
    Gtk.main()


if __name__ == "__main__":
    main()
