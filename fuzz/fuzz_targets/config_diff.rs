//! config_diff: the config target's programs (oxissl_fuzz::ops) run on oxissl in-process
//! and on the system libssl in a second process (fuzz/oracle/config_oracle.c, started
//! once per fuzzing process, over pipes). Any difference in a result (accept/reject,
//! SSL_select_next_proto's choice, SSL_CONF_cmd_argv's progress) or in the resulting
//! state (cipher lists restricted to the suites oxissl implements, min/max version,
//! options, groups rustls implements) aborts, unless it is one the README names as
//! deliberate: see `normalise` (each rule cites the README line it relies on).
#![no_main]
use libfuzzer_sys::fuzz_target;
use oxissl_fuzz::ops::{self, Outcome};
use oxissl_fuzz::oracle;

fuzz_target!(|data: &[u8]| {
    let program = ops::parse(data);
    let ours = ops::run_oxissl(&program);
    let theirs = oracle::run(&program);
    if let Err(why) = oracle::compare(&program, &ours, &theirs) {
        panic!("oxissl and OpenSSL differ: {why}\nprogram: {program:?}\noxissl: {ours:?}\nOpenSSL: {theirs:?}");
    }
    let _ = Outcome::default();
});
