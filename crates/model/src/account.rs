//! Who is at the keyboard, as journals, acknowledgements and reports record it.

/// The signed-in account's name (`USER`, or `USERNAME` on Windows), when the environment
/// says.
pub fn signed_in_user() -> Option<String> {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
}
