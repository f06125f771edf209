//! What Exchange accepts for a `Uri` parameter: an absolute URI (`https://...`, `urn:...`) or a
//! bare host name (`TargetApplicationUri` is usually `FYDIBOHF25SPDLT.contoso.com`).

/// Returns `Err(what to do)` when `value` is neither an absolute URI nor a host name.
pub(crate) fn check(value: &str) -> Result<(), String> {
    if is_absolute_uri(value) || is_host_name(value) {
        Ok(())
    } else {
        Err("use an absolute URI such as https://mail.contoso.com/autodiscover/autodiscover.svc/WSSecurity or a host name such as contoso.com".to_owned())
    }
}

fn is_absolute_uri(value: &str) -> bool {
    // The url crate silently strips whitespace and control characters; Exchange would not.
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Ok(url) = url::Url::parse(value) else {
        return false;
    };
    // A one-letter scheme is a Windows drive letter (`c:\x`), not a URI.
    if url.scheme().len() < 2 {
        return false;
    }
    !url.has_authority() || url.host_str().is_some_and(|h| !h.is_empty())
}

/// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
pub(crate) fn is_host_name(value: &str) -> bool {
    let name = value.strip_suffix('.').unwrap_or(value);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Exchange's `EwsWsSecurityUrl.Fix`: the `TargetAutodiscoverEpr` it derives from an
/// Autodiscover URL, with `/WSSecurity` appended unless the URL already ends in it
/// (case-insensitive). The lab's `Get-FederationInformation` and partner discovery both use it.
pub fn ws_security_url(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    if lower.ends_with("/wssecurity") || lower.ends_with("/wssecurity/") {
        url.to_owned()
    } else if url.ends_with('/') {
        format!("{url}WSSecurity")
    } else {
        format!("{url}/WSSecurity")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert!(is_host_name("outlook.com"));
        assert!(is_host_name("a-b.c"));
        assert!(!is_host_name("a..b"));
        assert!(!is_host_name("a_b.com"));
        assert!(!is_host_name(&"a".repeat(64)));
    }

    #[test]
    fn absolute_uris() {
        assert!(check("https://mail.contoso.com/ews/exchange.asmx").is_ok());
        assert!(check("urn:federation:MicrosoftOnline").is_ok());
        assert!(check("https://").is_err());
        assert!(check("https://x/\n").is_err());
        assert!(check("/relative/path").is_err());
    }

    #[test]
    fn ws_security_suffix_follows_exchange() {
        assert_eq!(
            ws_security_url("https://a/autodiscover/autodiscover.svc"),
            "https://a/autodiscover/autodiscover.svc/WSSecurity"
        );
        assert_eq!(ws_security_url("https://a/x/"), "https://a/x/WSSecurity");
        assert_eq!(
            ws_security_url("https://a/x/wssecurity"),
            "https://a/x/wssecurity"
        );
        assert_eq!(
            ws_security_url("https://a/x/wssecurity/"),
            "https://a/x/wssecurity/"
        );
        assert_eq!(
            ws_security_url("https://a/x/WSSecurity"),
            "https://a/x/WSSecurity"
        );
    }
}
