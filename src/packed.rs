//! Small enums kept in one atomic byte, for per-connection state that is read without
//! taking the connection's locks (`SSL_get_state`, `SSL_get_error`, the role).
//!
//! [`packed_enum!`] declares such an enum with its byte values; [`Atomic`] holds one. Only
//! values written through [`Packed::pack`] are ever stored, so every stored byte names a
//! variant.
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU8, Ordering};

/// An enum with a one-byte encoding.
pub trait Packed: Copy {
    fn pack(self) -> u8;
    /// The value `pack` gave `v` for.
    fn unpack(v: u8) -> Self;
}

/// Declares a fieldless enum with explicit byte values and its [`Packed`] encoding.
macro_rules! packed_enum {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $var:ident = $val:literal,)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        $vis enum $name { $($(#[$vm])* $var = $val,)+ }

        impl $crate::packed::Packed for $name {
            fn pack(self) -> u8 {
                self as u8
            }
            fn unpack(v: u8) -> Self {
                match v {
                    $($val => $name::$var,)+
                    _ => unreachable!("only packed values are stored"),
                }
            }
        }
    };
}
pub(crate) use packed_enum;

/// One [`Packed`] value, read and written atomically (relaxed: each is a flag of its own,
/// ordered by the connection's locks where it must be).
pub struct Atomic<E> {
    v: AtomicU8,
    _e: PhantomData<E>,
}

impl<E: Packed> Atomic<E> {
    pub fn new(e: E) -> Self {
        Atomic { v: AtomicU8::new(e.pack()), _e: PhantomData }
    }

    pub fn get(&self) -> E {
        E::unpack(self.v.load(Ordering::Relaxed))
    }

    pub fn set(&self, e: E) {
        self.v.store(e.pack(), Ordering::Relaxed);
    }

    /// Sets `e`, returning the value it replaced.
    pub fn replace(&self, e: E) -> E {
        E::unpack(self.v.swap(e.pack(), Ordering::Relaxed))
    }

    /// Moves from `from` to `to`; false (and no change) if the value was not `from`.
    pub fn transition(&self, from: E, to: E) -> bool {
        self.v.compare_exchange(from.pack(), to.pack(), Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }
}

/// `None` is stored as 0, so `E` must not use 0 for a variant.
impl<E: Packed> Packed for Option<E> {
    fn pack(self) -> u8 {
        self.map_or(0, |e| {
            let v = e.pack();
            debug_assert_ne!(v, 0, "0 stands for None");
            v
        })
    }
    fn unpack(v: u8) -> Self {
        (v != 0).then(|| E::unpack(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    packed_enum! {
        enum Light {
            Red = 1,
            Amber = 2,
            Green = 7,
        }
    }

    #[test]
    fn values_round_trip_and_transitions_check_the_old_value() {
        let a = Atomic::new(Light::Red);
        assert_eq!(a.get(), Light::Red);
        assert!(!a.transition(Light::Green, Light::Amber), "not Green: unchanged");
        assert_eq!(a.get(), Light::Red);
        assert!(a.transition(Light::Red, Light::Green));
        assert_eq!(a.replace(Light::Amber), Light::Green);
        assert_eq!(a.get(), Light::Amber);

        let o: Atomic<Option<Light>> = Atomic::new(None);
        assert_eq!(o.get(), None);
        o.set(Some(Light::Green));
        assert_eq!(o.get(), Some(Light::Green));
        for s in [crate::statem::HsState::Before, crate::statem::HsState::SwCertVrfy, crate::statem::HsState::EarlyData]
        {
            assert_eq!(crate::statem::HsState::unpack(s.pack()), s);
        }
    }
}
