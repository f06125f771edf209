//! HTTPS partner endpoints (filled in below).
