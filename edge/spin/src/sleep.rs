//! A timer for the origin deadline. spin-sdk 5's `http::send` takes no timeout, so the request
//! races a [`Sleep`] on `wasi:clocks/monotonic-clock`, registered with spin-sdk's executor
//! like any other pollable.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use spin_executor::CancelOnDropToken;
use wasi::clocks::monotonic_clock;

/// Completes once `millis` milliseconds have passed. Dropping it unregisters its pollable, so
/// a request that beat the deadline leaves no timer behind in a reused instance.
pub struct Sleep {
    /// Monotonic-clock instant, in nanoseconds.
    deadline: u64,
    registration: Option<CancelOnDropToken>,
}

impl Sleep {
    pub fn new(millis: u64) -> Sleep {
        let deadline = monotonic_clock::now().saturating_add(millis.saturating_mul(1_000_000));
        Sleep { deadline, registration: None }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if monotonic_clock::now() >= self.deadline {
            self.registration = None;
            return Poll::Ready(());
        }
        let pollable = monotonic_clock::subscribe_instant(self.deadline);
        // Replacing the registration drops (and so cancels) the previous one.
        self.registration =
            Some(spin_executor::push_waker_and_get_token(pollable, cx.waker().clone()).into());
        Poll::Pending
    }
}
