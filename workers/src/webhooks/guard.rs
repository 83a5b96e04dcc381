//! Which addresses a webhook may target. Without the operator's consent
//! (`allow_private_webhooks`), a URL must be http(s) and its host must neither be nor resolve to
//! a loopback, link-local, private (RFC 1918, fc00::/7), shared (100.64/10), unspecified,
//! broadcast or multicast address, so a creator cannot make Lyceum probe its own network. The
//! check runs at registration and again before every attempt (DNS can change), and the sender
//! connects to exactly the addresses that were checked.

use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// How long resolving a host may take, at registration and before each attempt.
const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a URL may not be a webhook target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("url is not a valid absolute URL")]
    Invalid,
    #[error("url must use http or https")]
    NotHttp,
    #[error("url must have a host and no credentials")]
    NoHost,
    #[error("url's host does not resolve")]
    Unresolvable,
    #[error("url's host is or resolves to a non-public address ({0})")]
    NotPublic(IpAddr),
}

/// A checked target: the URL, and the addresses to connect to when they were resolved here.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    /// `(host, address)` to pin the connection to; empty when the host is an IP literal or
    /// private targets are allowed (then the client resolves it itself).
    pub pinned: Vec<(String, SocketAddr)>,
}

/// Whether `ip` is an address webhooks must not reach by default.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => forbidden_v4(v4),
            None => forbidden_v6(v6),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// Parses `raw` and checks the scheme and host, without DNS.
pub fn parse(raw: &str) -> Result<Url, AddressError> {
    let url = Url::parse(raw).map_err(|_| AddressError::Invalid)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AddressError::NotHttp);
    }
    if url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(AddressError::NoHost);
    }
    Ok(url)
}

/// Checks `raw` as a webhook target, resolving its host.
pub async fn check(raw: &str, allow_private: bool) -> Result<Target, AddressError> {
    let url = parse(raw)?;
    if allow_private {
        return Ok(Target {
            url,
            pinned: Vec::new(),
        });
    }
    let port = url.port_or_known_default().ok_or(AddressError::Invalid)?;
    match url.host() {
        Some(url::Host::Ipv4(ip)) => refuse_if_forbidden(IpAddr::V4(ip))?,
        Some(url::Host::Ipv6(ip)) => refuse_if_forbidden(IpAddr::V6(ip))?,
        Some(url::Host::Domain(domain)) => {
            let domain = domain.to_owned();
            let lookup = tokio::net::lookup_host((domain.as_str(), port));
            let addrs: Vec<SocketAddr> = tokio::time::timeout(DNS_TIMEOUT, lookup)
                .await
                .map_err(|_| AddressError::Unresolvable)?
                .map_err(|_| AddressError::Unresolvable)?
                .collect();
            if addrs.is_empty() {
                return Err(AddressError::Unresolvable);
            }
            for addr in &addrs {
                refuse_if_forbidden(addr.ip())?;
            }
            let pinned = addrs.into_iter().map(|a| (domain.clone(), a)).collect();
            return Ok(Target { url, pinned });
        }
        None => return Err(AddressError::NoHost),
    }
    Ok(Target {
        url,
        pinned: Vec::new(),
    })
}

fn refuse_if_forbidden(ip: IpAddr) -> Result<(), AddressError> {
    if is_forbidden(ip) {
        Err(AddressError::NotPublic(ip))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "100.64.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(is_forbidden(ip), "{ip} should be forbidden");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111"] {
            let ip: IpAddr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert!(!is_forbidden(ip), "{ip} should be allowed");
        }
    }

    #[tokio::test]
    async fn private_targets_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://[::1]/hook",
            "https://10.0.0.7/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:9000/hook",
        ] {
            assert!(
                matches!(check(url, false).await, Err(AddressError::NotPublic(_))),
                "{url}"
            );
            assert!(check(url, true).await.is_ok(), "{url}");
        }
    }

    #[tokio::test]
    async fn only_http_urls_with_a_host_are_targets() {
        assert_eq!(
            check("ftp://example.org/x", true).await.err(),
            Some(AddressError::NotHttp)
        );
        assert_eq!(
            check("not a url", true).await.err(),
            Some(AddressError::Invalid)
        );
        assert_eq!(
            check("http://user:pw@example.org/", true).await.err(),
            Some(AddressError::NoHost)
        );
        let public = check("http://93.184.216.34/hook", false).await;
        assert!(public.is_ok(), "{public:?}");
    }
}
