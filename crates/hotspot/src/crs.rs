//! Coordinate reference systems: choosing a metric working CRS and projecting lon/lat to metres and back.
//!
//! Every analysis works in plain `f64` metres of a projected CRS. Lon/lat input
//! (WGS84) is projected on ingest; results go back to lon/lat where they leave
//! as GeoJSON (RFC 7946). Projections use the pure-Rust `proj4rs` with the EPSG
//! definitions of `crs-definitions`, so no PROJ installation is needed.

use crate::error::{Error, Result};
use proj4rs::Proj;
use proj4rs::transform::{Transform, TransformClosure, transform};

/// A coordinate reference system identified by its EPSG code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Crs {
    epsg: u16,
}

/// Approximate extent of Sweden (lon/lat), where SWEREF 99 TM is the national grid.
const SWEDEN_LONLAT: [f64; 4] = [10.0, 55.0, 24.5, 69.5];

impl Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326), the CRS of GeoJSON.
    pub const WGS84: Crs = Crs { epsg: 4326 };
    /// SWEREF 99 TM (EPSG:3006), the Swedish national projected CRS.
    pub const SWEREF99_TM: Crs = Crs { epsg: 3006 };

    /// The CRS with this EPSG code, if `crs-definitions` knows it.
    ///
    /// # Errors
    /// [`Error::Crs`] when the code is unknown.
    pub fn from_epsg(code: u32) -> Result<Crs> {
        let epsg = u16::try_from(code).map_err(|_| Error::Crs {
            crs: format!("EPSG:{code}"),
            reason: "EPSG codes are at most 65535".into(),
        })?;
        if crs_definitions::from_code(epsg).is_none() {
            return Err(Error::Crs {
                crs: format!("EPSG:{code}"),
                reason: "unknown EPSG code (not in the bundled EPSG definitions)".into(),
            });
        }
        Ok(Crs { epsg })
    }

    /// Parses `EPSG:3006`, `epsg:3006` or `3006`.
    ///
    /// # Errors
    /// [`Error::Crs`] when the text is not an EPSG code or the code is unknown.
    pub fn parse(text: &str) -> Result<Crs> {
        let t = text.trim();
        let digits = t
            .strip_prefix("EPSG:")
            .or_else(|| t.strip_prefix("epsg:"))
            .unwrap_or(t);
        let code: u32 = digits.parse().map_err(|_| Error::Crs {
            crs: text.to_string(),
            reason: "expected an EPSG code such as EPSG:3006".into(),
        })?;
        Crs::from_epsg(code)
    }

    /// The EPSG code.
    pub fn epsg(&self) -> u32 {
        u32::from(self.epsg)
    }

    /// `EPSG:NNNN`.
    pub fn name(&self) -> String {
        format!("EPSG:{}", self.epsg)
    }

    /// The PROJ.4 definition string.
    pub fn proj4(&self) -> &'static str {
        crs_definitions::from_code(self.epsg)
            .map(|d| d.proj4)
            .unwrap_or("")
    }

    /// The OGC WKT definition, as written to `.prj` sidecar files.
    pub fn wkt(&self) -> &'static str {
        crs_definitions::from_code(self.epsg)
            .map(|d| d.wkt)
            .unwrap_or("")
    }

    /// Whether coordinates of this CRS are angles (degrees) rather than lengths.
    pub fn is_geographic(&self) -> bool {
        self.proj4().contains("+proj=longlat") || self.proj4().contains("+proj=latlong")
    }

    /// Checks that this CRS can be a working CRS: projected, in metres.
    ///
    /// # Errors
    /// [`Error::Crs`] for a geographic CRS or one whose unit is not the metre.
    pub fn require_metric(&self) -> Result<()> {
        if self.is_geographic() {
            return Err(Error::Crs {
                crs: self.name(),
                reason: "a CRS in degrees cannot be the working CRS; distances and areas need metres. Choose a projected CRS such as EPSG:3006 (SWEREF 99 TM) or a UTM zone (EPSG:326NN)".into(),
            });
        }
        let p = self.proj4();
        if !p.contains("+units=m") {
            return Err(Error::Crs {
                crs: self.name(),
                reason: format!(
                    "the working CRS must be in metres, and this one is not ({p}); give the metric CRS to project to with --crs"
                ),
            });
        }
        Ok(())
    }

    /// The WGS84 UTM zone containing a lon/lat position (EPSG:326NN north, 327NN south).
    pub fn utm_for(lon: f64, lat: f64) -> Crs {
        let zone = (((lon + 180.0) / 6.0).floor() as i64 + 1).clamp(1, 60) as u16;
        let base = if lat >= 0.0 { 32600 } else { 32700 };
        Crs { epsg: base + zone }
    }

    /// The default working CRS for lon/lat data centred at (`lon`, `lat`):
    /// SWEREF 99 TM inside Sweden, else the UTM zone of the centre.
    pub fn default_for_lonlat(lon: f64, lat: f64) -> Crs {
        let [x0, y0, x1, y1] = SWEDEN_LONLAT;
        if (x0..=x1).contains(&lon) && (y0..=y1).contains(&lat) {
            Crs::SWEREF99_TM
        } else {
            Crs::utm_for(lon, lat)
        }
    }
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EPSG:{}", self.epsg)
    }
}

struct Pt(f64, f64);

impl Transform for Pt {
    fn transform_coordinates<F: TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        f(self.0, self.1, 0.0).map(|(x, y, _)| {
            self.0 = x;
            self.1 = y;
        })
    }
}

/// Converts between WGS84 lon/lat (degrees) and a projected working CRS (metres).
///
/// Build once and reuse: construction parses the definitions. `Projector` is
/// `Send + Sync` and its methods take `&self`, so it can be shared across threads.
#[derive(Debug)]
pub struct Projector {
    crs: Crs,
    wgs84: Proj,
    target: Proj,
}

impl Projector {
    /// A projector between WGS84 and `crs`, which must be metric.
    ///
    /// # Errors
    /// [`Error::Crs`] when `crs` is geographic or cannot be parsed.
    pub fn new(crs: Crs) -> Result<Self> {
        crs.require_metric()?;
        let parse = |c: Crs| {
            Proj::from_proj_string(c.proj4()).map_err(|e| Error::Crs {
                crs: c.name(),
                reason: format!("definition not usable: {e}"),
            })
        };
        Ok(Self {
            crs,
            wgs84: parse(Crs::WGS84)?,
            target: parse(crs)?,
        })
    }

    /// The working CRS.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Projects lon/lat (degrees) to working-CRS metres `[x, y]`.
    ///
    /// # Errors
    /// [`Error::Projection`] when the point cannot be projected.
    pub fn to_metres(&self, lon: f64, lat: f64) -> Result<[f64; 2]> {
        let mut p = Pt(lon.to_radians(), lat.to_radians());
        transform(&self.wgs84, &self.target, &mut p).map_err(|e| Error::Projection {
            x: lon,
            y: lat,
            from: Crs::WGS84.name(),
            to: self.crs.name(),
            reason: e.to_string(),
        })?;
        if !p.0.is_finite() || !p.1.is_finite() {
            return Err(Error::Projection {
                x: lon,
                y: lat,
                from: Crs::WGS84.name(),
                to: self.crs.name(),
                reason: "result is not finite".into(),
            });
        }
        Ok([p.0, p.1])
    }

    /// Converts working-CRS metres back to lon/lat `[lon, lat]` in degrees.
    ///
    /// # Errors
    /// [`Error::Projection`] when the point cannot be converted.
    pub fn to_lonlat(&self, x: f64, y: f64) -> Result<[f64; 2]> {
        let mut p = Pt(x, y);
        transform(&self.target, &self.wgs84, &mut p).map_err(|e| Error::Projection {
            x,
            y,
            from: self.crs.name(),
            to: Crs::WGS84.name(),
            reason: e.to_string(),
        })?;
        let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
        if !lon.is_finite() || !lat.is_finite() {
            return Err(Error::Projection {
                x,
                y,
                from: self.crs.name(),
                to: Crs::WGS84.name(),
                reason: "result is not finite".into(),
            });
        }
        Ok([lon, lat])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference coordinates computed with PROJ (cs2cs EPSG:4326 EPSG:3006).
    #[test]
    fn sweref99tm_matches_proj_reference_points() {
        let p = Projector::new(Crs::SWEREF99_TM).unwrap();
        let [e, n] = p.to_metres(15.87, 59.045).unwrap();
        assert!((e - 549_917.373).abs() < 1e-3, "E = {e}");
        assert!((n - 6_545_387.824).abs() < 1e-3, "N = {n}");
        let [e, n] = p.to_metres(15.0, 59.0).unwrap();
        assert!((e - 500_000.000).abs() < 1e-3, "E = {e}");
        assert!((n - 6_540_052.017).abs() < 1e-3, "N = {n}");
    }

    #[test]
    fn round_trip_is_under_a_millimetre() {
        let p = Projector::new(Crs::SWEREF99_TM).unwrap();
        for &(lon, lat) in &[
            (15.87, 59.045),
            (11.0, 56.0),
            (23.5, 68.9),
            (15.617, 58.947),
        ] {
            let [x, y] = p.to_metres(lon, lat).unwrap();
            let [lon2, lat2] = p.to_lonlat(x, y).unwrap();
            let [x2, y2] = p.to_metres(lon2, lat2).unwrap();
            assert!(((x - x2).powi(2) + (y - y2).powi(2)).sqrt() < 1e-3);
        }
    }

    #[test]
    fn default_crs_is_sweref_in_sweden_and_utm_elsewhere() {
        assert_eq!(Crs::default_for_lonlat(15.87, 59.045), Crs::SWEREF99_TM);
        assert_eq!(Crs::default_for_lonlat(-90.05, 35.1).epsg(), 32615);
        assert_eq!(Crs::default_for_lonlat(-89.9, 35.1).epsg(), 32616);
        assert_eq!(Crs::default_for_lonlat(-1.5, 53.8).epsg(), 32630);
        assert_eq!(Crs::default_for_lonlat(151.2, -33.9).epsg(), 32756);
    }

    #[test]
    fn geographic_working_crs_is_refused() {
        assert!(matches!(Projector::new(Crs::WGS84), Err(Error::Crs { .. })));
        assert!(Crs::parse("EPSG:99999").is_err());
        assert!(Crs::parse("nonsense").is_err());
        assert_eq!(Crs::parse("epsg:3006").unwrap(), Crs::SWEREF99_TM);
    }
}
