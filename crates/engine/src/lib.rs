//! The engine facade (see ARCHITECTURE.md).
