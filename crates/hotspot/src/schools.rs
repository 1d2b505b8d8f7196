//! School zones: incidents, harm and rate ratios within a radius of each school, time profiles and distance decay.
