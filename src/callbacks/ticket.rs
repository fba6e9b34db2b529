//! Session tickets sealed with the application's keys (its ticket key callback), and the
//! generate/decrypt callbacks of `SSL_CTX_set_session_ticket_cb`.
use std::os::raw::c_int;
use std::sync::Arc;

use crate::conn::Ssl;
use crate::crypto::ticket::{self, CipherCtx, MacCtx, KEY_NAME_LEN, MAX_IV_LEN};
use crate::ctx::TicketKeyCb;

/// What opening a ticket with the application's callback gave.
pub enum Opened {
    /// The session, and whether the callback asked for a new ticket (it returned 2).
    Session(Vec<u8>, bool),
    /// Not a ticket of ours (unknown key name, bad MAC, too short): a full handshake.
    NotOurs,
    /// The callback failed (returned a negative value).
    Failed,
}

/// The context's ticket key callback, if it has one (OpenSSL uses the context the
/// connection was made with, not one an SNI callback switched to).
pub(crate) fn ticket_key_callback(ssl: &Arc<Ssl>) -> TicketKeyCb {
    ssl.initial_callbacks().ticket_key
}

fn mac_for(cb: TicketKeyCb) -> Option<MacCtx> {
    match cb {
        TicketKeyCb::Hmac(_) => MacCtx::hmac(),
        TicketKeyCb::Evp(_) => MacCtx::evp_hmac(),
        TicketKeyCb::None => None,
    }
}

/// Asks the callback for a key (enc = 1 or 0) with the contexts it is to set up.
fn call(
    cb: TicketKeyCb,
    ssl: &Arc<Ssl>,
    name: &mut [u8; KEY_NAME_LEN],
    iv: &mut [u8; MAX_IV_LEN],
    cipher: &CipherCtx,
    mac: &MacCtx,
    enc: c_int,
) -> c_int {
    // SAFETY: the application's callback gets its own SSL handle, a 16-byte key name and
    // an EVP_MAX_IV_LENGTH IV buffer that live across the call, and contexts of the types
    // its prototype names (the MAC context was made to match the callback's kind).
    unsafe {
        match (cb, mac) {
            (TicketKeyCb::Hmac(f), MacCtx::Hmac(h)) => {
                f(ssl.app_ptr(), name.as_mut_ptr(), iv.as_mut_ptr(), cipher.as_ptr(), *h, enc)
            }
            (TicketKeyCb::Evp(f), MacCtx::Evp(m)) => {
                f(ssl.app_ptr(), name.as_mut_ptr(), iv.as_mut_ptr(), cipher.as_ptr(), *m, enc)
            }
            _ => -1,
        }
    }
}

/// Seals a new ticket for `plain`; `None` when the callback declines (returns 0 or less)
/// or the contexts it set up do not work, and no ticket is sent.
pub(crate) fn seal_with_callback(ssl: &Arc<Ssl>, cb: TicketKeyCb, plain: &[u8]) -> Option<Vec<u8>> {
    let (cipher, mac) = (CipherCtx::new()?, mac_for(cb)?);
    let (mut name, mut iv) = ([0u8; KEY_NAME_LEN], [0u8; MAX_IV_LEN]);
    if call(cb, ssl, &mut name, &mut iv, &cipher, &mac, 1) <= 0 {
        return None;
    }
    let sealed = ticket::seal(&name, &iv, &cipher, &mac, plain);
    if sealed.is_none() {
        crate::crypto::err::clear();
    }
    sealed
}

/// Opens a ticket the client presented.
pub(crate) fn open_with_callback(ssl: &Arc<Ssl>, cb: TicketKeyCb, sealed: &[u8]) -> Opened {
    // OpenSSL hands the callback the key name and a full IV buffer from the ticket.
    if sealed.len() < KEY_NAME_LEN + MAX_IV_LEN {
        return Opened::NotOurs;
    }
    let (Some(cipher), Some(mac)) = (CipherCtx::new(), mac_for(cb)) else { return Opened::Failed };
    let mut name = [0u8; KEY_NAME_LEN];
    let mut iv = [0u8; MAX_IV_LEN];
    name.copy_from_slice(&sealed[..KEY_NAME_LEN]);
    iv.copy_from_slice(&sealed[KEY_NAME_LEN..KEY_NAME_LEN + MAX_IV_LEN]);
    match call(cb, ssl, &mut name, &mut iv, &cipher, &mac, 0) {
        r if r < 0 => Opened::Failed,
        0 => Opened::NotOurs,
        r => match ticket::open(sealed, &cipher, &mac) {
            Some(plain) => Opened::Session(plain, r == 2),
            None => {
                crate::crypto::err::clear();
                Opened::NotOurs
            }
        },
    }
}

/// `SSL_TICKET_STATUS` values handed to the decrypt callback.
pub const SSL_TICKET_EMPTY: c_int = 3;
pub const SSL_TICKET_NO_DECRYPT: c_int = 4;
pub const SSL_TICKET_SUCCESS: c_int = 5;
pub const SSL_TICKET_SUCCESS_RENEW: c_int = 6;
/// `SSL_TICKET_RETURN` values it answers with (ABORT 0, IGNORE 1 below these).
pub const SSL_TICKET_RETURN_IGNORE_RENEW: c_int = 2;
pub const SSL_TICKET_RETURN_USE: c_int = 3;
pub const SSL_TICKET_RETURN_USE_RENEW: c_int = 4;

/// The generate callback, before a ticket is sealed (the context the connection was made
/// with, as OpenSSL's `session_ctx`); false if it failed (no ticket is sent).
pub(crate) fn run_ticket_gen_callback(ssl: &Arc<Ssl>) -> bool {
    let cb = ssl.initial_callbacks().ticket_gen;
    // SAFETY: the application's callback receives its own handle.
    unsafe { cb.invoke((ssl.app_ptr(),)) }.is_none_or(|r| r != 0)
}

/// The decrypt callback, once a presented ticket was opened (`sess`) or not; None without
/// a callback, else its `SSL_TICKET_RETURN` answer. `sealed` is the ticket as presented:
/// its first 16 bytes are passed as the key name.
pub(crate) fn run_ticket_dec_callback(
    ssl: &Arc<Ssl>,
    sess: Option<&Arc<crate::session::SslSession>>,
    sealed: &[u8],
    status: c_int,
) -> Option<c_int> {
    let cb = ssl.initial_callbacks().ticket_dec;
    if !cb.is_set() {
        return None;
    }
    let name = &sealed[..sealed.len().min(KEY_NAME_LEN)];
    let sess_ptr =
        sess.map_or(std::ptr::null_mut(), <crate::handles::SSL_SESSION as crate::handles::ownership::ArcHandle>::as_c);
    // SAFETY: the session handle (borrowed, kept alive by `sess`) and the key name stay
    // valid for the call; the callback receives its own handle.
    let answer = unsafe { cb.invoke((ssl.app_ptr(), sess_ptr, name.as_ptr(), name.len(), status)) }?;
    // IGNORE (or ABORT): no ticket this time; IGNORE_RENEW: a full handshake with a ticket.
    if answer < SSL_TICKET_RETURN_IGNORE_RENEW {
        ssl.suppress_tickets();
    }
    Some(answer)
}

/// Server, at the ClientHello: OpenSSL tells the decrypt callback when a TLS 1.2 client
/// offers the session ticket extension empty (it wants a ticket, has none). rustls calls
/// no ticket code then, so this does, when TLS 1.2 is what will be negotiated.
pub(crate) fn announce_empty_ticket(ssl: &Arc<Ssl>) {
    const TLSEXT_TYPE_SESSION_TICKET: u16 = 35;
    const TLSEXT_TYPE_SUPPORTED_VERSIONS: u16 = 43;
    if !ssl.initial_callbacks().ticket_dec.is_set() {
        return;
    }
    let Some(hello) = ssl.client_hello() else { return };
    if hello.extension(TLSEXT_TYPE_SESSION_TICKET).is_none_or(|t| !t.is_empty()) {
        return;
    }
    // TLS 1.3 if both ends can: the client lists it, our settings allow it.
    let client_tls13 = hello
        .extension(TLSEXT_TYPE_SUPPORTED_VERSIONS)
        .and_then(|v| v.get(1..))
        .is_some_and(|list| list.chunks_exact(2).any(|v| v == [3, 4]));
    let ours_tls13 = {
        let st = ssl.settings();
        (st.max_version == 0 || st.max_version >= crate::ctx::TLS1_3_VERSION)
            && st.min_version <= crate::ctx::TLS1_3_VERSION
    };
    if !(client_tls13 && ours_tls13) {
        run_ticket_dec_callback(ssl, None, &[], SSL_TICKET_EMPTY);
    }
}
