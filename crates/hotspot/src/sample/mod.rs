//! A seeded, deterministic generator of a synthetic Vingåker-like incident scene, with schools, for examples, tests and benchmarks.
//!
//! **Everything here is synthetic.** The municipality boundary is real (see
//! [`VINGAKER_BOUNDARY_GEOJSON`]); the places (schools, roads, elderly housing,
//! station, youth centre, villages) are invented, and their names end in
//! "(fiktiv)". No incident is real.
//!
//! # The scene
//! [`Scene::vingaker`] builds the scene: six components with fixed shares of
//! all incidents, each with a spatial mix of kernels, a daily and weekly
//! rhythm, and a mix of raw Swedish police categories that the default
//! [`CategoryTable`] maps to the component's problem area.
//!
//! | component | share | where | when |
//! |---|---|---|---|
//! | violence | 18 % | the square, the station, the youth centre; the town; villages | evenings and nights, 3x in the nights after Friday and Saturday |
//! | youth at risk | 10 % | youth centre, station, the 7-9 school and the gymnasium; the town | after school, afternoons and evenings |
//! | vandalism | 24 % | around the six schools (7-9 and gymnasium most), the station; the town; villages | out of school hours, more in holidays and weekends |
//! | reckless traffic | 16 % | along the two main roads, two speeding spots | evenings, Friday and Saturday, May-August |
//! | fraud against the elderly | 7 % | three elderly homes; the town | weekday office hours |
//! | background | 25 % | half uniform over the municipality, half town and villages | flat over all hours |
//!
//! Incidents are spread over **2025-01-01 to 2026-12-31** (the two years of the
//! citizen promise, whatever the date of generation, so output is reproducible),
//! local time Europe/Stockholm with its UTC offset; the hour missing at the
//! spring clock change is never generated, and the repeated autumn hour is
//! always the first (`+02:00`). School hours are 08-16 on school days of an
//! approximate Swedish 2025-2026 school calendar (holidays listed in the
//! source). The planted hotspots (Gaussian, sigma 50-150 m) are exposed by
//! [`Scene::hotspots`] so that clustering benchmarks can count how many each
//! method recovers.
//!
//! Incidents that are usually found rather than seen (vandalism, graffiti, burglary, vehicle theft)
//! are written, when they fall outside weekday 07-16 and with a per-category chance, as an interval
//! "between the last weekday 16:00 and the next weekday 07:00 (+0-45 min)": `datetime` is then the
//! earliest time and the last column, `senast`, the latest (empty for exact times); see
//! `Scene::found_later`. The interval draws use their own hash of the seed and row id, so the rows'
//! positions, categories and the other times do not depend on them.
//!
//! Every point lies inside the municipality boundary, at least 5 m from it
//! (rejection sampling on a cell grid). Positions are rounded to 1e-6 degrees
//! (about 0.1 m), and in-memory incidents are projected from exactly those
//! rounded values, so [`Scene::generate`] and reading the CSV of
//! [`Scene::write_csv`] give the same incidents.
//!
//! # Determinism and speed
//! Rows are generated in chunks of 16,384; chunk `k` draws from ChaCha8 seeded
//! with the seed, stream `k`. The output depends only on the seed and `n`: not
//! on the thread count, and a smaller `n` gives a prefix of a larger one. Chunks
//! are generated in parallel (rayon) and written in order, so the CSV streams
//! with bounded memory.
//!
//! Measured (release build, 2-core machine shared with other builds, load
//! average 18): `/usr/bin/time hotspot --threads 2 sample --out /dev/shm/s --n 10000000`
//! wrote 10 million rows (668 MB) with 4.9 s user + 0.8 s system CPU time
//! (26 s wall because of the load; peak memory 18 MB); `--n 0` (building the
//! scene) takes 0.03-0.05 s of CPU. Criterion benches: `cargo bench -p hotspot-benches --bench sample`.
//!
//! # Example
//! ```
//! use hotspot::sample::Scene;
//! let scene = Scene::vingaker(7)?;
//! let inc = scene.generate(500)?;
//! assert_eq!(inc.len(), 500);
//! let mut csv = Vec::new();
//! scene.write_csv(3, &mut csv)?;
//! let text = String::from_utf8(csv).unwrap();
//! assert!(text.starts_with("id,datetime,latitude,longitude,category,senast\n1,202"));
//! # Ok::<(), hotspot::Error>(())
//! ```

mod calendar;
mod mask;
mod perception;
mod scene;

pub use perception::{PERCEPTION_SEED, UNDERPASS_OFFSET_M};
pub use scene::{Place, PlaceKind, Road, SchoolLevel};

use crate::categories::{CategoryTable, ProblemArea};
use crate::crs::{Crs, Projector};
use crate::error::{Error, Result};
use crate::incident::{IncidentRecord, Incidents, IncidentsBuilder};
use crate::study_area::StudyArea;
use crate::time::{IncidentTime, TimeResolution};
use calendar::Calendar;
use mask::{LocalFrame, Mask};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use scene::{CENTRE, Component, Kernel, PLACES, ROADS};
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

/// The Vingåker municipality boundary (WGS84 lon/lat GeoJSON), from the okfse
/// "sweden-geojson" collection (municipality 0428), simplified; the collection
/// says it may be reused freely and states no formal licence.
pub const VINGAKER_BOUNDARY_GEOJSON: &str = include_str!("vingaker_boundary.geojson");

/// Header of the CSV written by [`Scene::write_csv`].
pub const CSV_HEADER: &str = "id,datetime,latitude,longitude,category,senast";

/// Categories that are usually found afterwards rather than seen, with the chance (per mille) that
/// a generated record of them is written as an interval ([`Scene::write_csv`]'s `senast`).
const FOUND_LATER: &[(&str, u64)] = &[
    ("Skadegörelse", 700),
    ("Klotter", 700),
    ("Inbrott", 800),
    ("Motorfordon, stöld", 600),
];
/// How far (hours) the generator looks back for "last seen intact" and forward for "found".
const FOUND_MAX_HOURS: usize = 5 * 24;

/// Rows per chunk; chunk `k` uses ChaCha8 stream `k`. Changing it changes the data.
const CHUNK: u64 = 16_384;
/// Largest `n` for [`Scene::generate`] (memory: about 100 bytes per incident).
pub const MAX_IN_MEMORY: usize = 20_000_000;
/// Largest `n` for [`Scene::write_csv`] (about 60 bytes per row on disk).
pub const MAX_CSV_ROWS: u64 = 1_000_000_000;
/// Minimum distance (m) of every generated point from the boundary.
const MARGIN_M: f64 = 5.0;

/// A planted hotspot: a place around which incidents are drawn from an
/// isotropic Gaussian with standard deviation `sigma_m`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlantedHotspot {
    /// The place's invented name.
    pub name: &'static str,
    /// What the place is.
    pub kind: PlaceKind,
    /// Longitude of the centre (WGS84 degrees).
    pub lon: f64,
    /// Latitude of the centre (WGS84 degrees).
    pub lat: f64,
    /// Standard deviation of the Gaussian in metres (about 86 % of its incidents lie within 2 sigma).
    pub sigma_m: f64,
    /// Expected share of all incidents drawn from this hotspot, per problem
    /// area (areas with no share are left out), in [`ProblemArea::ALL`] order.
    pub shares: Vec<(ProblemArea, f64)>,
}

impl PlantedHotspot {
    /// Expected share of all incidents drawn from this hotspot.
    pub fn expected_share(&self) -> f64 {
        self.shares.iter().map(|s| s.1).sum()
    }
}

/// (area, share, categories with weights) of a component.
type ComponentDef = (Option<ProblemArea>, f64, Vec<(&'static str, f64)>);

struct CompTables {
    share_cdf_index: usize,
    slot_cdf: Vec<f64>,
    kernel_cdf: Vec<f64>,
    kernels: Vec<Kernel>,
    cat_cdf: Vec<f64>,
    cats: Vec<u16>,
}

/// One generated row, before formatting.
#[derive(Clone, Copy, Debug)]
struct Row {
    slot: u32,
    secs: u16,
    lat_u: i64,
    lon_u: i64,
    cat: u16,
    /// For a record written as an interval: the slot of its `from` (at :00:00), the slot of its
    /// `to` and the seconds after that slot's start ([`Scene::found_later`]).
    found: Option<(u32, u32, u16)>,
}

/// SplitMix64 (Steele, Lea & Flood 2014): a fixed 64-bit mix, so that the interval draws do not
/// consume the row generator's ChaCha8 stream (rows stay as they were without intervals).
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The synthetic Vingåker-like scene and its seeded generator.
///
/// Build once with [`Scene::vingaker`] (tens of milliseconds: calendar, boundary grid),
/// then generate as often as needed. `Scene` is `Send + Sync`.
pub struct Scene {
    seed: u64,
    frame: LocalFrame,
    mask: Mask,
    cal: Calendar,
    comps: Vec<CompTables>,
    comp_cdf: Vec<f64>,
    categories: Vec<&'static str>,
    cat_csv: Vec<String>,
    /// Per category: the chance (per mille) that a record is an interval; see [`FOUND_LATER`].
    found_pm: Vec<u64>,
    roads: Vec<(Vec<[f64; 2]>, Vec<f64>)>,
    places: Vec<Place>,
    hotspots: Vec<PlantedHotspot>,
    component_defs: Vec<ComponentDef>,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scene")
            .field("seed", &self.seed)
            .field("places", &self.places.len())
            .field("hotspots", &self.hotspots.len())
            .finish_non_exhaustive()
    }
}

fn cdf(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    let mut v: Vec<f64> = weights
        .into_iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    if acc > 0.0 {
        for x in &mut v {
            *x /= acc;
        }
    }
    v
}

/// Index of the first cdf entry > u (u in [0, last)).
fn pick(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c <= u)
        .min(cdf.len().saturating_sub(1))
}

fn boundary_rings_lonlat() -> Result<Vec<Vec<[f64; 2]>>> {
    let bad = |m: String| Error::Parse {
        path: "<embedded Vingåker boundary>".into(),
        line: None,
        message: m,
    };
    let gj: geojson::GeoJson = VINGAKER_BOUNDARY_GEOJSON
        .parse()
        .map_err(|e| bad(format!("{e}")))?;
    let g: geo::Geometry<f64> = gj.try_into().map_err(|e| bad(format!("{e}")))?;
    let mut rings = Vec::new();
    fn collect(g: &geo::Geometry<f64>, rings: &mut Vec<Vec<[f64; 2]>>) {
        let mut poly = |p: &geo::Polygon<f64>| {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                rings.push(r.coords().map(|c| [c.x, c.y]).collect());
            }
        };
        match g {
            geo::Geometry::Polygon(p) => poly(p),
            geo::Geometry::MultiPolygon(mp) => mp.iter().for_each(poly),
            geo::Geometry::GeometryCollection(gc) => gc.iter().for_each(|g| collect(g, rings)),
            _ => {}
        }
    }
    collect(&g, &mut rings);
    if rings.is_empty() {
        return Err(bad("no polygon in the boundary".into()));
    }
    Ok(rings)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Writes a micro-degree integer as a decimal with 6 places.
fn push_micro(buf: &mut Vec<u8>, v: i64) {
    if v < 0 {
        buf.push(b'-');
    }
    let a = v.unsigned_abs();
    push_u64(buf, a / 1_000_000);
    buf.push(b'.');
    let f = a % 1_000_000;
    let mut d = 100_000;
    while d > 0 {
        buf.push(b'0' + ((f / d) % 10) as u8);
        d /= 10;
    }
}

fn two(buf: &mut Vec<u8>, v: u16) {
    buf.push(b'0' + (v / 10) as u8);
    buf.push(b'0' + (v % 10) as u8);
}

impl Scene {
    /// The Vingåker-like scene with this seed.
    ///
    /// # Errors
    /// [`Error::Parse`] only if the embedded boundary could not be read (a build defect).
    pub fn vingaker(seed: u64) -> Result<Scene> {
        let frame = LocalFrame::new(CENTRE[0], CENTRE[1]);
        let rings: Vec<Vec<[f64; 2]>> = boundary_rings_lonlat()?
            .into_iter()
            .map(|r| r.into_iter().map(|p| frame.to_local(p[0], p[1])).collect())
            .collect();
        let mask = Mask::new(rings, MARGIN_M, 250.0);
        let cal = Calendar::new();
        let defs: Vec<Component> = scene::components();
        let mut categories: Vec<&'static str> = Vec::new();
        let mut comps = Vec::new();
        for (ci, c) in defs.iter().enumerate() {
            let cats = c
                .categories
                .iter()
                .map(|&(name, _)| {
                    let idx = categories
                        .iter()
                        .position(|&n| n == name)
                        .unwrap_or_else(|| {
                            categories.push(name);
                            categories.len() - 1
                        });
                    idx as u16
                })
                .collect();
            comps.push(CompTables {
                share_cdf_index: ci,
                slot_cdf: calendar::slot_cdf(&cal, c.rhythm),
                kernel_cdf: cdf(c.kernels.iter().map(|k| k.1)),
                kernels: c.kernels.iter().map(|k| k.0).collect(),
                cat_cdf: cdf(c.categories.iter().map(|k| k.1)),
                cats,
            });
        }
        let comp_cdf = cdf(defs.iter().map(|c| c.share));
        let lonlat = |x: f64, y: f64| {
            let [lon, lat] = frame.to_lonlat(x, y);
            [(lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6]
        };
        let places: Vec<Place> = PLACES
            .iter()
            .map(|&(name, kind, level, x, y)| {
                let [lon, lat] = lonlat(x, y);
                Place {
                    name,
                    kind,
                    level,
                    lon,
                    lat,
                }
            })
            .collect();
        let roads = ROADS
            .iter()
            .map(|(_, pts)| {
                let pts = pts.to_vec();
                let lens = cdf(pts
                    .windows(2)
                    .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])));
                (pts, lens)
            })
            .collect();
        // Planted hotspots: one per place used by a Hotspot kernel.
        let mut hotspots: Vec<PlantedHotspot> = Vec::new();
        for c in &defs {
            let wsum: f64 = c.kernels.iter().map(|k| k.1).sum();
            for &(k, w) in &c.kernels {
                if let Kernel::Hotspot(pi, sigma) = k {
                    let share = c.share * w / wsum;
                    let area = c.area.unwrap_or(ProblemArea::Other);
                    let p = &places[pi];
                    match hotspots.iter_mut().find(|h| h.name == p.name) {
                        Some(h) => {
                            h.sigma_m = h.sigma_m.max(sigma);
                            match h.shares.iter_mut().find(|s| s.0 == area) {
                                Some(s) => s.1 += share,
                                None => h.shares.push((area, share)),
                            }
                            h.shares.sort_by_key(|s| s.0);
                        }
                        None => hotspots.push(PlantedHotspot {
                            name: p.name,
                            kind: p.kind,
                            lon: p.lon,
                            lat: p.lat,
                            sigma_m: sigma,
                            shares: vec![(area, share)],
                        }),
                    }
                }
            }
        }
        let component_defs = defs
            .iter()
            .map(|c| (c.area, c.share, c.categories.to_vec()))
            .collect();
        Ok(Scene {
            seed,
            frame,
            mask,
            cal,
            comps,
            comp_cdf,
            cat_csv: categories.iter().map(|c| csv_field(c)).collect(),
            found_pm: categories
                .iter()
                .map(|c| FOUND_LATER.iter().find(|f| f.0 == *c).map_or(0, |f| f.1))
                .collect(),
            categories,
            roads,
            places,
            hotspots,
            component_defs,
        })
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// All fictional places (schools, station, youth centre, elderly housing, villages, road spots).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The schools (places of kind [`PlaceKind::School`]).
    pub fn schools(&self) -> impl Iterator<Item = &Place> {
        self.places.iter().filter(|p| p.kind == PlaceKind::School)
    }

    /// The fictional main roads.
    pub fn roads(&self) -> Vec<Road> {
        ROADS
            .iter()
            .map(|(name, pts)| Road {
                name,
                lonlat: pts
                    .iter()
                    .map(|p| {
                        let [lon, lat] = self.frame.to_lonlat(p[0], p[1]);
                        [(lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6]
                    })
                    .collect(),
            })
            .collect()
    }

    /// The planted hotspots (places with a Gaussian cluster), in order of first use.
    pub fn hotspots(&self) -> &[PlantedHotspot] {
        &self.hotspots
    }

    /// The raw categories the generator writes, in order of first use.
    pub fn categories(&self) -> &[&'static str] {
        &self.categories
    }

    /// Expected share of incidents per problem area (indexed by
    /// [`ProblemArea::index`]) once classified with `table`.
    pub fn expected_area_shares(&self, table: &CategoryTable) -> [f64; 6] {
        let mut out = [0.0; 6];
        let total: f64 = self.component_defs.iter().map(|c| c.1).sum();
        for (_, share, cats) in &self.component_defs {
            let csum: f64 = cats.iter().map(|c| c.1).sum();
            for (name, w) in cats {
                let area = table
                    .lookup(name)
                    .map(|e| e.area)
                    .unwrap_or(table.unknown().0);
                out[area.index()] += share / total * w / csum;
            }
        }
        out
    }

    /// The municipality boundary as a study area in `crs` metres.
    ///
    /// # Errors
    /// [`Error::Crs`] / [`Error::Projection`] when `crs` is not metric or a vertex cannot be projected.
    pub fn study_area(&self, crs: Crs) -> Result<StudyArea> {
        let proj = Projector::new(crs)?;
        let mut polys = Vec::new();
        let rings = boundary_rings_lonlat()?;
        let mut ext: Option<geo::LineString<f64>> = None;
        let mut holes = Vec::new();
        for (i, r) in rings.iter().enumerate() {
            let mut pts = Vec::with_capacity(r.len());
            for p in r {
                let [x, y] = proj.to_metres(p[0], p[1])?;
                pts.push((x, y));
            }
            let ls = geo::LineString::from(pts);
            // The embedded boundary has one exterior ring and no holes; treat
            // any further ring as a hole of the first.
            if i == 0 {
                ext = Some(ls);
            } else {
                holes.push(ls);
            }
        }
        if let Some(e) = ext {
            polys.push(geo::Polygon::new(e, holes));
        }
        StudyArea::new(geo::MultiPolygon::new(polys)).ok_or_else(|| Error::Parse {
            path: "<embedded Vingåker boundary>".into(),
            line: None,
            message: "the boundary has no area".into(),
        })
    }

    fn sample_point(&self, k: Kernel, rng: &mut ChaCha8Rng) -> [f64; 2] {
        fn normal2(rng: &mut ChaCha8Rng, s: f64) -> [f64; 2] {
            let u1 = 1.0 - rng.random::<f64>();
            let u2 = rng.random::<f64>();
            let r = (-2.0 * u1.ln()).sqrt() * s;
            let t = std::f64::consts::TAU * u2;
            [r * t.cos(), r * t.sin()]
        }
        let local = |pi: usize| [PLACES[pi].3, PLACES[pi].4];
        match k {
            Kernel::Hotspot(pi, s) => {
                let c = local(pi);
                let d = normal2(rng, s);
                [c[0] + d[0], c[1] + d[1]]
            }
            Kernel::Town(s) => normal2(rng, s),
            Kernel::Villages(s) => {
                let d = normal2(rng, s);
                let villages = [
                    scene::place("Västerby (fiktiv)"),
                    scene::place("Österby (fiktiv)"),
                    scene::place("Norrby (fiktiv)"),
                ];
                let v = villages[rng.random_range(0..villages.len())];
                let c = local(v);
                [c[0] + d[0], c[1] + d[1]]
            }
            Kernel::Road(ri, s) => {
                let (pts, lens) = &self.roads[ri.min(self.roads.len() - 1)];
                let seg = pick(lens, rng.random::<f64>());
                let (a, b) = (pts[seg], pts[seg + 1]);
                let t = rng.random::<f64>();
                let off = normal2(rng, s)[0];
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let len = dx.hypot(dy).max(1e-9);
                [
                    a[0] + t * dx - dy / len * off,
                    a[1] + t * dy + dx / len * off,
                ]
            }
            Kernel::Uniform => {
                let [x0, y0, x1, y1] = self.mask.bbox();
                [rng.random_range(x0..x1), rng.random_range(y0..y1)]
            }
        }
    }

    fn row(&self, rng: &mut ChaCha8Rng) -> Row {
        let ci = pick(&self.comp_cdf, rng.random::<f64>());
        let c = &self.comps[ci];
        debug_assert_eq!(c.share_cdf_index, ci);
        let total = c.slot_cdf.last().copied().unwrap_or(0.0);
        let target = rng.random::<f64>() * total;
        let slot = c
            .slot_cdf
            .partition_point(|&v| v <= target)
            .min(c.slot_cdf.len() - 1);
        let secs = rng.random_range(0..3600u16);
        let mut tries = 0;
        let p = loop {
            let k = if tries < 64 {
                c.kernels[pick(&c.kernel_cdf, rng.random::<f64>())]
            } else {
                Kernel::Uniform
            };
            let p = self.sample_point(k, rng);
            if self.mask.accepts(p) {
                break p;
            }
            tries += 1;
        };
        let [lon, lat] = self.frame.to_lonlat(p[0], p[1]);
        let cat = c.cats[pick(&c.cat_cdf, rng.random::<f64>())];
        Row {
            slot: slot as u32,
            secs,
            lat_u: (lat * 1e6).round() as i64,
            lon_u: (lon * 1e6).round() as i64,
            cat,
            found: None,
        }
    }

    /// Rows `start..start+len` of chunk `k` (`start = k * CHUNK`).
    fn chunk(&self, k: u64, len: u64) -> Vec<Row> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(k);
        (0..len)
            .map(|i| {
                let mut r = self.row(&mut rng);
                r.found = self.found_later(&r, k * CHUNK + i + 1);
                r
            })
            .collect()
    }

    /// Whether the record of row `id` is written as "between from and to", as an incident found
    /// afterwards is (vandalism, graffiti, burglary, vehicle theft: [`FOUND_LATER`]): not when it
    /// happened on a weekday between 07 and 16 (seen when it happened); else, with the category's
    /// chance, from the last weekday 16:00 at or before the event ("last seen intact") to the first
    /// weekday 07:00 after it plus 0-45 minutes ("found in the morning"); weekdays are Monday-Friday
    /// without public holidays. The event's generated time lies inside `[from, to)`. Both ends within
    /// [`FOUND_MAX_HOURS`] of it, else the record stays exact.
    fn found_later(&self, r: &Row, id: u64) -> Option<(u32, u32, u16)> {
        let pm = self.found_pm[r.cat as usize];
        if pm == 0 {
            return None;
        }
        let h = splitmix64(self.seed ^ id.wrapping_mul(0xD1B5_4A32_D192_ED03));
        if h % 1000 >= pm {
            return None;
        }
        let slots = &self.cal.slots;
        let days = &self.cal.days;
        let at = r.slot as usize;
        let weekday = |j: usize| !days[slots[j].day as usize].day_off;
        if weekday(at) && (7..16).contains(&slots[at].hour) {
            return None;
        }
        let from = (at.saturating_sub(FOUND_MAX_HOURS)..=at)
            .rev()
            .find(|&j| slots[j].hour == 16 && weekday(j))?;
        let to = (at + 1..slots.len().min(at + 1 + FOUND_MAX_HOURS))
            .find(|&j| slots[j].hour == 7 && weekday(j))?;
        Some((from as u32, to as u32, ((h >> 16) % 2700) as u16))
    }

    fn chunks(n: u64) -> impl Iterator<Item = (u64, u64)> {
        (0..n.div_ceil(CHUNK)).map(move |k| (k, (n - k * CHUNK).min(CHUNK)))
    }

    fn format_chunk(&self, k: u64, rows: &[Row], buf: &mut Vec<u8>) {
        for (i, r) in rows.iter().enumerate() {
            let time = |buf: &mut Vec<u8>, slot: u32, secs: u16| {
                let s = &self.cal.slots[slot as usize];
                buf.extend_from_slice(&s.prefix);
                two(buf, secs / 60);
                buf.push(b':');
                two(buf, secs % 60);
                buf.extend_from_slice(&s.offset_txt);
            };
            push_u64(buf, k * CHUNK + i as u64 + 1);
            buf.push(b',');
            match r.found {
                Some((from, _, _)) => time(buf, from, 0),
                None => time(buf, r.slot, r.secs),
            }
            buf.push(b',');
            push_micro(buf, r.lat_u);
            buf.push(b',');
            push_micro(buf, r.lon_u);
            buf.push(b',');
            buf.extend_from_slice(self.cat_csv[r.cat as usize].as_bytes());
            buf.push(b',');
            if let Some((_, to, secs)) = r.found {
                time(buf, to, secs);
            }
            buf.push(b'\n');
        }
    }

    /// Writes `n` incidents as CSV (`id,datetime,latitude,longitude,category`,
    /// RFC 3339 local times with offset, WGS84 degrees with 6 decimals, raw
    /// Swedish police categories) to `out`, streaming.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] when `n > MAX_CSV_ROWS`; [`Error::Io`] when writing fails.
    pub fn write_csv<W: Write>(&self, n: u64, out: W) -> Result<()> {
        self.write_csv_with_progress(n, out, |_| {})
    }

    /// As [`Scene::write_csv`], calling `progress(rows_written)` after each batch.
    ///
    /// # Errors
    /// As [`Scene::write_csv`].
    pub fn write_csv_with_progress<W: Write>(
        &self,
        n: u64,
        mut out: W,
        mut progress: impl FnMut(u64),
    ) -> Result<()> {
        if n > MAX_CSV_ROWS {
            return Err(Error::LimitExceeded {
                what: "sample rows",
                requested: n,
                limit: MAX_CSV_ROWS,
                hint: "ask for fewer rows with --n".into(),
            });
        }
        let io = |e| Error::io("<sample CSV output>", e);
        out.write_all(CSV_HEADER.as_bytes()).map_err(io)?;
        out.write_all(b"\n").map_err(io)?;
        let all: Vec<(u64, u64)> = Self::chunks(n).collect();
        let batch = 4 * rayon::current_num_threads().max(1);
        let mut done = 0;
        for group in all.chunks(batch) {
            let bufs: Vec<Vec<u8>> = group
                .par_iter()
                .map(|&(k, len)| {
                    let rows = self.chunk(k, len);
                    let mut buf = Vec::with_capacity(rows.len() * 64);
                    self.format_chunk(k, &rows, &mut buf);
                    buf
                })
                .collect();
            for (b, &(_, len)) in bufs.iter().zip(group) {
                out.write_all(b).map_err(io)?;
                done += len;
            }
            progress(done);
        }
        out.flush().map_err(io)
    }

    /// Writes `n` incidents to the CSV file `path` (see [`Scene::write_csv`]).
    ///
    /// # Errors
    /// [`Error::Io`] naming `path`; [`Error::LimitExceeded`] as [`Scene::write_csv`].
    pub fn write_csv_file(&self, path: &Path, n: u64) -> Result<()> {
        let mut f = crate::output::AtomicFile::create(path)?;
        self.write_csv(n, &mut f).map_err(|e| match e {
            Error::Io { source, .. } => Error::io(path, source),
            other => other,
        })?;
        f.commit()
    }

    /// Generates `n` incidents in memory, in SWEREF 99 TM (EPSG:3006) metres,
    /// with second-resolution times, raw categories, ids `1..=n` and the
    /// lon/lat as written to the CSV. The same seed and `n` give the same
    /// incidents as reading [`Scene::write_csv`]'s output.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] when `n > MAX_IN_MEMORY` (use
    /// [`Scene::write_csv`] to stream larger sets); [`Error::Projection`] if a
    /// point cannot be projected (not expected inside Sweden).
    pub fn generate(&self, n: usize) -> Result<Incidents> {
        self.generate_in(Crs::SWEREF99_TM, n)
    }

    /// As [`Scene::generate`], projected to the metric CRS `crs`.
    ///
    /// # Errors
    /// As [`Scene::generate`]; [`Error::Crs`] when `crs` is not metric.
    pub fn generate_in(&self, crs: Crs, n: usize) -> Result<Incidents> {
        if n > MAX_IN_MEMORY {
            return Err(Error::LimitExceeded {
                what: "in-memory sample incidents",
                requested: n as u64,
                limit: MAX_IN_MEMORY as u64,
                hint: "stream larger samples to a file with Scene::write_csv".into(),
            });
        }
        let proj = Projector::new(crs)?;
        let all: Vec<(u64, u64)> = Self::chunks(n as u64).collect();
        type Projected = (Row, [f64; 2]);
        let parts: Vec<Result<Vec<Projected>>> = all
            .par_iter()
            .map(|&(k, len)| {
                self.chunk(k, len)
                    .into_iter()
                    .map(|r| {
                        let xy = proj.to_metres(r.lon_u as f64 / 1e6, r.lat_u as f64 / 1e6)?;
                        Ok((r, xy))
                    })
                    .collect()
            })
            .collect();
        let mut b = IncidentsBuilder::new(crs)?;
        b.reserve(n);
        let mut id = 0u64;
        for part in parts {
            for (r, [x, y]) in part? {
                id += 1;
                let slots = &self.cal.slots;
                let (slot, secs, span) = match r.found {
                    Some((from, to, secs)) => {
                        let (f, t) = (&slots[from as usize], &slots[to as usize]);
                        let span = t.start_ts + i64::from(secs) - f.start_ts;
                        (from, 0, u32::try_from(span).unwrap_or(0))
                    }
                    None => (r.slot, r.secs, 0),
                };
                let s = &slots[slot as usize];
                let time = chrono::FixedOffset::east_opt(s.offset_s).and_then(|off| {
                    chrono::DateTime::from_timestamp(s.start_ts + i64::from(secs), 0)
                        .map(|t| IncidentTime::new(t.with_timezone(&off), TimeResolution::Second))
                });
                b.push_interval(
                    IncidentRecord {
                        x,
                        y,
                        weight: 1.0,
                        category: self.categories[r.cat as usize],
                        time,
                        id: id.to_string(),
                        lonlat: Some([r.lon_u as f64 / 1e6, r.lat_u as f64 / 1e6]),
                    },
                    span,
                )?;
            }
        }
        Ok(b.build())
    }

    /// The schools layer: an RFC 7946 FeatureCollection of points with
    /// properties `name`, `level` (`F-6`, `7-9`, `gymnasium`) and `synthetic: true`.
    pub fn schools_geojson(&self) -> String {
        let features: Vec<Value> = self
            .schools()
            .map(|s| {
                json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                    "properties": {
                        "name": s.name,
                        "level": s.level.map(|l| l.as_str()),
                        "synthetic": true,
                    }
                })
            })
            .collect();
        feature_collection(features)
    }

    /// All fictional places as GeoJSON points with `name`, `kind`, `level`
    /// (schools; else `null`) and `synthetic: true`. The roads are in
    /// [`Scene::roads_geojson`], so this file is a valid `places` basemap layer.
    pub fn places_geojson(&self) -> String {
        let features: Vec<Value> = self
            .places
            .iter()
            .map(|p| {
                json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                    "properties": {
                        "name": p.name,
                        "kind": p.kind.id(),
                        "level": p.level.map(|l| l.as_str()),
                        "synthetic": true,
                    }
                })
            })
            .collect();
        feature_collection(features)
    }

    /// Lon/lat of a point in metres east/north of the town centre, rounded to 1e-6 degrees.
    fn lonlat6(&self, p: [f64; 2]) -> [f64; 2] {
        let [lon, lat] = self.frame.to_lonlat(p[0], p[1]);
        [round6(lon), round6(lat)]
    }

    /// The synthetic road network as a `roads` basemap layer: the two main
    /// roads of [`Scene::roads`] (`highway: primary`) and the town streets
    /// laid between the places (`tertiary`, `residential`, one `footway`),
    /// as LineStrings with `name`, `highway` and `synthetic: true`.
    pub fn roads_geojson(&self) -> String {
        let mut features: Vec<Value> = self
            .roads()
            .into_iter()
            .map(|r| {
                json!({
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": r.lonlat},
                    "properties": {"name": r.name, "highway": "primary", "synthetic": true}
                })
            })
            .collect();
        for (name, class, pts) in scene::STREETS {
            let c: Vec<[f64; 2]> = pts.iter().map(|p| self.lonlat6(*p)).collect();
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": c},
                "properties": {"name": name, "highway": class, "synthetic": true}
            }));
        }
        feature_collection(features)
    }

    /// The synthetic water as a `water` basemap layer: two lakes and a stream
    /// through the south of the town, Polygons with `name`, `kind` (`lake`,
    /// `stream`) and `synthetic: true`. The generator does not keep incidents
    /// out of the water.
    pub fn water_geojson(&self) -> String {
        let ring = |v: Vec<[f64; 2]>| -> Vec<[f64; 2]> {
            v.into_iter().map(|p| self.lonlat6(p)).collect()
        };
        let mut features: Vec<Value> = Vec::new();
        for (name, c, r) in scene::LAKES {
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring(scene::lake_ring(*c, *r))]},
                "properties": {"name": name, "kind": "lake", "synthetic": true}
            }));
        }
        for (name, w, line) in scene::STREAMS {
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring(scene::stream_ring(line, *w))]},
                "properties": {"name": name, "kind": "stream", "synthetic": true}
            }));
        }
        feature_collection(features)
    }

    /// The planted hotspots as GeoJSON points with `name`, `kind`, `sigma_m`,
    /// `expected_share` and `shares` (problem area id -> expected share of all incidents).
    pub fn hotspots_geojson(&self) -> String {
        let features: Vec<Value> = self
            .hotspots
            .iter()
            .map(|h| {
                let shares: serde_json::Map<String, Value> = h
                    .shares
                    .iter()
                    .map(|(a, s)| (a.id().to_string(), json!(round6(*s))))
                    .collect();
                json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [h.lon, h.lat]},
                    "properties": {
                        "name": h.name,
                        "kind": h.kind.id(),
                        "sigma_m": h.sigma_m,
                        "expected_share": round6(h.expected_share()),
                        "shares": shares,
                        "synthetic": true,
                    }
                })
            })
            .collect();
        feature_collection(features)
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn feature_collection(features: Vec<Value>) -> String {
    let fc = json!({
        "type": "FeatureCollection",
        "features": features,
    });
    let mut s = serde_json::to_string_pretty(&fc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests;
