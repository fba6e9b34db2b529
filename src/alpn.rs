//! ALPN protocol lists in their wire format (length-prefixed names), and
//! `SSL_select_next_proto`'s rule over two of them.

/// Splits an ALPN wire-format list (length-prefixed names); None if malformed.
pub fn parse_alpn(wire: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut rest = wire;
    while let Some((&len, tail)) = rest.split_first() {
        let len = len as usize;
        if len == 0 || len > tail.len() {
            return None;
        }
        out.push(tail[..len].to_vec());
        rest = &tail[len..];
    }
    Some(out)
}

/// The outcome of `SSL_select_next_proto`: the offset of the chosen length byte in the
/// server list, or, without overlap, in the client list.
pub enum ProtoChoice {
    Negotiated(usize),
    NoOverlap(usize),
}

/// OpenSSL's rule: the first server protocol that the client also lists; otherwise the
/// client's first protocol. A client list whose first entry is empty or malformed
/// negotiates nothing; elsewhere, as in OpenSSL, empty entries are skipped and a list
/// ends at an entry running past its end.
pub fn select_next_proto(server: &[u8], client: &[u8]) -> Option<ProtoChoice> {
    // The entries of a list, walked as OpenSSL walks them: lazily (nothing after a match is
    // read, so a list length larger than the caller's buffer is not followed further than
    // OpenSSL follows it; the sweep of tools/misuse found the eager walk faulting there).
    fn entries(list: &[u8]) -> impl Iterator<Item = (usize, &[u8])> + '_ {
        let mut off = 0;
        std::iter::from_fn(move || loop {
            let len = *list.get(off)? as usize;
            if off + 1 + len > list.len() {
                return None;
            }
            let at = off;
            off += 1 + len;
            if len > 0 {
                return Some((at, &list[at + 1..at + 1 + len]));
            }
        })
    }
    // Without a good first client entry OpenSSL looks no further.
    if client.first().is_none_or(|&len| len == 0 || 1 + len as usize > client.len()) {
        return None;
    }
    for (off, proto) in entries(server) {
        if entries(client).any(|(_, c)| c == proto) {
            return Some(ProtoChoice::Negotiated(off));
        }
    }
    Some(ProtoChoice::NoOverlap(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpn_wire_format_is_split_and_validated() {
        assert_eq!(parse_alpn(b"\x02h2\x08http/1.1"), Some(vec![b"h2".to_vec(), b"http/1.1".to_vec()]));
        assert_eq!(parse_alpn(b""), Some(vec![]));
        assert_eq!(parse_alpn(b"\x05h2"), None);
        assert_eq!(parse_alpn(b"\x00"), None);
    }

    #[test]
    fn next_proto_prefers_server_order() {
        match select_next_proto(b"\x08http/1.1\x02h2", b"\x02h2\x08http/1.1") {
            Some(ProtoChoice::Negotiated(0)) => {}
            _ => panic!("expected the server's first protocol"),
        }
        match select_next_proto(b"\x03foo", b"\x02h2") {
            Some(ProtoChoice::NoOverlap(0)) => {}
            _ => panic!("expected the client's first protocol"),
        }
    }

    // Found by the config_diff fuzz target: OpenSSL skips empty entries in both lists
    // (and keeps looking), but takes the client's default only from its first entry.
    #[test]
    fn next_proto_skips_empty_entries_as_openssl() {
        assert!(matches!(select_next_proto(b"\x00\x02h2", b"\x02h2"), Some(ProtoChoice::Negotiated(1))));
        assert!(matches!(select_next_proto(b"\x02h2", b"\x03foo\x00\x02h2"), Some(ProtoChoice::Negotiated(0))));
        assert!(select_next_proto(b"\x02h2", b"\x00\x02h2").is_none());
        assert!(select_next_proto(b"\x02h2\x09", b"\x05h").is_none());
    }

    // Found by the config_diff fuzz target: a TLS 1.2 suite named in the TLS 1.3 list
    // stays there in OpenSSL and counts as a TLS 1.2 cipher, so a cipher string that
    // selects nothing still succeeds.
}
