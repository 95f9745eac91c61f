//! Direct or reimbursable: what finances an obligation.
//!
//! # The two sources
//!
//! An obligation is *direct* when it is financed by the account's own budget authority
//! (its appropriation, continuing resolution or transfers) and *reimbursable* when it is
//! financed by spending authority from offsetting collections: work done or goods sold
//! for a customer who pays the account back ([`Action::Collect`](super::Action::Collect),
//! [`Action::CollectEarned`](super::Action::CollectEarned), SF-133 lines 1700/1750). The
//! SF-133 reports the two apart in its status of budgetary resources — direct obligations
//! on lines 2001–2004, reimbursable ones on lines 2101–2104, their sum on line 2190
//! (OMB Circular A-11, Appendix F, Exhibit F-1: 2001 and 2101 "Category A", 2002 and 2102
//! "Category B", 2004 and 2104 the totals; the line numbers are those the DATA Act
//! Broker's rules B14 and B15 read, vendored in
//! `stores/postgres/tests/data/broker/sqlrules/`, the titles are from A-11 as recalled and
//! were not re-read) — and File B carries each obligation's USSGL balances under the
//! `ByDirectReimbursableDirectOrReimbursable` attribute, `D` or `R` (rule B12.2), so that the
//! direct rows add up to line 2004 (rule B14) and the reimbursable ones to line 2104
//! (rule B15). In the USSGL the source is an attribute of the status accounts (4801,
//! 4802, 4881, 4882, 4901, 4902, 4981, 4982 …), not a separate account: GTAS reports each
//! balance with its Direct/Reimbursable flag.
//!
//! # When the caller gives none
//!
//! Only the caller knows that an obligation fills a customer's order, so the source is
//! given on [`Action::Obligate`](super::Action::Obligate). An obligation that does not
//! say is **direct** ([`DirectOrReimbursable::default`]): that is what every obligation of the
//! crate was before the field existed (journals written then read unchanged, and their
//! reports do not move), and it is the ordinary case for the assistance accounts the crate
//! models, which are financed by appropriations. The source is fixed when the obligation
//! is recorded; its adjustments (recoveries and upward adjustments), payments and refunds
//! are of the same source, and a charge to a current account for a cancelled account's
//! document (31 U.S.C. 1553(b)) keeps the original's. Nothing is ever left blank.
//!
//! The ledger does not limit reimbursable obligations to the collections (and unfilled
//! customer orders, which it does not keep) that finance them: both draw on the account's
//! one pool of apportioned and allotted authority.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What finances an obligation: the account's budget authority ([`DirectOrReimbursable::Direct`])
/// or offsetting collections from a customer ([`DirectOrReimbursable::Reimbursable`]). See the
/// module notes for the sources and the default.
///
/// ```
/// use security_assistance::budget::DirectOrReimbursable;
/// assert_eq!(DirectOrReimbursable::default(), DirectOrReimbursable::Direct);
/// assert_eq!(DirectOrReimbursable::Reimbursable.broker_code(), "R");
/// assert_eq!(DirectOrReimbursable::Direct.sf133_total_line(), 2004);
/// assert_eq!(serde_json::to_string(&DirectOrReimbursable::Reimbursable)?, r#""reimbursable""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum DirectOrReimbursable {
    /// Financed by the account's budget authority (the default).
    #[default]
    Direct,
    /// Financed by spending authority from offsetting collections.
    Reimbursable,
}

impl DirectOrReimbursable {
    /// Both sources, direct first.
    pub const ALL: [DirectOrReimbursable; 2] = [
        DirectOrReimbursable::Direct,
        DirectOrReimbursable::Reimbursable,
    ];

    /// Whether this is [`DirectOrReimbursable::Direct`] (the JSON leaves a direct obligation's
    /// source out).
    #[must_use]
    pub const fn is_direct(&self) -> bool {
        matches!(self, DirectOrReimbursable::Direct)
    }

    /// The code File B writes in `ByDirectReimbursableDirectOrReimbursable`: `D` or `R` (the
    /// DATA Act Broker's rule B12.2).
    #[must_use]
    pub const fn broker_code(self) -> &'static str {
        match self {
            DirectOrReimbursable::Direct => "D",
            DirectOrReimbursable::Reimbursable => "R",
        }
    }

    /// The SF-133 line of this source's obligations incurred, in total: 2004 (direct) or
    /// 2104 (reimbursable).
    #[must_use]
    pub const fn sf133_total_line(self) -> u16 {
        match self {
            DirectOrReimbursable::Direct => 2004,
            DirectOrReimbursable::Reimbursable => 2104,
        }
    }

    /// The SF-133 line of this source's obligations in an account apportioned by time
    /// period (Category A: 2001, 2101) or by program (Category B: 2002, 2102).
    #[must_use]
    pub const fn sf133_category_line(self, category_b: bool) -> u16 {
        match (self, category_b) {
            (DirectOrReimbursable::Direct, false) => 2001,
            (DirectOrReimbursable::Direct, true) => 2002,
            (DirectOrReimbursable::Reimbursable, false) => 2101,
            (DirectOrReimbursable::Reimbursable, true) => 2102,
        }
    }
}

impl fmt::Display for DirectOrReimbursable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DirectOrReimbursable::Direct => "direct",
            DirectOrReimbursable::Reimbursable => "reimbursable",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_has_its_own_code_and_lines() {
        let codes: Vec<&str> = DirectOrReimbursable::ALL
            .iter()
            .map(|s| s.broker_code())
            .collect();
        assert_eq!(codes, ["D", "R"]);
        let lines: Vec<u16> = DirectOrReimbursable::ALL
            .iter()
            .flat_map(|s| {
                [
                    s.sf133_category_line(false),
                    s.sf133_category_line(true),
                    s.sf133_total_line(),
                ]
            })
            .collect();
        assert_eq!(lines, [2001, 2002, 2004, 2101, 2102, 2104]);
        assert!(DirectOrReimbursable::Direct.is_direct());
        assert!(!DirectOrReimbursable::Reimbursable.is_direct());
        assert_eq!(
            DirectOrReimbursable::Reimbursable.to_string(),
            "reimbursable"
        );
    }

    #[test]
    fn json_names_the_source_and_refuses_another() {
        let r: DirectOrReimbursable = serde_json::from_str(r#""reimbursable""#).unwrap();
        assert_eq!(r, DirectOrReimbursable::Reimbursable);
        assert!(serde_json::from_str::<DirectOrReimbursable>(r#""R""#).is_err());
    }
}
