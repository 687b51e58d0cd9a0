//! Native edge host (see README).
