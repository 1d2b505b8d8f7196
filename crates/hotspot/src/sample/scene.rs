//! The fictional places of the Vingåker-like scene and the spatial, temporal and category mix of each component.

use super::calendar::Rhythm;
use crate::categories::ProblemArea;

/// Town centre (lon, lat): the origin of the scene's local frame.
pub(crate) const CENTRE: [f64; 2] = [15.87, 59.045];

/// What a place is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A town square with pubs and late food.
    Square,
    /// The railway and bus station.
    Station,
    /// A youth centre (fritidsgård).
    YouthCentre,
    /// A school; see [`SchoolLevel`].
    School,
    /// Housing for the elderly (äldreboende).
    ElderlyHousing,
    /// A village centre.
    Village,
    /// A point on a main road where speeding concentrates.
    RoadSpot,
}

impl PlaceKind {
    /// snake_case id as written in GeoJSON.
    pub fn id(self) -> &'static str {
        match self {
            PlaceKind::Square => "square",
            PlaceKind::Station => "station",
            PlaceKind::YouthCentre => "youth_centre",
            PlaceKind::School => "school",
            PlaceKind::ElderlyHousing => "elderly_housing",
            PlaceKind::Village => "village",
            PlaceKind::RoadSpot => "road_spot",
        }
    }
}

/// School level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SchoolLevel {
    /// Förskoleklass to year 6 (`F-6`).
    #[serde(rename = "F-6")]
    F6,
    /// Years 7-9 (`7-9`).
    #[serde(rename = "7-9")]
    Y7to9,
    /// Upper secondary (`gymnasium`).
    #[serde(rename = "gymnasium")]
    Gymnasium,
}

impl SchoolLevel {
    /// The level as written in the schools layer: `F-6`, `7-9` or `gymnasium`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolLevel::F6 => "F-6",
            SchoolLevel::Y7to9 => "7-9",
            SchoolLevel::Gymnasium => "gymnasium",
        }
    }
}

/// A fictional place of the scene (every name ends in "(fiktiv)").
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// Invented name, e.g. `Sörgårdens skola (fiktiv)`.
    pub name: &'static str,
    /// What it is.
    pub kind: PlaceKind,
    /// School level, for schools.
    pub level: Option<SchoolLevel>,
    /// Longitude (WGS84 degrees).
    pub lon: f64,
    /// Latitude (WGS84 degrees).
    pub lat: f64,
}

/// A fictional main road as a polyline.
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    /// Invented name.
    pub name: &'static str,
    /// Vertices `[lon, lat]`.
    pub lonlat: Vec<[f64; 2]>,
}

/// Places, as (name, kind, level, x, y) in metres east/north of [`CENTRE`].
pub(crate) const PLACES: &[(&str, PlaceKind, Option<SchoolLevel>, f64, f64)] = &[
    ("Torget (fiktiv)", PlaceKind::Square, None, 0.0, 0.0),
    (
        "Resecentrum (fiktiv)",
        PlaceKind::Station,
        None,
        -350.0,
        380.0,
    ),
    (
        "Fritidsgården Fyren (fiktiv)",
        PlaceKind::YouthCentre,
        None,
        420.0,
        -260.0,
    ),
    (
        "Ängsbackens skola (fiktiv)",
        PlaceKind::School,
        Some(SchoolLevel::F6),
        -950.0,
        520.0,
    ),
    (
        "Kyrkbyns skola (fiktiv)",
        PlaceKind::School,
        Some(SchoolLevel::F6),
        650.0,
        -720.0,
    ),
    (
        "Sörgårdens skola (fiktiv)",
        PlaceKind::School,
        Some(SchoolLevel::Y7to9),
        720.0,
        330.0,
    ),
    (
        "Åsens gymnasium (fiktiv)",
        PlaceKind::School,
        Some(SchoolLevel::Gymnasium),
        -520.0,
        -480.0,
    ),
    (
        "Västerby skola (fiktiv)",
        PlaceKind::School,
        Some(SchoolLevel::F6),
        -7000.0,
        1650.0,
    ),
    (
        "Österby skola (fiktiv)",
        PlaceKind::School,
        Some(SchoolLevel::F6),
        6350.0,
        3100.0,
    ),
    (
        "Solgårdens äldreboende (fiktiv)",
        PlaceKind::ElderlyHousing,
        None,
        -180.0,
        -620.0,
    ),
    (
        "Lindgårdens äldreboende (fiktiv)",
        PlaceKind::ElderlyHousing,
        None,
        950.0,
        850.0,
    ),
    (
        "Österby servicehus (fiktiv)",
        PlaceKind::ElderlyHousing,
        None,
        6600.0,
        2800.0,
    ),
    (
        "Västerby (fiktiv)",
        PlaceKind::Village,
        None,
        -7000.0,
        1500.0,
    ),
    ("Österby (fiktiv)", PlaceKind::Village, None, 6500.0, 3000.0),
    ("Norrby (fiktiv)", PlaceKind::Village, None, 1800.0, 8800.0),
    (
        "Infarten väster (fiktiv)",
        PlaceKind::RoadSpot,
        None,
        -2200.0,
        261.0,
    ),
    (
        "Raksträckan öster (fiktiv)",
        PlaceKind::RoadSpot,
        None,
        4750.0,
        1825.0,
    ),
];

/// Place index by name (compile-time table; used only with names from [`PLACES`]).
pub(crate) fn place(name: &str) -> usize {
    PLACES.iter().position(|p| p.0 == name).unwrap_or(0)
}

/// Roads, as (name, vertices in metres east/north of [`CENTRE`]).
pub(crate) const ROADS: &[(&str, &[[f64; 2]])] = &[
    (
        "Storvägen (fiktiv)",
        &[
            [-11500.0, 1200.0],
            [-7000.0, 1550.0],
            [-3000.0, 400.0],
            [0.0, -120.0],
            [3000.0, 700.0],
            [6500.0, 2950.0],
            [10000.0, 2500.0],
            [13000.0, 1200.0],
        ],
    ),
    (
        "Norrleden (fiktiv)",
        &[
            [3500.0, -8500.0],
            [1500.0, -4500.0],
            [300.0, -1200.0],
            [150.0, -100.0],
            [-200.0, 2500.0],
            [1800.0, 8800.0],
            [3500.0, 13000.0],
        ],
    ),
];

/// A spatial kernel of a component.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kernel {
    /// Isotropic Gaussian around place `usize` with this sigma (m): a planted hotspot.
    Hotspot(usize, f64),
    /// Diffuse spread over the town: Gaussian around the centre, sigma (m).
    Town(f64),
    /// Diffuse spread over the three villages (equal shares), sigma (m).
    Villages(f64),
    /// Along road `usize`, uniform by length, Gaussian offset across it (sigma m).
    Road(usize, f64),
    /// Uniform over the municipality.
    Uniform,
}

/// A component: its share of all incidents, rhythm, spatial kernels (weights)
/// and raw categories (weights).
pub(crate) struct Component {
    pub(crate) area: Option<ProblemArea>,
    pub(crate) share: f64,
    pub(crate) rhythm: Rhythm,
    pub(crate) kernels: Vec<(Kernel, f64)>,
    pub(crate) categories: &'static [(&'static str, f64)],
}

/// Sigma (m) of planted hotspots at each kind of place.
pub(crate) fn components() -> Vec<Component> {
    use Kernel::*;
    let p = place;
    vec![
        Component {
            area: Some(ProblemArea::ViolenceThreats),
            share: 0.18,
            rhythm: Rhythm::Violence,
            kernels: vec![
                (Hotspot(p("Torget (fiktiv)"), 70.0), 0.30),
                (Hotspot(p("Resecentrum (fiktiv)"), 60.0), 0.12),
                (Hotspot(p("Fritidsgården Fyren (fiktiv)"), 60.0), 0.05),
                (Town(900.0), 0.40),
                (Villages(350.0), 0.13),
            ],
            categories: &[
                ("Misshandel", 0.40),
                ("Olaga hot", 0.20),
                ("Ofredande/förargelse", 0.15),
                ("Bråk", 0.12),
                ("Misshandel, grov", 0.08),
                ("Rån", 0.05),
            ],
        },
        Component {
            area: Some(ProblemArea::YouthAtRisk),
            share: 0.10,
            rhythm: Rhythm::Youth,
            kernels: vec![
                (Hotspot(p("Fritidsgården Fyren (fiktiv)"), 60.0), 0.25),
                (Hotspot(p("Resecentrum (fiktiv)"), 60.0), 0.15),
                (Hotspot(p("Sörgårdens skola (fiktiv)"), 100.0), 0.15),
                (Hotspot(p("Åsens gymnasium (fiktiv)"), 100.0), 0.10),
                (Town(900.0), 0.30),
                (Villages(350.0), 0.05),
            ],
            categories: &[
                ("Narkotikabrott", 0.55),
                ("Ofog barn/ungdom", 0.35),
                ("Alkohollagen", 0.10),
            ],
        },
        Component {
            area: Some(ProblemArea::VandalismGraffitiLittering),
            share: 0.24,
            rhythm: Rhythm::Vandalism,
            kernels: vec![
                (Hotspot(p("Sörgårdens skola (fiktiv)"), 100.0), 0.16),
                (Hotspot(p("Åsens gymnasium (fiktiv)"), 100.0), 0.13),
                (Hotspot(p("Ängsbackens skola (fiktiv)"), 100.0), 0.09),
                (Hotspot(p("Kyrkbyns skola (fiktiv)"), 100.0), 0.09),
                (Hotspot(p("Västerby skola (fiktiv)"), 100.0), 0.05),
                (Hotspot(p("Österby skola (fiktiv)"), 100.0), 0.05),
                (Hotspot(p("Resecentrum (fiktiv)"), 60.0), 0.05),
                (Town(900.0), 0.28),
                (Villages(350.0), 0.10),
            ],
            categories: &[
                ("Skadegörelse", 0.45),
                ("Klotter", 0.35),
                ("Nedskräpning", 0.20),
            ],
        },
        Component {
            area: Some(ProblemArea::RecklessTraffic),
            share: 0.16,
            rhythm: Rhythm::Traffic,
            kernels: vec![
                (Road(0, 15.0), 0.35),
                (Road(1, 15.0), 0.25),
                (Hotspot(p("Infarten väster (fiktiv)"), 120.0), 0.15),
                (Hotspot(p("Raksträckan öster (fiktiv)"), 150.0), 0.15),
                (Town(900.0), 0.10),
            ],
            categories: &[
                ("Hastighetsöverträdelse", 0.30),
                ("Vårdslöshet i trafik", 0.20),
                ("Olovlig körning", 0.20),
                ("Rattfylleri", 0.15),
                ("Trafikbrott", 0.10),
                ("Motorfordon, stöld", 0.05),
            ],
        },
        Component {
            area: Some(ProblemArea::FraudElderly),
            share: 0.07,
            rhythm: Rhythm::Fraud,
            kernels: vec![
                (Hotspot(p("Solgårdens äldreboende (fiktiv)"), 50.0), 0.30),
                (Hotspot(p("Lindgårdens äldreboende (fiktiv)"), 50.0), 0.25),
                (Hotspot(p("Österby servicehus (fiktiv)"), 50.0), 0.10),
                (Town(900.0), 0.30),
                (Villages(350.0), 0.05),
            ],
            categories: &[("Bedrägeri", 0.55), ("Åldringsbrott", 0.45)],
        },
        Component {
            area: None,
            share: 0.25,
            rhythm: Rhythm::Background,
            kernels: vec![
                (Uniform, 0.50),
                (Town(1200.0), 0.35),
                (Villages(500.0), 0.15),
            ],
            categories: &[
                ("Stöld", 0.35),
                ("Inbrott", 0.15),
                ("Övrigt", 0.15),
                ("Trafikolycka", 0.10),
                ("Brand", 0.07),
                ("Fylleri/LOB", 0.05),
                ("Trafikolycka, vilt", 0.05),
                ("Snatteri", 0.05),
                ("Olaga intrång", 0.03),
            ],
        },
    ]
}

/// Town streets (synthetic), as (name, OSM `highway` class, vertices in
/// metres east/north of [`CENTRE`]), laid between the places of [`PLACES`]:
/// the square, the station, the schools, the youth centre and the elderly homes.
pub(crate) const STREETS: &[(&str, &str, &[[f64; 2]])] = &[
    (
        "Stationsgatan (fiktiv)",
        "tertiary",
        &[
            [0.0, 0.0],
            [-180.0, 210.0],
            [-350.0, 380.0],
            [-420.0, 700.0],
        ],
    ),
    (
        "Kyrkogatan (fiktiv)",
        "residential",
        &[
            [0.0, 0.0],
            [280.0, -140.0],
            [420.0, -260.0],
            [650.0, -720.0],
        ],
    ),
    (
        "Skolgatan (fiktiv)",
        "residential",
        &[[0.0, 0.0], [380.0, 160.0], [720.0, 330.0], [950.0, 850.0]],
    ),
    (
        "Västra vägen (fiktiv)",
        "residential",
        &[
            [-350.0, 380.0],
            [-650.0, 440.0],
            [-950.0, 520.0],
            [-1250.0, 560.0],
        ],
    ),
    (
        "Åsvägen (fiktiv)",
        "residential",
        &[
            [0.0, -120.0],
            [-260.0, -290.0],
            [-520.0, -480.0],
            [-800.0, -560.0],
        ],
    ),
    (
        "Solgårdsvägen (fiktiv)",
        "residential",
        &[[-260.0, -290.0], [-180.0, -620.0], [-120.0, -850.0]],
    ),
    (
        "Östra Ringvägen (fiktiv)",
        "residential",
        &[[720.0, 330.0], [900.0, -100.0], [650.0, -720.0]],
    ),
    (
        "Parkstigen (fiktiv)",
        "footway",
        &[[-180.0, 210.0], [150.0, 420.0], [380.0, 160.0]],
    ),
];

/// Water (synthetic): lakes as (name, centre and radii in metres east/north
/// of [`CENTRE`]); the outline is a fixed wavy ellipse, no randomness.
pub(crate) const LAKES: &[(&str, [f64; 2], [f64; 2])] = &[
    ("Storsjön (fiktiv)", [2700.0, 2700.0], [950.0, 600.0]),
    ("Lillsjön (fiktiv)", [-2700.0, -2300.0], [320.0, 220.0]),
];

/// A stream (synthetic) as (name, width in metres, centre line in metres east/north of [`CENTRE`]).
pub(crate) const STREAMS: &[(&str, f64, &[[f64; 2]])] = &[(
    "Ån (fiktiv)",
    24.0,
    &[
        [-2700.0, -2080.0],
        [-1900.0, -1300.0],
        [-1100.0, -1000.0],
        [-300.0, -1050.0],
        [400.0, -1150.0],
        [1200.0, -1000.0],
        [2000.0, -1300.0],
    ],
)];

/// The outline of lake `(centre, radii)`: 36 vertices, closed.
pub(crate) fn lake_ring(c: [f64; 2], r: [f64; 2]) -> Vec<[f64; 2]> {
    let n = 36;
    let mut v: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let k = 1.0 + 0.10 * (3.0 * t).sin() + 0.06 * (5.0 * t + 1.0).cos();
            [c[0] + r[0] * k * t.cos(), c[1] + r[1] * k * t.sin()]
        })
        .collect();
    v.push(v[0]);
    v
}

/// A closed polygon ring of width `w` around the polyline `line` (offset by
/// `w / 2` along the normals of the vertex bisectors).
pub(crate) fn stream_ring(line: &[[f64; 2]], w: f64) -> Vec<[f64; 2]> {
    let n = line.len();
    let normal = |i: usize| {
        let a = line[i.saturating_sub(1)];
        let b = line[(i + 1).min(n - 1)];
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let l = (dx * dx + dy * dy).sqrt().max(1e-9);
        [-dy / l, dx / l]
    };
    let h = w / 2.0;
    let left = (0..n).map(|i| {
        let m = normal(i);
        [line[i][0] + h * m[0], line[i][1] + h * m[1]]
    });
    let right = (0..n).rev().map(|i| {
        let m = normal(i);
        [line[i][0] - h * m[0], line[i][1] - h * m[1]]
    });
    let mut v: Vec<[f64; 2]> = left.chain(right).collect();
    if let Some(first) = v.first().copied() {
        v.push(first);
    }
    v
}
