//! Greedy label placement with collision boxes (after Imhof's rules as used in
//! simple GIS labelers): labels are tried in priority order, each at a few
//! candidate positions around its anchor (right, left, above, below, then the
//! diagonals); the first position that stays inside the map frame and hits no
//! box placed before is taken, otherwise the label is dropped and counted.

/// An axis-aligned box in pixels, `x0 <= x1`, `y0 <= y1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct BoxPx {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl BoxPx {
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        Self {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    /// A box of `w × h` centred on `(cx, cy)`.
    pub fn centred(cx: f64, cy: f64, w: f64, h: f64) -> Self {
        Self::new(cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0)
    }

    /// Open-interval overlap: boxes that only touch do not collide.
    pub fn intersects(&self, o: &BoxPx) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub fn inside(&self, frame: &BoxPx) -> bool {
        self.x0 >= frame.x0 && self.y0 >= frame.y0 && self.x1 <= frame.x1 && self.y1 <= frame.y1
    }

    pub fn centre(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
}

/// Boxes taken so far inside a frame.
pub(crate) struct Placer {
    frame: BoxPx,
    taken: Vec<BoxPx>,
}

impl Placer {
    pub fn new(frame: BoxPx) -> Self {
        Self {
            frame,
            taken: Vec::new(),
        }
    }

    /// Marks a box as occupied (a symbol, the scale bar, a label drawn regardless).
    pub fn block(&mut self, b: BoxPx) {
        self.taken.push(b);
    }

    pub fn is_free(&self, b: &BoxPx) -> bool {
        b.inside(&self.frame) && !self.taken.iter().any(|t| t.intersects(b))
    }

    /// Takes the first free candidate, if any.
    pub fn place(&mut self, candidates: &[BoxPx]) -> Option<BoxPx> {
        let hit = candidates.iter().find(|c| self.is_free(c)).copied();
        if let Some(b) = hit {
            self.taken.push(b);
        }
        hit
    }
}

/// Candidate boxes of `w × h` around a point symbol of radius `r` with `gap`:
/// right, left, above, below, then upper-right, lower-right, upper-left, lower-left.
pub(crate) fn around_point(x: f64, y: f64, r: f64, gap: f64, w: f64, h: f64) -> Vec<BoxPx> {
    let d = r + gap;
    vec![
        BoxPx::new(x + d, y - h / 2.0, x + d + w, y + h / 2.0),
        BoxPx::new(x - d - w, y - h / 2.0, x - d, y + h / 2.0),
        BoxPx::new(x - w / 2.0, y - d - h, x + w / 2.0, y - d),
        BoxPx::new(x - w / 2.0, y + d, x + w / 2.0, y + d + h),
        BoxPx::new(x + d * 0.7, y - d * 0.7 - h, x + d * 0.7 + w, y - d * 0.7),
        BoxPx::new(x + d * 0.7, y + d * 0.7, x + d * 0.7 + w, y + d * 0.7 + h),
        BoxPx::new(x - d * 0.7 - w, y - d * 0.7 - h, x - d * 0.7, y - d * 0.7),
        BoxPx::new(x - d * 0.7 - w, y + d * 0.7, x - d * 0.7, y + d * 0.7 + h),
    ]
}

/// Candidate boxes for a label inside an area: centred, then shifted by one
/// and two box sizes in the four directions.
pub(crate) fn around_centre(x: f64, y: f64, w: f64, h: f64) -> Vec<BoxPx> {
    let mut v = vec![BoxPx::centred(x, y, w, h)];
    for k in [1.0, 2.0] {
        v.push(BoxPx::centred(x, y - k * h * 1.1, w, h));
        v.push(BoxPx::centred(x, y + k * h * 1.1, w, h));
        v.push(BoxPx::centred(x + k * (w / 2.0 + h), y, w, h));
        v.push(BoxPx::centred(x - k * (w / 2.0 + h), y, w, h));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn placed_labels_never_overlap_brute_force() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let frame = BoxPx::new(0.0, 0.0, 400.0, 300.0);
        for _ in 0..20 {
            let mut p = Placer::new(frame);
            let mut placed = Vec::new();
            for _ in 0..60 {
                let x = rng.random_range(0.0..400.0);
                let y = rng.random_range(0.0..300.0);
                let w = rng.random_range(10.0..80.0);
                if let Some(b) = p.place(&around_point(x, y, 3.0, 2.0, w, 12.0)) {
                    placed.push(b);
                }
            }
            assert!(!placed.is_empty());
            for (i, a) in placed.iter().enumerate() {
                assert!(a.inside(&frame));
                for b in &placed[i + 1..] {
                    assert!(!a.intersects(b), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn second_label_moves_aside_or_is_dropped() {
        let mut p = Placer::new(BoxPx::new(0.0, 0.0, 100.0, 100.0));
        let first = p.place(&around_point(50.0, 50.0, 2.0, 1.0, 20.0, 10.0));
        assert_eq!(first, Some(BoxPx::new(53.0, 45.0, 73.0, 55.0)));
        let second = p.place(&around_point(50.0, 50.0, 2.0, 1.0, 20.0, 10.0));
        assert_eq!(second, Some(BoxPx::new(27.0, 45.0, 47.0, 55.0)));
        // A label wider than the frame never fits.
        assert_eq!(p.place(&around_centre(50.0, 50.0, 200.0, 10.0)), None);
        // Touching boxes do not collide.
        assert!(!BoxPx::new(0.0, 0.0, 1.0, 1.0).intersects(&BoxPx::new(1.0, 0.0, 2.0, 1.0)));
    }
}
