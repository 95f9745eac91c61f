//! The assistance programs, each speaking to the ledger only through its public commands,
//! as an outside service would, and asking the eligibility engine before it commits money.
//!
//! - [`training`]: courses, resident training and mobile training teams (IMET-like);
//! - [`financing`]: grants, direct loans and loan guarantees (FMF-like);
//! - [`sales`]: sales cases from request to closure (FMS-like);
//! - [`excess`]: transfers of excess articles, as grants or sales (EDA-like);
//! - [`lease`]: leases of articles, rental and return;
//! - [`notice`]: reprogrammings and FMF equipment commitments posted only after the
//!   Congress's review period.

pub mod excess;
pub mod financing;
pub mod lease;
pub mod notice;
pub mod sales;
pub mod training;
