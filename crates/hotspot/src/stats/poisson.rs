//! Exact Poisson confidence intervals and the conditional binomial test for the ratio of two Poisson rates.
