//! Typed models of international security-assistance programs and the money that flows
//! through them.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]
