//! Judging hotspot methods on a later period: hit rate, PAI, PEI* and RRI at fixed area coverages.
