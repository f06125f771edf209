//! Small parsing helpers for addresses the user types.

use std::net::{SocketAddr, ToSocketAddrs};

use crate::EngineError;

/// `ADDR`, `ADDR:PORT`, `HOST` or `HOST:PORT` → one socket address (the first the OS resolves).
pub fn socket_addr(text: &str, default_port: u16) -> Result<SocketAddr, EngineError> {
    let bad = || EngineError::BadAddress(text.to_owned());
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(ip) = text.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, default_port));
    }
    let with_port = if text.contains(':') {
        text.to_owned()
    } else {
        format!("{text}:{default_port}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form() {
        assert_eq!(socket_addr("127.0.0.1:5353", 53).unwrap().port(), 5353);
        assert_eq!(socket_addr("127.0.0.1", 53).unwrap().port(), 53);
        assert_eq!(socket_addr("[::1]:54", 53).unwrap().port(), 54);
        assert!(matches!(
            socket_addr("not a host!", 53),
            Err(EngineError::BadAddress(_))
        ));
    }
}
