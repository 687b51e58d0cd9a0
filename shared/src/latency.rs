//! The latency histogram's buckets, one list for every component that measures a request.
//!
//! The same bounds at the edge (native, Workers, Spin) and at the origin let one Prometheus
//! query compare them, and a bound at exactly 200 ms lets the latency SLO ("p95 under 200 ms")
//! count good requests from a bucket instead of estimating a quantile.

/// Bucket upper bounds in seconds: fine-grained below 200 ms, where the p95 target lives.
pub const LATENCY_BUCKETS: [f64; 15] =
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The latency objective's threshold: a request answered within it is a good one.
pub const LATENCY_OBJECTIVE_SECS: f64 = 0.2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_objective_is_a_bucket_bound_so_good_requests_are_counted_exactly() {
        assert!(LATENCY_BUCKETS.contains(&LATENCY_OBJECTIVE_SECS));
        assert!(LATENCY_BUCKETS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
