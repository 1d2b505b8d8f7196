//! Kernel density estimation: kernels, bandwidth rules, the exact parallel estimate, and hotspot polygons from the surface.
