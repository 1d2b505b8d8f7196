//! A packed SQLite R*Tree for a GeoPackage layer's spatial index, written straight into the virtual
//! table's shadow tables (`<name>_node`, `<name>_parent`, `<name>_rowid`).
//!
//! Inserting a million boxes one by one through the virtual table spends most of a large layer's write
//! time in SQLite's insertion algorithm (choose-leaf, split, reinsert). A static index can instead be
//! packed bottom-up (Kamel & Faloutsos 1993, "On packing R-trees", CIKM '93): sort the boxes along a
//! Hilbert curve, fill leaves with consecutive runs, then fill each level above with consecutive
//! nodes of the one below. GDAL writes GeoPackage indexes the same way (`sqlite_rtree_bulk_load.c`).
//!
//! The layout follows SQLite's `rtree.c`: node `1` is the root, whose first two bytes hold the tree
//! depth; every node is a blob of the table's node size with a big-endian cell count at byte 2 and
//! cells of an 8-byte big-endian id (row id in leaves, child node number above) and the four
//! coordinates `minx, maxx, miny, maxy` as big-endian 32-bit floats, rounded outwards exactly as
//! `rtree.c` rounds them (`rtreeValueDown`/`rtreeValueUp`). `rtreecheck()` verifies the result in the
//! tests.

use rusqlite::{Transaction, params};

/// `rtree.c`'s `RNDTOWARDS` and `RNDAWAY`.
const RND_TOWARDS: f64 = 1.0 - 1.0 / 8_388_608.0;
const RND_AWAY: f64 = 1.0 + 1.0 / 8_388_608.0;

/// `rtreeValueDown`: a 32-bit float not above `d`.
fn down(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) > d {
        (d * if d < 0.0 { RND_AWAY } else { RND_TOWARDS }) as f32
    } else {
        f
    }
}

/// `rtreeValueUp`: a 32-bit float not below `d`.
fn up(d: f64) -> f32 {
    let f = d as f32;
    if f64::from(f) < d {
        (d * if d < 0.0 { RND_TOWARDS } else { RND_AWAY }) as f32
    } else {
        f
    }
}

/// One cell: id and `[minx, maxx, miny, maxy]`.
type Cell = (i64, [f32; 4]);

fn union(cells: &[Cell]) -> [f32; 4] {
    let mut b = [
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ];
    for (_, c) in cells {
        b[0] = b[0].min(c[0]);
        b[1] = b[1].max(c[1]);
        b[2] = b[2].min(c[2]);
        b[3] = b[3].max(c[3]);
    }
    b
}

fn node_blob(size: usize, depth: Option<u16>, cells: &[Cell]) -> Vec<u8> {
    let mut v = vec![0u8; size];
    if let Some(d) = depth {
        v[0..2].copy_from_slice(&d.to_be_bytes());
    }
    v[2..4].copy_from_slice(&(cells.len() as u16).to_be_bytes());
    for (k, (id, b)) in cells.iter().enumerate() {
        let at = 4 + k * 24;
        v[at..at + 8].copy_from_slice(&id.to_be_bytes());
        for (j, c) in b.iter().enumerate() {
            v[at + 8 + 4 * j..at + 12 + 4 * j].copy_from_slice(&c.to_be_bytes());
        }
    }
    v
}

/// Fills the empty 2-D R*Tree virtual table `rtree` (already created, quoted name `quoted`) with
/// `boxes` (`(id, minx, maxx, miny, maxy)`, in the order they should be packed: sort them along a
/// space-filling curve first).
pub(crate) fn bulk_load(
    tx: &Transaction<'_>,
    rtree: &str,
    boxes: &[(i64, [f64; 4])],
) -> rusqlite::Result<()> {
    if boxes.is_empty() {
        return Ok(());
    }
    let q = |suffix: &str| format!("\"{}\"", format!("{rtree}_{suffix}").replace('"', "\"\""));
    let (node_t, parent_t, rowid_t) = (q("node"), q("parent"), q("rowid"));
    let size: i64 = tx.query_row(
        &format!("SELECT length(data) FROM {node_t} WHERE nodeno = 1"),
        [],
        |r| r.get(0),
    )?;
    let size = size as usize;
    let fanout = (size.saturating_sub(4) / 24).max(2);
    let mut level: Vec<Cell> = boxes
        .iter()
        .map(|(id, b)| (*id, [down(b[0]), up(b[1]), down(b[2]), up(b[3])]))
        .collect();
    // Build levels bottom-up; node numbers are assigned at the end (root = 1).
    let mut levels: Vec<Vec<Vec<Cell>>> = Vec::new();
    loop {
        let nodes: Vec<Vec<Cell>> = level.chunks(fanout).map(<[Cell]>::to_vec).collect();
        let done = nodes.len() == 1;
        levels.push(nodes);
        if done {
            break;
        }
        // Parent cells point at the nodes of this level; their ids are fixed below.
        let this = levels.len() - 1;
        level = levels[this]
            .iter()
            .enumerate()
            .map(|(k, n)| (k as i64, union(n)))
            .collect();
    }
    // Number the nodes: root 1, then each level from the top down, left to right.
    let depth = levels.len() - 1;
    let mut first_no = vec![0i64; levels.len()];
    let mut next = 1i64;
    for lv in (0..levels.len()).rev() {
        first_no[lv] = next;
        next += levels[lv].len() as i64;
    }
    let mut put_node = tx.prepare(&format!(
        "INSERT OR REPLACE INTO {node_t} (nodeno, data) VALUES (?1, ?2)"
    ))?;
    let mut put_parent = tx.prepare(&format!(
        "INSERT INTO {parent_t} (nodeno, parentnode) VALUES (?1, ?2)"
    ))?;
    let mut put_rowid = tx.prepare(&format!(
        "INSERT INTO {rowid_t} (rowid, nodeno) VALUES (?1, ?2)"
    ))?;
    for lv in (0..levels.len()).rev() {
        for (k, cells) in levels[lv].iter().enumerate() {
            let no = first_no[lv] + k as i64;
            let mut cells = cells.clone();
            if lv > 0 {
                for c in &mut cells {
                    c.0 += first_no[lv - 1];
                }
                for c in &cells {
                    put_parent.execute(params![c.0, no])?;
                }
            } else {
                for c in &cells {
                    put_rowid.execute(params![c.0, no])?;
                }
            }
            let root_depth = (lv == depth).then_some(depth as u16);
            put_node.execute(params![no, node_blob(size, root_depth, &cells)])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rusqlite::Connection;

    fn rtree_of(conn: &mut Connection, name: &str, boxes: &[(i64, [f64; 4])], bulk: bool) {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(&format!(
            "CREATE VIRTUAL TABLE {name} USING rtree(id, minx, maxx, miny, maxy);"
        ))
        .unwrap();
        if bulk {
            bulk_load(&tx, name, boxes).unwrap();
        } else {
            for (id, b) in boxes {
                tx.execute(
                    &format!("INSERT INTO {name} VALUES (?1, ?2, ?3, ?4, ?5)"),
                    params![id, b[0], b[1], b[2], b[3]],
                )
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }

    fn ids(conn: &Connection, name: &str, w: [f64; 4]) -> Vec<i64> {
        let mut st = conn
            .prepare(&format!("SELECT id FROM {name} WHERE maxx >= ?1 AND minx <= ?2 AND maxy >= ?3 AND miny <= ?4 ORDER BY id"))
            .unwrap();
        st.query_map(params![w[0], w[1], w[2], w[3]], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn packed_index_passes_rtreecheck_and_answers_like_inserted_one() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for n in [1usize, 2, 51, 52, 2_000, 9_000] {
            let boxes: Vec<(i64, [f64; 4])> = (0..n)
                .map(|i| {
                    let x = 540_000.0 + rng.random_range(0.0..20_000.0);
                    let y = 6_540_000.0 + rng.random_range(0.0..20_000.0);
                    let w = if i % 3 == 0 {
                        rng.random_range(0.0..300.0)
                    } else {
                        0.0
                    };
                    (i as i64 + 1, [x, x + w, y, y + w])
                })
                .collect();
            let mut conn = Connection::open_in_memory().unwrap();
            rtree_of(&mut conn, "packed", &boxes, true);
            rtree_of(&mut conn, "inserted", &boxes, false);
            let check: String = conn
                .query_row("SELECT rtreecheck('packed')", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "n = {n}");
            // Stored boxes equal those SQLite stores itself.
            let boxes_of = |name: &str| -> Vec<(i64, f64, f64, f64, f64)> {
                let mut st = conn
                    .prepare(&format!(
                        "SELECT id, minx, maxx, miny, maxy FROM {name} ORDER BY id"
                    ))
                    .unwrap();
                st.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
            };
            assert_eq!(boxes_of("packed"), boxes_of("inserted"), "n = {n}");
            for _ in 0..40 {
                let x = 540_000.0 + rng.random_range(-1_000.0..21_000.0);
                let y = 6_540_000.0 + rng.random_range(-1_000.0..21_000.0);
                let s = rng.random_range(0.0..5_000.0);
                let w = [x, x + s, y, y + s];
                assert_eq!(
                    ids(&conn, "packed", w),
                    ids(&conn, "inserted", w),
                    "n = {n}, window {w:?}"
                );
            }
            // The packed index keeps working for later inserts and deletes (the GeoPackage triggers).
            conn.execute(
                "INSERT INTO packed VALUES (?1, 1, 2, 3, 4)",
                params![n as i64 + 10],
            )
            .unwrap();
            conn.execute("DELETE FROM packed WHERE id = 1", []).unwrap();
            let check: String = conn
                .query_row("SELECT rtreecheck('packed')", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "after edits, n = {n}");
        }
    }

    #[test]
    fn outward_rounding_matches_rtree_c() {
        for d in [
            0.0,
            1.0,
            -1.0,
            6_543_210.123,
            -6_543_210.123,
            0.1,
            -0.1,
            1e-30,
        ] {
            assert!(f64::from(down(d)) <= d && f64::from(up(d)) >= d, "{d}");
        }
        // Exactly representable values are kept.
        assert_eq!(down(0.5), 0.5);
        assert_eq!(up(-2.0), -2.0);
    }
}
