#!/usr/bin/env python3
"""Writes the SYNTHETIC follow-up sample: zones.geojson (three fictional patrol zones
as circles) and patrols.csv (an invented patrol log for 2026). Deterministic (seed 2021):
    python3 data/vingaker/make_followup_sample.py
"""
import json, random
from datetime import datetime, timedelta
from pathlib import Path

here = Path(__file__).parent
zones = [
    ("Torget (fiktiv)", 15.87, 59.045, 250),
    ("Resecentrum (fiktiv)", 15.863902, 59.048411, 250),
    ("Fritidsgården Fyren (fiktiv)", 15.877317, 59.042666, 200),
]
fc = {"type": "FeatureCollection",
      "name": "SYNTHETIC patrol zones (invented)",
      "features": [{"type": "Feature",
                    "properties": {"name": n, "radius": r, "synthetic": True},
                    "geometry": {"type": "Point", "coordinates": [lon, lat]}}
                   for n, lon, lat, r in zones]}
(here / "zones.geojson").write_text(json.dumps(fc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

rng = random.Random(2021)
rows = ["zone,start,end,crew,kind"]
day = datetime(2026, 1, 1)
while day < datetime(2026, 12, 1):
    for name, *_ in zones[:2]:
        if rng.random() < 0.5:
            start = day + timedelta(hours=rng.choice([18, 19, 20, 21, 22]), minutes=rng.randrange(0, 60, 5))
            mins = rng.choice([10, 12, 15, 15, 45, 90])
            rows.append(f"{name},{start:%Y-%m-%dT%H:%M},{start + timedelta(minutes=mins):%Y-%m-%dT%H:%M},"
                        f"{rng.choice(['A1', 'A2'])},patrol")
    if day.day == 15:
        s = day + timedelta(hours=18)
        rows.append(f"{zones[2][0]},{s:%Y-%m-%dT%H:%M},{s + timedelta(minutes=120):%Y-%m-%dT%H:%M},,meeting")
    day += timedelta(days=1)
(here / "patrols.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
