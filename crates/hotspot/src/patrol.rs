//! Patrol zones chosen by harm-weighted maximal coverage, when to patrol them, and a route through them.
