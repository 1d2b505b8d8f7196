#!/usr/bin/env python3
"""Generates west-yorkshire-street-synthetic.csv: a SYNTHETIC file in the layout of
the UK police open-data "street" CSV (data.police.uk), with positions around Leeds
and Bradford. No row describes a real crime. Deterministic: `python3 generate.py`
rewrites the same bytes."""
import hashlib
import random

rng = random.Random(20240301)
centres = [  # (name, lon, lat, share)
    ("Leeds", -1.5491, 53.7997, 0.55),
    ("Bradford", -1.7594, 53.7950, 0.35),
    ("Wakefield", -1.4977, 53.6830, 0.10),
]
streets = ["Briggate", "Boar Lane", "Kirkgate", "Wellington Street", "Manningham Lane",
           "Leeds Road", "Thornton Road", "Westgate", "Park Lane", "Station Road",
           "Sports/Recreation Area", "Parking Area", "Shopping Area", "Petrol Station"]
types = [("Anti-social behaviour", 0.28), ("Violence and sexual offences", 0.30),
         ("Criminal damage and arson", 0.08), ("Shoplifting", 0.08), ("Public order", 0.08),
         ("Vehicle crime", 0.05), ("Burglary", 0.04), ("Other theft", 0.04), ("Drugs", 0.02),
         ("Robbery", 0.01), ("Theft from the person", 0.01), ("Bicycle theft", 0.005),
         ("Possession of weapons", 0.005)]
outcomes = ["Investigation complete; no suspect identified", "Unable to prosecute suspect",
            "Under investigation", "Status update unavailable", "Awaiting court outcome"]


def pick(pairs):
    r = rng.random() * sum(p[-1] for p in pairs)
    for p in pairs:
        r -= p[-1]
        if r <= 0:
            return p
    return pairs[-1]


rows = []
for month in ["2024-01", "2024-02", "2024-03"]:
    for i in range(120):
        name, lon0, lat0, _ = pick(centres)
        ctype = pick(types)[0]
        crime_id = "" if ctype == "Anti-social behaviour" else hashlib.sha256(
            f"{month}-{i}".encode()).hexdigest()
        outcome = "" if ctype == "Anti-social behaviour" else rng.choice(outcomes)
        lsoa_n = rng.randint(1, 120)
        if rng.random() < 0.04:
            lon = lat = ""
            location = "No Location"
            lsoa_code = lsoa_name = ""
        else:
            lon = f"{lon0 + rng.gauss(0, 0.02):.6f}"
            lat = f"{lat0 + rng.gauss(0, 0.012):.6f}"
            location = f"On or near {rng.choice(streets)}"
            lsoa_code = f"E0101{1000 + lsoa_n:04d}"
            lsoa_name = f"{name} {lsoa_n:03d}{'ABCDE'[rng.randint(0, 4)]}"
        rows.append([crime_id, month, "West Yorkshire Police", "West Yorkshire Police",
                     lon, lat, location, lsoa_code, lsoa_name, ctype, outcome, ""])

header = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
          "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
with open("west-yorkshire-street-synthetic.csv", "w", newline="") as f:
    f.write(",".join(header) + "\n")
    for r in rows:
        f.write(",".join(r) + "\n")
