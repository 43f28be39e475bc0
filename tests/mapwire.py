"""The map component's points as mapview.js reads them: one row per point on the wire,
[lon, lat, place, style index, tooltip, popup, id], each distinct style once."""

from __future__ import annotations


def features(points: dict) -> list[dict]:
    """The wire's rows as the Leaflet features the map draws (a null popup or id is absent)."""
    out = []
    for lon, lat, place, style, tooltip, popup, pid in points["rows"]:
        props = {"place": place, "style": points["styles"][style], "tooltip": tooltip}
        if popup is not None:
            props["popup"] = popup
        if pid is not None:
            props["id"] = pid
        out.append({"geometry": {"coordinates": [lon, lat]}, "properties": props})
    return out
