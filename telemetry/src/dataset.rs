//! The four log streams. An event picks its stream by its `tracing` target
//! (`tracing::info!(target: "audit", …)`); everything else is the application's own.
//! Retention differs per stream (README, "Logs"), which is why they are kept apart.

/// One of the shop's log streams, written as `event.dataset` (`linkedall.access` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// What the program did and why it failed: starts, stops, retries, errors.
    Application,
    /// One line per answered request: method, path, status, duration.
    Access,
    /// Every admin action: purges, exchange rates, replays, releases, suspensions, role changes.
    Audit,
    /// Failed sign-ins, refused addresses, bad webhook signatures, forbidden access, revoked tokens.
    Security,
}

impl Dataset {
    /// The `tracing` target that sends an event to the access stream.
    pub const ACCESS: &'static str = "access";
    /// The `tracing` target that sends an event to the audit stream.
    pub const AUDIT: &'static str = "audit";
    /// The `tracing` target that sends an event to the security stream.
    pub const SECURITY: &'static str = "security";

    /// The stream an event of `target` belongs to.
    pub fn of_target(target: &str) -> Dataset {
        match target {
            Self::ACCESS => Dataset::Access,
            Self::AUDIT => Dataset::Audit,
            Self::SECURITY => Dataset::Security,
            _ => Dataset::Application,
        }
    }

    /// The `event.dataset` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Dataset::Application => "linkedall.application",
            Dataset::Access => "linkedall.access",
            Dataset::Audit => "linkedall.audit",
            Dataset::Security => "linkedall.security",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dataset;

    #[test]
    fn targets_choose_the_stream_and_anything_else_is_the_application() {
        assert_eq!(Dataset::of_target("access"), Dataset::Access);
        assert_eq!(Dataset::of_target("audit"), Dataset::Audit);
        assert_eq!(Dataset::of_target("security"), Dataset::Security);
        assert_eq!(Dataset::of_target("linkedall_origin::routes::purge"), Dataset::Application);
        assert_eq!(Dataset::Security.as_str(), "linkedall.security");
    }
}
