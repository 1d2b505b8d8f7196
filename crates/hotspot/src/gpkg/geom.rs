//! GeoPackageBinary geometry blobs (OGC GeoPackage 1.3, 12-128r18, §2.1.3): the `GP` header with
//! its envelope, followed by ISO WKB (OGC 06-103r4) of the 2-D geometry types GeoPackage names.

use geo::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, Rect,
};

/// WKB geometry type codes (2-D).
const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
const WKB_POLYGON: u32 = 3;
const WKB_MULTIPOINT: u32 = 4;
const WKB_MULTILINESTRING: u32 = 5;
const WKB_MULTIPOLYGON: u32 = 6;
const WKB_COLLECTION: u32 = 7;

/// Encodes `g` as a GeoPackageBinary blob: little-endian, envelope `[minx, maxx, miny, maxy]`
/// (envelope indicator 1), standard (not extended) geometry, WKB little-endian. An empty geometry
/// (no coordinates) sets the empty flag and has no envelope; points are written without an
/// envelope too, as the specification recommends.
pub(crate) fn encode(g: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    use geo::BoundingRect;
    let bbox: Option<Rect<f64>> = g.bounding_rect();
    let is_point = matches!(g, Geometry::Point(_));
    let envelope = if is_point { None } else { bbox };
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0); // version 1 (0 = version 1)
    // flags: bit 0 = little endian; bits 1-3 = envelope indicator; bit 4 = empty.
    let mut flags = 1u8;
    if envelope.is_some() {
        flags |= 1 << 1;
    }
    if bbox.is_none() {
        flags |= 1 << 4;
    }
    out.push(flags);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = envelope {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    write_wkb(&mut out, g);
    out
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_coord(out: &mut Vec<u8>, c: Coord<f64>) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn put_ring(out: &mut Vec<u8>, l: &LineString<f64>) {
    put_u32(out, l.0.len() as u32);
    for &c in &l.0 {
        put_coord(out, c);
    }
}

fn put_polygon_body(out: &mut Vec<u8>, p: &Polygon<f64>) {
    if p.exterior().0.is_empty() {
        put_u32(out, 0);
        return;
    }
    put_u32(out, 1 + p.interiors().len() as u32);
    put_ring(out, p.exterior());
    for r in p.interiors() {
        put_ring(out, r);
    }
}

fn header(out: &mut Vec<u8>, ty: u32) {
    out.push(1);
    put_u32(out, ty);
}

/// Appends the little-endian WKB of `g`. `Line`, `Rect` and `Triangle` are written as the
/// LineString or Polygon they stand for.
pub(crate) fn write_wkb(out: &mut Vec<u8>, g: &Geometry<f64>) {
    match g {
        Geometry::Point(p) => {
            header(out, WKB_POINT);
            put_coord(out, p.0);
        }
        Geometry::Line(l) => {
            header(out, WKB_LINESTRING);
            put_ring(out, &LineString::new(vec![l.start, l.end]));
        }
        Geometry::LineString(l) => {
            header(out, WKB_LINESTRING);
            put_ring(out, l);
        }
        Geometry::Polygon(p) => {
            header(out, WKB_POLYGON);
            put_polygon_body(out, p);
        }
        Geometry::MultiPoint(mp) => {
            header(out, WKB_MULTIPOINT);
            put_u32(out, mp.0.len() as u32);
            for p in &mp.0 {
                write_wkb(out, &Geometry::Point(*p));
            }
        }
        Geometry::MultiLineString(ml) => {
            header(out, WKB_MULTILINESTRING);
            put_u32(out, ml.0.len() as u32);
            for l in &ml.0 {
                header(out, WKB_LINESTRING);
                put_ring(out, l);
            }
        }
        Geometry::MultiPolygon(mp) => {
            header(out, WKB_MULTIPOLYGON);
            put_u32(out, mp.0.len() as u32);
            for p in &mp.0 {
                header(out, WKB_POLYGON);
                put_polygon_body(out, p);
            }
        }
        Geometry::GeometryCollection(gc) => {
            header(out, WKB_COLLECTION);
            put_u32(out, gc.0.len() as u32);
            for g in &gc.0 {
                write_wkb(out, g);
            }
        }
        Geometry::Rect(r) => write_wkb(out, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => write_wkb(out, &Geometry::Polygon(t.to_polygon())),
    }
}

/// A decoded GeoPackageBinary blob.
#[derive(Debug, PartialEq)]
pub(crate) struct Decoded {
    /// The SRS id in the header.
    pub srs_id: i32,
    /// `None` for an empty geometry (empty flag set, or an empty point written as NaN, NaN).
    pub geometry: Option<Geometry<f64>>,
}

/// Decodes a GeoPackageBinary blob; the error says what is wrong with it.
pub(crate) fn decode(blob: &[u8]) -> Result<Decoded, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("not a GeoPackage geometry blob (no `GP` magic)".into());
    }
    let flags = blob[3];
    if flags & (1 << 5) != 0 {
        return Err("extended GeoPackage geometry types are not supported".into());
    }
    let le = flags & 1 == 1;
    let srs = [blob[4], blob[5], blob[6], blob[7]];
    let srs_id = if le {
        i32::from_le_bytes(srs)
    } else {
        i32::from_be_bytes(srs)
    };
    let env_len = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("invalid envelope indicator {e}")),
    };
    let start = 8 + env_len;
    let wkb = blob
        .get(start..)
        .ok_or_else(|| "geometry blob shorter than its header".to_string())?;
    let empty_flag = flags & (1 << 4) != 0;
    let mut r = Reader { b: wkb, pos: 0 };
    let g = r.geometry(0)?;
    let empty = empty_flag || is_empty(&g);
    Ok(Decoded {
        srs_id,
        geometry: (!empty).then_some(g),
    })
}

fn is_empty(g: &Geometry<f64>) -> bool {
    match g {
        Geometry::Point(p) => p.x().is_nan() && p.y().is_nan(),
        Geometry::MultiPoint(m) => m.0.is_empty(),
        Geometry::LineString(l) => l.0.is_empty(),
        Geometry::MultiLineString(m) => m.0.is_empty(),
        Geometry::Polygon(p) => p.exterior().0.is_empty(),
        Geometry::MultiPolygon(m) => m.0.is_empty(),
        Geometry::GeometryCollection(c) => c.0.is_empty(),
        _ => false,
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let s = self
            .b
            .get(self.pos..self.pos + N)
            .ok_or_else(|| "WKB ends early".to_string())?;
        self.pos += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u32(&mut self, le: bool) -> Result<u32, String> {
        let a = self.take::<4>()?;
        Ok(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }

    fn f64(&mut self, le: bool) -> Result<f64, String> {
        let a = self.take::<8>()?;
        Ok(if le {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        })
    }

    /// A count, checked against the bytes left so a corrupt count cannot ask for huge memory.
    fn count(&mut self, le: bool, min_bytes_each: usize) -> Result<usize, String> {
        let n = self.u32(le)? as usize;
        let left = self.b.len().saturating_sub(self.pos);
        if n.saturating_mul(min_bytes_each) > left {
            return Err(format!("WKB count {n} exceeds the data"));
        }
        Ok(n)
    }

    fn coord(&mut self, le: bool, dims: usize) -> Result<Coord<f64>, String> {
        let x = self.f64(le)?;
        let y = self.f64(le)?;
        for _ in 2..dims {
            self.f64(le)?;
        }
        Ok(Coord { x, y })
    }

    fn ring(&mut self, le: bool, dims: usize) -> Result<LineString<f64>, String> {
        let n = self.count(le, 8 * dims)?;
        (0..n)
            .map(|_| self.coord(le, dims))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString::new)
    }

    fn polygon(&mut self, le: bool, dims: usize) -> Result<Polygon<f64>, String> {
        let n = self.count(le, 4)?;
        let mut rings = Vec::with_capacity(n);
        for _ in 0..n {
            rings.push(self.ring(le, dims)?);
        }
        let mut it = rings.into_iter();
        let ext = it.next().unwrap_or_else(|| LineString::new(vec![]));
        Ok(Polygon::new(ext, it.collect()))
    }

    fn geometry(&mut self, depth: usize) -> Result<Geometry<f64>, String> {
        if depth > 8 {
            return Err("WKB nested too deeply".into());
        }
        let le = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            b => return Err(format!("invalid WKB byte order {b}")),
        };
        let code = self.u32(le)?;
        // ISO WKB: +1000 = Z, +2000 = M, +3000 = ZM; EWKB flags (0x80000000 Z, 0x40000000 M) too.
        let (base, dims) = if code & 0xE000_0000 != 0 {
            let z = usize::from(code & 0x8000_0000 != 0);
            let m = usize::from(code & 0x4000_0000 != 0);
            (code & 0x0fff_ffff, 2 + z + m)
        } else {
            let dims = match code / 1000 {
                0 => 2,
                1 | 2 => 3,
                3 => 4,
                _ => return Err(format!("unsupported WKB geometry type {code}")),
            };
            (code % 1000, dims)
        };
        Ok(match base {
            WKB_POINT => Geometry::Point(Point(self.coord(le, dims)?)),
            WKB_LINESTRING => Geometry::LineString(self.ring(le, dims)?),
            WKB_POLYGON => Geometry::Polygon(self.polygon(le, dims)?),
            WKB_MULTIPOINT => {
                let n = self.count(le, 5)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Geometry::Point(p) => v.push(p),
                        _ => return Err("MultiPoint member is not a Point".into()),
                    }
                }
                Geometry::MultiPoint(MultiPoint(v))
            }
            WKB_MULTILINESTRING => {
                let n = self.count(le, 9)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Geometry::LineString(l) => v.push(l),
                        _ => return Err("MultiLineString member is not a LineString".into()),
                    }
                }
                Geometry::MultiLineString(MultiLineString(v))
            }
            WKB_MULTIPOLYGON => {
                let n = self.count(le, 9)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    match self.geometry(depth + 1)? {
                        Geometry::Polygon(p) => v.push(p),
                        _ => return Err("MultiPolygon member is not a Polygon".into()),
                    }
                }
                Geometry::MultiPolygon(MultiPolygon(v))
            }
            WKB_COLLECTION => {
                let n = self.count(le, 5)?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(self.geometry(depth + 1)?);
                }
                Geometry::GeometryCollection(geo::GeometryCollection(v))
            }
            other => return Err(format!("unsupported WKB geometry type {other}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn point_blob_matches_the_specification_layout() {
        let b = encode(&Geometry::Point(Point::new(1.0, 2.0)), 3006);
        // GP, version 0, flags 0x01 (LE, no envelope), srs 3006 LE, WKB LE point.
        assert_eq!(&b[..4], &[b'G', b'P', 0, 1]);
        assert_eq!(&b[4..8], &3006i32.to_le_bytes());
        assert_eq!(b[8], 1);
        assert_eq!(&b[9..13], &1u32.to_le_bytes());
        assert_eq!(b.len(), 8 + 21);
        let d = decode(&b).unwrap();
        assert_eq!(d.srs_id, 3006);
        assert_eq!(d.geometry, Some(Geometry::Point(Point::new(1.0, 2.0))));
    }

    #[test]
    fn polygons_carry_their_envelope_and_round_trip() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 3.0), (x: 0.0, y: 0.0)];
        let g = Geometry::MultiPolygon(MultiPolygon(vec![p]));
        let b = encode(&g, 3006);
        assert_eq!(b[3], 0b011, "little endian with an [x, y] envelope");
        let env: Vec<f64> = (0..4)
            .map(|k| f64::from_le_bytes(b[8 + 8 * k..16 + 8 * k].try_into().unwrap()))
            .collect();
        assert_eq!(env, vec![0.0, 4.0, 0.0, 3.0]);
        assert_eq!(decode(&b).unwrap().geometry, Some(g));
    }

    #[test]
    fn big_endian_z_points_from_other_writers_are_read() {
        // GP header, big endian (flags 0), srs 4326, WKB big-endian Point Z (1001).
        let mut b = vec![b'G', b'P', 0, 0];
        b.extend_from_slice(&4326i32.to_be_bytes());
        b.push(0);
        b.extend_from_slice(&1001u32.to_be_bytes());
        for v in [15.5f64, 59.0, 12.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        let d = decode(&b).unwrap();
        assert_eq!(d.srs_id, 4326);
        assert_eq!(d.geometry, Some(Geometry::Point(Point::new(15.5, 59.0))));
    }

    #[test]
    fn broken_blobs_are_errors_not_panics() {
        assert!(decode(b"XX").is_err());
        let mut b = encode(&Geometry::Point(Point::new(1.0, 2.0)), 1);
        b.truncate(b.len() - 3);
        assert!(decode(&b).is_err());
        // A count far beyond the data.
        let mut c = vec![b'G', b'P', 0, 1, 0, 0, 0, 0, 1];
        c.extend_from_slice(&4u32.to_le_bytes());
        c.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&c).is_err());
        // Empty point (NaN, NaN) as GDAL writes it.
        let e = encode(&Geometry::Point(Point::new(f64::NAN, f64::NAN)), 1);
        assert_eq!(decode(&e).unwrap().geometry, None);
    }
}
