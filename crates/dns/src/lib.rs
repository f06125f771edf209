//! DNS and Autodiscover for federated sharing: exact record checks across resolvers,
//! propagation waits, record publication, partner discovery (GetFederationInformation) and
//! probes of our own published endpoints.

mod agreement;
pub mod availability;
pub mod batch;
pub mod check;
mod compare;
pub mod discovery;
pub mod error;
pub mod lookup;
pub mod metadata;
pub mod probe;
pub mod propagation;
pub mod publish;
mod records;
pub mod resolve;
pub mod tls;
mod transport;
pub mod tsig;
pub mod views;

pub use agreement::{Agreement, AnswerGroup};
pub use check::{
    check_domain, CheckOptions, DomainDnsReport, ExpectedProof, Finding, RecordCheck, RecordKind,
    RecordStatus, ViewAnswer,
};
pub use discovery::{
    discover_partner, Attempt, AttemptOutcome, Discoverer, DiscoveryOptions, DiscoveryStep,
    ExchangeOnline, FederationInfo, PartnerDiscovery,
};
pub use error::DnsError;
pub use lookup::{lookup, zone_of, LookupType};
pub use propagation::{
    wait_for_propagation, Progress, PropagationCheck, PropagationOutcome, ViewProgress,
};
pub use publish::{
    manual_instructions, publish_record, DnsRecord, ManualInstructions, PublishMode, PublishReport,
    PublishType, UpdateTarget,
};
pub use records::ViewOutcome;
pub use resolve::HostResolver;
pub use tls::TlsOptions;
pub use transport::Transport;
pub use tsig::{TsigAlgo, TsigKey};
pub use views::{SystemResolver, View, ViewKind};
