//! Compile-time fork selection: one zero-sized type per fork, so that the interpreter is
//! instantiated once per fork and every fork rule in a handler is a constant, not a run-time branch.

use crate::fork::Fork;
use crate::gas::GasSchedule;

/// A fork known at compile time.
pub trait Spec: 'static {
    /// The fork.
    const FORK: Fork;
    /// Its gas schedule, evaluated at compile time.
    const GAS: GasSchedule = GasSchedule::new(Self::FORK);
}

macro_rules! specs {
    ($($name:ident),*) => {
        $(
            #[doc = concat!("The ", stringify!($name), " fork as a type.")]
            #[derive(Clone, Copy, Debug)]
            pub struct $name;
            impl Spec for $name {
                const FORK: Fork = Fork::$name;
            }
        )*
    };
}

specs!(
    Frontier,
    Homestead,
    TangerineWhistle,
    SpuriousDragon,
    Byzantium,
    Constantinople,
    Petersburg,
    Istanbul,
    Berlin,
    London,
    Paris,
    Shanghai,
    Cancun
);

/// Evaluates `$body` with the type alias `$S` bound to the [`Spec`] of the run-time fork `$fork`.
#[macro_export]
#[doc(hidden)]
macro_rules! with_spec {
    ($fork:expr, $S:ident => $body:expr) => {{
        use $crate::fork::Fork;
        match $fork {
            Fork::Frontier => {
                type $S = $crate::spec::Frontier;
                $body
            }
            Fork::Homestead => {
                type $S = $crate::spec::Homestead;
                $body
            }
            Fork::TangerineWhistle => {
                type $S = $crate::spec::TangerineWhistle;
                $body
            }
            Fork::SpuriousDragon => {
                type $S = $crate::spec::SpuriousDragon;
                $body
            }
            Fork::Byzantium => {
                type $S = $crate::spec::Byzantium;
                $body
            }
            Fork::Constantinople => {
                type $S = $crate::spec::Constantinople;
                $body
            }
            Fork::Petersburg => {
                type $S = $crate::spec::Petersburg;
                $body
            }
            Fork::Istanbul => {
                type $S = $crate::spec::Istanbul;
                $body
            }
            Fork::Berlin => {
                type $S = $crate::spec::Berlin;
                $body
            }
            Fork::London => {
                type $S = $crate::spec::London;
                $body
            }
            Fork::Paris => {
                type $S = $crate::spec::Paris;
                $body
            }
            Fork::Shanghai => {
                type $S = $crate::spec::Shanghai;
                $body
            }
            Fork::Cancun => {
                type $S = $crate::spec::Cancun;
                $body
            }
        }
    }};
}
