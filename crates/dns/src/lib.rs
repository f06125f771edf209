//! DNS and Autodiscover (see ARCHITECTURE.md).
