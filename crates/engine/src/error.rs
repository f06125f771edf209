//! The engine's error type: every failure the front ends can show, with a stable code.

use fedshare_model::{ErrorCode, ErrorPayload};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Exchange(#[from] fedshare_exchange::ExchangeError),

    #[error(transparent)]
    Plan(#[from] fedshare_plan::PlanError),

    #[error(transparent)]
    Lab(#[from] fedshare_lab::LabError),

    #[error(transparent)]
    Credentials(#[from] fedshare_credentials::CredentialError),

    #[error(transparent)]
    Dns(#[from] fedshare_dns::DnsError),

    #[error(transparent)]
    Checks(#[from] fedshare_checks::ChecksError),

    #[error(transparent)]
    Map(#[from] fedshare_map::MapError),

    #[error(transparent)]
    Report(#[from] fedshare_report::ReportError),

    #[error(transparent)]
    Connection(#[from] crate::connection::ConnectionError),

    #[error("the Lab profile always exists and cannot be {0}; add a new profile for a real organization")]
    LabProfile(&'static str),

    #[error(
        "'{0}' is not a usable profile name: use 1 to 64 letters, digits, spaces, '-', '_' or '.'"
    )]
    ProfileName(String),

    #[error("there is no connection profile named '{0}'; add it on the Connection page or pick one of the listed profiles")]
    UnknownProfile(String),

    #[error("the profiles in {path} could not be read ({reason}); fix or remove the file, the Lab profile is recreated")]
    ProfileStore { path: String, reason: String },

    /// A real organization's first plan is adopted from the organization, which needs a
    /// connection; without one no plan file is written.
    #[error("the profile '{profile}' has no plan yet; its first plan describes the organization as it is, and Fedshare could not read the organization: connect to it (check the profile's connection and credential), or pass a plan file")]
    PlanNeedsOrganization {
        profile: String,
        #[source]
        source: Box<EngineError>,
    },

    #[error("the plan names the lab DNS server, but this profile is not the lab organization; name your DNS server instead")]
    NotLab,

    #[error("'{0}' is not an address: use ADDR, ADDR:PORT, HOST or HOST:PORT")]
    BadAddress(String),

    #[error("the lab network could not be started in this process ({0}); start it with `fedshare lab serve` in another terminal and run the command again")]
    LabNetwork(String),

    #[error(transparent)]
    Ews(#[from] fedshare_ews::EwsError),

    #[error("'{0}' is not a mailbox address: type it as name@domain, e.g. alexw@contoso.com")]
    MailboxAddress(String),

    #[error("no EWS virtual directory has an ExternalUrl, so there is no EWS to ask; set it with Set-WebServicesVirtualDirectory -ExternalUrl https://mail.<domain>/EWS/Exchange.asmx")]
    NoEwsUrl,

    #[error("'{0}' is not a domain name: type the partner's SMTP domain, e.g. fabrikam.com")]
    PartnerDomain(String),

    #[error("{cmdlet} returned output Fedshare could not read ({reason}); check that the server runs Exchange 2013")]
    UnexpectedOutput { cmdlet: String, reason: String },

    /// This same program already runs an apply or undo (a second one would wait on its own
    /// journal lock): the person is pointed at the run they already have.
    #[error("An {kind} is already running in this window: see the progress in the header (Cancel there stops it at its next safe point).")]
    RunInProgress { kind: &'static str },

    #[error("could not use {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl ErrorCode for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::Exchange(e) => e.code(),
            EngineError::Plan(e) => e.code(),
            EngineError::Lab(e) => e.code(),
            EngineError::Credentials(e) => e.code(),
            EngineError::Dns(e) => e.code(),
            EngineError::Checks(e) => e.code(),
            EngineError::Map(e) => e.code(),
            EngineError::Report(e) => e.code(),
            EngineError::Connection(e) => e.code(),
            EngineError::Ews(e) => e.code(),
            EngineError::LabProfile(_) => "engine.lab_profile",
            EngineError::ProfileName(_) => "engine.profile_name",
            EngineError::UnknownProfile(_) => "engine.unknown_profile",
            EngineError::ProfileStore { .. } => "engine.profile_store",
            EngineError::PlanNeedsOrganization { .. } => "engine.plan_needs_organization",
            EngineError::NotLab => "engine.not_lab",
            EngineError::BadAddress(_) => "engine.bad_address",
            EngineError::LabNetwork(_) => "engine.lab_network",
            EngineError::PartnerDomain(_) => "engine.partner_domain",
            EngineError::MailboxAddress(_) => "engine.mailbox_address",
            EngineError::NoEwsUrl => "engine.no_ews_url",
            EngineError::UnexpectedOutput { .. } => "engine.unexpected_output",
            EngineError::RunInProgress { .. } => "engine.run_in_progress",
            EngineError::Io { .. } => "engine.io",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            EngineError::Exchange(e) => e.detail(),
            EngineError::Plan(e) => e.detail(),
            EngineError::Lab(e) => e.detail(),
            EngineError::Credentials(e) => e.detail(),
            EngineError::Dns(e) => e.detail(),
            EngineError::Checks(e) => e.detail(),
            EngineError::Io { source, .. } => Some(source.to_string()),
            EngineError::Map(e) => e.detail(),
            EngineError::Report(e) => e.detail(),
            EngineError::Connection(e) => e.detail(),
            EngineError::Ews(e) => e.detail(),
            // Why the organization could not be read, with its own code for the explainer.
            EngineError::PlanNeedsOrganization { source, .. } => {
                Some(source.to_payload().to_string())
            }
            EngineError::UnexpectedOutput { .. }
            | EngineError::LabProfile(_)
            | EngineError::ProfileName(_)
            | EngineError::UnknownProfile(_)
            | EngineError::ProfileStore { .. }
            | EngineError::NotLab
            | EngineError::BadAddress(_)
            | EngineError::LabNetwork(_)
            | EngineError::PartnerDomain(_)
            | EngineError::MailboxAddress(_)
            | EngineError::NoEwsUrl
            | EngineError::RunInProgress { .. } => None,
        }
    }
}

impl From<EngineError> for ErrorPayload {
    fn from(e: EngineError) -> Self {
        e.to_payload()
    }
}
