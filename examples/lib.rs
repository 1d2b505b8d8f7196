//! Examples of embedding `hotspot`; see the `[[example]]` targets.
