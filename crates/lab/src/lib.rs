//! The lab world (see ARCHITECTURE.md).
