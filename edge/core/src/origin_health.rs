//! Whether this edge instance's origins are answering, as its own requests found: the last
//! origin request decides. A stale page served while the origin is known to be failing says
//! the shop is read-only (see [`crate::read_only`]), also within the stale-while-revalidate
//! window, where the edge answers before asking the origin.
//!
//! Per instance and per thread, like the page coalescing: a Spin instance (one per request)
//! starts knowing nothing, so there a stale page gets the notice only once its own fetch fails.

use std::cell::Cell;

use crate::host::Timestamp;

thread_local! {
    /// When the origin last started failing (host clock, ms); `None` while it answers.
    static FAILING_SINCE: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Records how an origin request went: an answer (any status but 502–504) or a failure.
pub fn record(answered: bool, now: Timestamp) {
    FAILING_SINCE.with(|since| match (answered, since.get()) {
        (true, _) => since.set(None),
        (false, None) => since.set(Some(now.millis())),
        (false, Some(_)) => {}
    });
}

/// Whether the last origin request of this instance failed.
pub fn failing() -> bool {
    FAILING_SINCE.with(|since| since.get().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_origin_request_decides() {
        assert!(!failing());
        record(false, Timestamp(10));
        record(false, Timestamp(20));
        assert!(failing());
        FAILING_SINCE.with(|since| assert_eq!(since.get(), Some(10), "failing since the first failure"));
        record(true, Timestamp(30));
        assert!(!failing());
    }
}
