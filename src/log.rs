//! `OXISSL_LOG`: diagnostics on stderr for someone debugging a program swapped onto oxissl.
//!
//! `OXISSL_LOG=info` reports handshake events (start, negotiated parameters, resumption,
//! failures) and every error oxissl queues; `OXISSL_LOG=debug` adds each libssl entry
//! point as it is called. Unset, empty or `off`: nothing (one relaxed load per call).
use std::fmt;
use std::io::Write;

use once_cell::sync::Lazy;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Level {
    Off,
    Info,
    Debug,
}

impl Level {
    pub fn parse(value: &str) -> Level {
        match value.trim().to_ascii_lowercase().as_str() {
            "debug" | "trace" | "2" => Level::Debug,
            "info" | "1" | "on" | "yes" => Level::Info,
            _ => Level::Off,
        }
    }
}

static LEVEL: Lazy<Level> = Lazy::new(|| std::env::var("OXISSL_LOG").map(|v| Level::parse(&v)).unwrap_or(Level::Off));

pub fn enabled(level: Level) -> bool {
    *LEVEL >= level && level != Level::Off
}

/// One line on stderr, prefixed with the process and thread (written in one call so
/// lines of concurrent threads do not interleave).
pub fn line(args: fmt::Arguments<'_>) {
    let mut text = format!("oxissl[{}]: ", std::process::id());
    let _ = fmt::write(&mut text, args);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// An entry point was called (`debug`).
#[inline]
pub fn entry(name: &str) {
    if enabled(Level::Debug) {
        line(format_args!("call {name}"));
    }
}

/// `oxlog!(info, "…", args)`: a line when the level is enabled.
macro_rules! oxlog {
    ($level:ident, $($arg:tt)*) => {
        if $crate::log::enabled($crate::log::Level::$level) {
            $crate::log::line(format_args!($($arg)*));
        }
    };
}
pub(crate) use oxlog;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_from_the_environment_value() {
        assert_eq!(Level::parse("debug"), Level::Debug);
        assert_eq!(Level::parse(" INFO "), Level::Info);
        assert_eq!(Level::parse("off"), Level::Off);
        assert_eq!(Level::parse(""), Level::Off);
        assert_eq!(Level::parse("bogus"), Level::Off);
        assert!(Level::Debug > Level::Info);
    }
}
