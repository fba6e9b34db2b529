//! Session tickets sealed with the application's keys: `SSL_CTX_set_tlsext_ticket_key_cb`
//! (through `SSL_CTX_callback_ctrl`) and `SSL_CTX_set_tlsext_ticket_key_evp_cb`. The
//! callback names the key and sets up the cipher and MAC contexts; the ticket is laid out
//! as OpenSSL lays it out (`crate::crypto::ticket`), so a fleet of servers sharing keys
//! resumes one another's sessions.
use std::os::raw::{c_int, c_uchar};
use std::sync::Arc;

use openssl_sys::{EVP_CIPHER_CTX, EVP_MAC_CTX};

use super::{SSL, SSL_CTX};
use crate::conn::Ssl;
use crate::crypto::ticket::{self, CipherCtx, MacCtx, KEY_NAME_LEN, MAX_IV_LEN};
use crate::ctx::TicketKeyCb;

type EvpTicketKeyCb =
    Option<unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut c_uchar, *mut EVP_CIPHER_CTX, *mut EVP_MAC_CTX, c_int) -> c_int>;

#[no_mangle]
pub extern "C" fn SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx: *mut SSL_CTX, fp: EvpTicketKeyCb) -> c_int {
    ffi_boundary!("SSL_CTX_set_tlsext_ticket_key_evp_cb", 0, {
        let c = try_ref!("SSL_CTX_set_tlsext_ticket_key_evp_cb", ctx, 0);
        c.set_callbacks(|cbs| cbs.ticket_key = fp.map_or(TicketKeyCb::None, TicketKeyCb::Evp));
        1
    })
}

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
    ssl.initial_ctx.callbacks().ticket_key
}

fn mac_for(cb: TicketKeyCb) -> Option<MacCtx> {
    match cb {
        TicketKeyCb::Hmac(_) => MacCtx::hmac(),
        TicketKeyCb::Evp(_) => MacCtx::evp_hmac(),
        TicketKeyCb::None => None,
    }
}

/// Asks the callback for a key (enc = 1 or 0) with the contexts it is to set up.
fn call(cb: TicketKeyCb, ssl: &Arc<Ssl>, name: &mut [u8; KEY_NAME_LEN], iv: &mut [u8; MAX_IV_LEN], cipher: &CipherCtx, mac: &MacCtx, enc: c_int) -> c_int {
    // SAFETY: the application's callback gets its own SSL handle, a 16-byte key name and
    // an EVP_MAX_IV_LENGTH IV buffer that live across the call, and contexts of the types
    // its prototype names (the MAC context was made to match the callback's kind).
    unsafe {
        match (cb, mac) {
            (TicketKeyCb::Hmac(f), MacCtx::Hmac(h)) => f(ssl.app_ptr(), name.as_mut_ptr(), iv.as_mut_ptr(), cipher.as_ptr(), *h, enc),
            (TicketKeyCb::Evp(f), MacCtx::Evp(m)) => f(ssl.app_ptr(), name.as_mut_ptr(), iv.as_mut_ptr(), cipher.as_ptr(), *m, enc),
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
