//! The plan crate's failures, each with a stable dotted code.

use fedshare_model::ErrorCode;

/// Where in a plan file something went wrong (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilePosition {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for FilePosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("could not read the plan file {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The TOML itself is malformed (toml's own message says what was expected).
    #[error("{at}: {expected}")]
    Syntax { at: FilePosition, expected: String },
    /// The TOML is well formed but a value breaks a rule (Exchange's or the plan format's).
    #[error("{at}: {expected}")]
    Invalid { at: FilePosition, expected: String },
    /// The observed organization contradicts the plan in a way no step can fix without
    /// touching something the plan does not name.
    #[error("the plan conflicts with the organization: {0}")]
    Conflict(String),
    /// What Exchange would refuse, said before anything runs, with Exchange's exception name.
    #[error("Exchange would refuse this ({exception}): {reason}")]
    Refused { exception: String, reason: String },
    #[error("the organization has no federation trust, so it has no federation certificate to roll; create the trust first (fedshare apply)")]
    NoTrust,
    #[error("the federation certificate {thumbprint} expired on {not_after}: it cannot be rolled, because the Microsoft Federation Gateway authenticates the publish with the current certificate (1007 AccessDenied). Rebuild instead: remove the federated domains with -Force (the primary domain last) and the trust, then apply the plan again; every domain then needs a new proof TXT record, and the gateway may refuse the same domain on the same day (MaxUriReached), so plan for a day's wait")]
    CertificateExpired {
        thumbprint: String,
        not_after: String,
    },
    #[error("the shell could not read {cmdlet}: {message}")]
    Observe { cmdlet: String, message: String },
    #[error("{cmdlet} returned output that could not be read: {reason}")]
    UnexpectedOutput { cmdlet: String, reason: String },
    #[error("step {step} failed: {cmdlet}: {exception}: {message}")]
    StepFailed {
        step: String,
        cmdlet: String,
        exception: String,
        message: String,
    },
    /// Undo could not remove a federated domain. Exchange releases the domain at the
    /// Microsoft Federation Gateway first, and without `-Force` stops when that fails.
    #[error("step {step} failed: Remove-FederatedDomain -DomainName {domain}: {exception}: {message}. If Exchange could not reach the Microsoft Federation Gateway, run the undo again with -Force for the federated domains (fedshare undo --force-domains): Exchange then removes the domain from this organization although the gateway has not released it")]
    DomainRemovalFailed {
        step: String,
        domain: String,
        exception: String,
        message: String,
    },
    #[error("step {step}: {message}")]
    Dns { step: String, message: String },
    #[error("step {step}: the record {record} did not become resolvable within {seconds} s")]
    DnsTimeout {
        step: String,
        record: String,
        seconds: u64,
    },
    /// The run was cancelled (Cancel in the app, Ctrl-C in the CLI) at a point where the
    /// journal is whole.
    #[error("cancelled during step {step}: nothing more was run. Every step applied before it stays applied and recorded in the journal; apply again to resume from here, or undo")]
    Cancelled { step: String },
    /// Undo was asked to go back to a step the journal does not hold as applied.
    #[error("the step {step} is not applied (the journal has no applied, not yet undone entry for it); choose one of the applied steps, or undo everything")]
    UndoTargetMissing { step: String },
    #[error("step {step}: the value for {placeholder} is not known yet")]
    Unresolved { step: String, placeholder: String },
    #[error("step {step}: verification failed: {detail}")]
    Verification { step: String, detail: String },
    #[error("the journal {path} could not be written or read")]
    Journal {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the journal {path} has an unreadable entry at line {line}")]
    JournalCorrupt { path: String, line: usize },
    /// Another apply or undo of the same profile is running (this process or another).
    #[error(
        "another apply or undo is running for this profile ({holder}); wait for it to finish, \
         then run this again: it resumes from what is done"
    )]
    JournalBusy { path: String, holder: String },
    /// A plan needs a primary domain, and the organization offers none to adopt.
    #[error("the organization \"{organization}\" has no federated account namespace and no accepted domain that can be shared (wildcard domains cannot); add an accepted domain in Exchange (New-AcceptedDomain), or write the plan file by hand")]
    NoAcceptedDomain { organization: String },
}

impl ErrorCode for PlanError {
    fn code(&self) -> &'static str {
        match self {
            PlanError::Read { .. } => "plan.read",
            PlanError::Syntax { .. } => "plan.syntax",
            PlanError::Invalid { .. } => "plan.invalid",
            PlanError::Conflict(_) => "plan.conflict",
            PlanError::NoTrust => "plan.no_trust",
            PlanError::Refused { .. } => "plan.refused",
            PlanError::CertificateExpired { .. } => "plan.certificate_expired",
            PlanError::Observe { .. } => "plan.observe",
            PlanError::UnexpectedOutput { .. } => "plan.unexpected_output",
            PlanError::StepFailed { .. } => "plan.step_failed",
            PlanError::DomainRemovalFailed { .. } => "plan.domain_removal_failed",
            PlanError::Dns { .. } => "plan.dns",
            PlanError::DnsTimeout { .. } => "plan.dns_timeout",
            PlanError::Cancelled { .. } => "plan.cancelled",
            PlanError::UndoTargetMissing { .. } => "plan.undo_target_missing",
            PlanError::Unresolved { .. } => "plan.unresolved",
            PlanError::Verification { .. } => "plan.verification",
            PlanError::Journal { .. } => "plan.journal",
            PlanError::JournalCorrupt { .. } => "plan.journal_corrupt",
            PlanError::JournalBusy { .. } => "plan.journal_busy",
            PlanError::NoAcceptedDomain { .. } => "plan.no_accepted_domain",
        }
    }
}
