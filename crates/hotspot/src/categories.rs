//! Problem areas of the citizen promise and the category table (TOML) that maps raw police categories to them, with harm weights.
