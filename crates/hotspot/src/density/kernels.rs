//! The two-dimensional radial kernels of the density estimate, each normalised to integrate to 1 over the plane.
//!
//! A kernel with bandwidth `h` (metres) gives an incident at distance `d` from a
//! point the density contribution `K_h(d) = 1/h^2 * k(d/h)`, in "per square metre".
//! With `u = d/h`:
//!
//! | kernel | `k(u)` for `u < 1` | `h` means |
//! |---|---|---|
//! | quartic (biweight) | `3/pi * (1 - u^2)^2` | search radius |
//! | Epanechnikov | `2/pi * (1 - u^2)` | search radius |
//! | triangular (cone) | `3/pi * (1 - u)` | search radius |
//! | uniform (disc) | `1/pi` | search radius |
//! | Gaussian | `1/(2 pi) * exp(-u^2/2)` (all `u`) | standard deviation |
//!
//! The compact kernels are zero for `d >= h`. The Gaussian is truncated at
//! `d = h * sqrt(2 ln 1e9)` (about `6.44 h`), where the mass left out,
//! `exp(-R^2 / (2 h^2))`, is exactly 1e-9 of the total.
//!
//! Sources: the quartic as used by ArcGIS "Kernel Density" (Silverman 1986,
//! eq. 4.5), CrimeStat IV ch. 10 and QGIS "Heatmap"; the multivariate
//! Epanechnikov kernel (Silverman 1986, eq. 4.4); the others by normalising the
//! profile over the plane, `int_0^1 2 pi u k(u) du = 1`.
//! Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman & Hall.

use crate::error::{Error, Result};
use std::f64::consts::PI;

/// `sqrt(2 ln 1e9)`: the Gaussian truncation radius in standard deviations.
pub const GAUSSIAN_TRUNCATION_SD: f64 = 6.437_898_078_868_042;

/// A radial kernel. See the module documentation for the formulas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Kernel {
    /// `3/pi (1 - u^2)^2`: ArcGIS, CrimeStat and QGIS default.
    #[default]
    Quartic,
    /// `2/pi (1 - u^2)`.
    Epanechnikov,
    /// `3/pi (1 - u)`.
    Triangular,
    /// `1/pi` inside the disc.
    Uniform,
    /// `1/(2 pi) exp(-u^2/2)`, `h` the standard deviation; truncated at about 6.44 h.
    Gaussian,
}

impl Kernel {
    /// Every kernel, in documentation order.
    pub const ALL: [Kernel; 5] = [
        Kernel::Quartic,
        Kernel::Epanechnikov,
        Kernel::Triangular,
        Kernel::Uniform,
        Kernel::Gaussian,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Quartic => "quartic",
            Kernel::Epanechnikov => "epanechnikov",
            Kernel::Triangular => "triangular",
            Kernel::Uniform => "uniform",
            Kernel::Gaussian => "gaussian",
        }
    }

    /// Parses a kernel name (case-insensitive; `biweight` is the quartic).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the allowed values.
    pub fn parse(text: &str) -> Result<Kernel> {
        match text.trim().to_ascii_lowercase().as_str() {
            "quartic" | "biweight" => Ok(Kernel::Quartic),
            "epanechnikov" => Ok(Kernel::Epanechnikov),
            "triangular" | "cone" => Ok(Kernel::Triangular),
            "uniform" | "disc" => Ok(Kernel::Uniform),
            "gaussian" | "normal" => Ok(Kernel::Gaussian),
            _ => Err(Error::invalid(
                "kernel",
                text,
                "use quartic, epanechnikov, triangular, uniform or gaussian",
            )),
        }
    }

    /// The normalising constant `c` of `k(u) = c * profile(u)`.
    pub fn constant(self) -> f64 {
        match self {
            Kernel::Quartic | Kernel::Triangular => 3.0 / PI,
            Kernel::Epanechnikov => 2.0 / PI,
            Kernel::Uniform => 1.0 / PI,
            Kernel::Gaussian => 1.0 / (2.0 * PI),
        }
    }

    /// The un-normalised profile at `u2 = (d/h)^2`, for `u2 < (support/h)^2`.
    #[inline(always)]
    pub fn profile(self, u2: f64) -> f64 {
        match self {
            Kernel::Quartic => Quartic::eval(u2),
            Kernel::Epanechnikov => Epanechnikov::eval(u2),
            Kernel::Triangular => Triangular::eval(u2),
            Kernel::Uniform => Uniform::eval(u2),
            Kernel::Gaussian => Gaussian::eval(u2),
        }
    }

    /// Radius beyond which the kernel is zero (or truncated), as a multiple of `h`:
    /// 1 for the compact kernels, [`GAUSSIAN_TRUNCATION_SD`] for the Gaussian.
    pub fn support_factor(self) -> f64 {
        match self {
            Kernel::Gaussian => GAUSSIAN_TRUNCATION_SD,
            _ => 1.0,
        }
    }

    /// Density per square metre at distance `d_m` from an incident of weight 1,
    /// bandwidth `h_m`: `1/h^2 * k(d/h)`, and 0 from the support radius on.
    pub fn value(self, d_m: f64, h_m: f64) -> f64 {
        let r = self.support_factor() * h_m;
        if !(d_m < r) {
            return 0.0;
        }
        let u2 = (d_m / h_m) * (d_m / h_m);
        self.constant() / (h_m * h_m) * self.profile(u2)
    }

    /// Standard deviation of one coordinate under the kernel with `h = 1`
    /// (`sqrt(mu_2)`, with `mu_2 = int x_1^2 k`): quartic `1/sqrt 8`,
    /// Epanechnikov `1/sqrt 6`, triangular `sqrt 0.15`, uniform `1/2`, Gaussian 1.
    pub fn coordinate_sd(self) -> f64 {
        self.second_moment().sqrt()
    }

    /// `mu_2(K) = int x_1^2 K(x) dx` for `h = 1`.
    fn second_moment(self) -> f64 {
        match self {
            Kernel::Quartic => 1.0 / 8.0,
            Kernel::Epanechnikov => 1.0 / 6.0,
            Kernel::Triangular => 0.15,
            Kernel::Uniform => 0.25,
            Kernel::Gaussian => 1.0,
        }
    }

    /// `R(K) = int K(x)^2 dx` for `h = 1`.
    fn roughness(self) -> f64 {
        match self {
            Kernel::Quartic => 9.0 / (5.0 * PI),
            Kernel::Epanechnikov => 4.0 / (3.0 * PI),
            Kernel::Triangular => 3.0 / (2.0 * PI),
            Kernel::Uniform => 1.0 / PI,
            Kernel::Gaussian => 1.0 / (4.0 * PI),
        }
    }

    /// The constant `A(K)` of Silverman's normal-reference rule in two dimensions,
    /// `h = A(K) * sigma * n^(-1/6)`: `A(K) = (4 pi R(K) / mu_2(K)^2)^(1/6)`
    /// (Silverman 1986, eq. 4.14 and Table 4.1: Gaussian 1.00, Epanechnikov 2.40,
    /// biweight 2.78).
    pub fn silverman_constant(self) -> f64 {
        let m2 = self.second_moment();
        (4.0 * PI * self.roughness() / (m2 * m2)).powf(1.0 / 6.0)
    }
}

impl std::fmt::Display for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Kernel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Kernel::parse(s)
    }
}

/// A kernel profile as a type, so the hot loop is monomorphised per kernel.
pub(crate) trait Profile {
    /// The profile at `u2 = (d/h)^2` (without the constant).
    fn eval(u2: f64) -> f64;
}

pub(crate) struct Quartic;
pub(crate) struct Epanechnikov;
pub(crate) struct Triangular;
pub(crate) struct Uniform;
pub(crate) struct Gaussian;

impl Profile for Quartic {
    #[inline(always)]
    fn eval(u2: f64) -> f64 {
        let t = 1.0 - u2;
        t * t
    }
}
impl Profile for Epanechnikov {
    #[inline(always)]
    fn eval(u2: f64) -> f64 {
        1.0 - u2
    }
}
impl Profile for Triangular {
    #[inline(always)]
    fn eval(u2: f64) -> f64 {
        1.0 - u2.sqrt()
    }
}
impl Profile for Uniform {
    #[inline(always)]
    fn eval(_u2: f64) -> f64 {
        1.0
    }
}
impl Profile for Gaussian {
    #[inline(always)]
    fn eval(u2: f64) -> f64 {
        (-0.5 * u2).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integral of the kernel over the plane by the midpoint rule on a fine grid.
    fn integral(k: Kernel, h: f64, step: f64) -> f64 {
        let r = k.support_factor() * h;
        let n = (r / step).ceil() as i64 + 1;
        let mut s = 0.0;
        for i in -n..n {
            for j in -n..n {
                let x = (i as f64 + 0.5) * step;
                let y = (j as f64 + 0.5) * step;
                s += k.value((x * x + y * y).sqrt(), h);
            }
        }
        s * step * step
    }

    #[test]
    fn every_kernel_integrates_to_one() {
        for k in Kernel::ALL {
            let h = 10.0;
            let i = integral(k, h, 0.02);
            assert!((i - 1.0).abs() < 2e-4, "{k}: {i}");
        }
    }

    #[test]
    fn second_moments_and_roughness_match_numerical_integrals() {
        for k in Kernel::ALL {
            let step = 0.004;
            let r = k.support_factor();
            let n = (r / step).ceil() as i64 + 1;
            let (mut m2, mut rk) = (0.0, 0.0);
            for i in -n..n {
                for j in -n..n {
                    let x = (i as f64 + 0.5) * step;
                    let y = (j as f64 + 0.5) * step;
                    let v = k.value((x * x + y * y).sqrt(), 1.0);
                    m2 += x * x * v;
                    rk += v * v;
                }
            }
            m2 *= step * step;
            rk *= step * step;
            assert!((m2 - k.second_moment()).abs() < 1e-4, "{k} mu2 {m2}");
            assert!(
                (rk - k.roughness()).abs() < 1e-3 * k.roughness(),
                "{k} R {rk}"
            );
        }
    }

    #[test]
    fn silverman_constants_match_table_4_1() {
        // Silverman (1986), Table 4.1, d = 2.
        assert!((Kernel::Gaussian.silverman_constant() - 1.00).abs() < 0.005);
        assert!((Kernel::Epanechnikov.silverman_constant() - 2.40).abs() < 0.005);
        assert!((Kernel::Quartic.silverman_constant() - 2.78).abs() < 0.005);
    }

    #[test]
    fn quartic_matches_the_arcgis_formula_and_is_zero_at_h() {
        let h = 300.0;
        let d: f64 = 120.0;
        let want = 1.0 / (h * h) * 3.0 / PI * (1.0 - (d / h).powi(2)).powi(2);
        assert!((Kernel::Quartic.value(d, h) - want).abs() < 1e-18);
        for k in Kernel::ALL {
            if k != Kernel::Gaussian {
                assert_eq!(k.value(h, h), 0.0, "{k}");
                assert!(k.value(h * 0.999, h) > 0.0, "{k}");
            }
        }
        let g = Kernel::Gaussian;
        assert!(g.value(6.4 * h, h) > 0.0);
        assert_eq!(g.value(6.5 * h, h), 0.0);
        // Neglected mass of the truncated Gaussian.
        assert!(
            ((-0.5 * GAUSSIAN_TRUNCATION_SD * GAUSSIAN_TRUNCATION_SD).exp() - 1e-9).abs() < 1e-15
        );
    }

    #[test]
    fn names_round_trip() {
        for k in Kernel::ALL {
            assert_eq!(Kernel::parse(k.name()).unwrap(), k);
        }
        assert!(
            Kernel::parse("box")
                .unwrap_err()
                .to_string()
                .contains("quartic")
        );
    }
}
