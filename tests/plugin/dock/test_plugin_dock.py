"""initGui adds the dock (hidden) and its toggle action; unload removes them."""

from __future__ import annotations


def test_init_gui_adds_the_dock_and_unload_removes_it(iface, monkeypatch, plugin_package):
    removed = []
    monkeypatch.setattr(iface, "removePluginMenu", lambda menu, a: removed.append(a),
                        raising=False)
    monkeypatch.setattr(iface, "removeToolBarIcon", lambda a: removed.append(a),
                        raising=False)
    plugin = plugin_package.classFactory(iface)
    plugin.initGui()
    dock, action = plugin.dock, plugin.dock_action
    assert dock is not None and dock.isHidden()
    assert action.isCheckable() and action.text() == "Road extraction dock"
    plugin.unload()
    assert plugin.dock is None and removed.count(action) == 2
