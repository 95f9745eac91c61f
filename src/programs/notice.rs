//! FMF equipment commitments the Congress must hear of first: posted to the ledger only
//! once the notice's review period has run (DOMAIN.md §1.8, §10 rule 19). Reprogrammings
//! (FAA section 634A, rules 16–18) are checked by the ledger itself.
//!
//! - FAA section 634A (22 U.S.C. 2394-1): FAA or AECA funds may not be obligated for a
//!   country or activity not justified to the Congress, or above the amount justified,
//!   unless the committees are notified 15 days in advance; IMET reprogrammings under
//!   $25,000 for a country whose IMET program was justified are exempt (rules 16–18). The
//!   ledger keeps the amounts justified ([`Action::Justify`]) and assesses every
//!   [`Action::Reprogram`] against them, with the notice the command records
//!   (`notified`): see [`BudgetError::NoticeRequired`] and
//!   [`BudgetError::ReviewPeriodRunning`].
//! - The annual SFOPS notification section (7015 in the FY2009 and FY2010 acts): FMF may
//!   not be committed to major defense equipment not justified, or 20 percent above the
//!   quantities justified, without 15 days' notice; a reprogramming under 10 percent of the
//!   amount justified is exempt (rule 19).
//!
//! **Where the rule 19 check lives.** Whether an FMF commitment needs notice turns on facts
//! the ledger does not keep: the quantities of equipment justified and committed. So the
//! program that proposes the command asks [`notification::assess`] and posts it only when
//! the law lets it go ahead; the ledger sees an ordinary public command (DESIGN.md:
//! programs speak to the ledger only through its public commands). [`post_after_notice`]
//! is that step: it refuses a commitment that needs notice when none was recorded, or
//! when the review period has not run on the command's date, and a refusal changes
//! nothing in the ledger.
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::budget::{Action, AllocationKey, BudgetError, Command, Ledger};
//! use security_assistance::ProgramKind;
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
//! let key = |p: &str| -> Result<AllocationKey, Box<dyn std::error::Error>> {
//!     Ok(AllocationKey::new("DSCA".parse()?, ProgramKind::Financing, Some(p.parse()?)))
//! };
//! let account = "011-2008/2009-1082".parse()?;
//! let mut ledger = Ledger::allow_all();
//! let setup = [
//!     Action::Appropriate { account, title: "FMF".into(), purposes: vec![ProgramKind::Financing],
//!         amount: "5000000".parse()?, law: "P.L. 110-161".into() },
//!     Action::Apportion { account, amount: "5000000".parse()?,
//!         category: security_assistance::budget::Apportionment::ByPeriod { from: day(2008, 1, 2)? } },
//!     Action::Allot { account, holder: "DSCA".parse()?, amount: "5000000".parse()? },
//!     Action::Allocate { account, key: key("EGY")?, amount: "3000000".parse()? },
//! ];
//! for (i, action) in setup.into_iter().enumerate() {
//!     ledger.apply(Command::new(format!("s{i}").parse()?, day(2008, 1, 2)?, "dsca".parse()?, action))?;
//! }
//! // Jordan's financing was not justified to the Congress: notice is needed.
//! let reprogram = |id: &str, date, notified| -> Result<Command, Box<dyn std::error::Error>> {
//!     Ok(Command::new(id.parse()?, date, "dsca".parse()?, Action::Reprogram {
//!         account, from: key("EGY")?, to: key("JOR")?, amount: "2000000".parse()?,
//!         authority: "FAA sec. 634A".into(), notified }))
//! };
//! let before = ledger.clone();
//! let refused = ledger.apply(reprogram("R-1", day(2008, 3, 10)?, None)?);
//! assert!(matches!(refused, Err(BudgetError::NoticeRequired { .. })));
//! // Notified on 1 March, the 15 days run to 16 March: refused on the 15th, applied on the 16th.
//! let early = ledger.apply(reprogram("R-1", day(2008, 3, 15)?, Some(day(2008, 3, 1)?))?);
//! assert!(matches!(early, Err(BudgetError::ReviewPeriodRunning { .. })));
//! assert_eq!(ledger, before);
//! ledger.apply(reprogram("R-1", day(2008, 3, 16)?, Some(day(2008, 3, 1)?))?)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::{Action, BudgetError, Command, CommandId, Funding, Ledger, Receipt};
use crate::law::Citation;
use crate::money::Money;
use crate::notification::{self, ProposedAction, Regime, Thresholds};
use crate::partner::CountryCode;

/// Applies `command` to `ledger` once the Congress has had the notice that `proposed`
/// needs on the command's date (as [`notification::assess`] judges it under
/// `thresholds`): at once when no notice is needed; when notice was given on `notified`,
/// from the day its review period ends (the review period of the notice needed on the
/// command's date, counted from `notified`).
///
/// `proposed` describes the same money as `command`: a
/// [`ProposedAction::FinancingCommitment`] goes with an [`Action::Commit`] or
/// [`Action::Obligate`] of the same amount to the same partner. A
/// [`ProposedAction::Reprogramming`] is not posted here: the ledger assesses every
/// [`Action::Reprogram`] itself, with the notice the command records (module docs).
///
/// # Errors
///
/// In precedence order, each leaving the ledger unchanged:
/// 1. [`NoticeError::Mismatch`] when `proposed` is not an FMF commitment (a reprogramming
///    included), or names another kind of command; [`NoticeError::AmountMismatch`],
///    [`NoticeError::PartnerMismatch`] when it describes other money;
/// 2. [`NoticeError::NoticeAfterCommand`] when `notified` is after the command's date;
/// 3. [`NoticeError::NoticeRequired`] when notice is needed and none was given;
///    [`NoticeError::ReviewPeriodRunning`] when the command is dated before the review
///    period ends;
/// 4. [`NoticeError::Ledger`] when the ledger refuses the command,
///    [`NoticeError::DuplicateLedgerCommand`] when its id was already applied.
pub fn post_after_notice(
    ledger: &mut Ledger,
    command: Command,
    proposed: &ProposedAction,
    notified: Option<NaiveDate>,
    thresholds: &Thresholds,
) -> Result<Receipt, NoticeError> {
    check_same_money(&command.action, proposed)?;
    if let Some(notified) = notified.filter(|n| *n > command.date) {
        return Err(NoticeError::NoticeAfterCommand {
            notified,
            date: command.date,
        });
    }
    if let Some(needed) = notification::assess(proposed, command.date, thresholds)? {
        let Some(notified) = notified else {
            return Err(NoticeError::NoticeRequired {
                regime: needed.regime,
                citation: Box::new(needed.citation),
                review_days: needed.review_days,
                earliest_if_notified_today: needed.earliest,
                reasons: needed.reasons,
            });
        };
        let earliest = needed.earliest_after(notified);
        if command.date < earliest {
            return Err(NoticeError::ReviewPeriodRunning {
                regime: needed.regime,
                citation: Box::new(needed.citation),
                notified,
                earliest,
                date: command.date,
            });
        }
    }
    super::post(ledger, command)
}

/// `proposed` and `action` describe the same money.
fn check_same_money(action: &Action, proposed: &ProposedAction) -> Result<(), NoticeError> {
    let proposed_amount = match (proposed, action) {
        (ProposedAction::Reprogramming { .. }, _) => {
            return Err(NoticeError::Mismatch {
                proposed: proposed_kind(proposed).to_owned(),
                action: format!(
                    "{} (the ledger assesses a reprogramming itself: record the notice in the reprogram command's notified and apply it)",
                    action.name()
                ),
            });
        }
        (
            ProposedAction::FinancingCommitment {
                amount, partner, ..
            },
            Action::Commit { key, .. }
            | Action::Obligate {
                funding: Funding::Allocation { key } | Funding::Allotment { key },
                ..
            },
        ) => {
            if key.partner != Some(*partner) {
                return Err(NoticeError::PartnerMismatch {
                    proposed: Some(*partner),
                    command: key.partner,
                });
            }
            *amount
        }
        (ProposedAction::FinancingCommitment { .. }, Action::Obligate { .. }) => {
            // An obligation from a commitment: the commitment was the step noticed.
            return Err(NoticeError::Mismatch {
                proposed: proposed_kind(proposed).to_owned(),
                action: "obligate from a commitment (the notice goes with the commitment)"
                    .to_owned(),
            });
        }
        _ => {
            return Err(NoticeError::Mismatch {
                proposed: proposed_kind(proposed).to_owned(),
                action: action.name().to_owned(),
            });
        }
    };
    let command_amount = action.amount();
    if proposed_amount != command_amount {
        return Err(NoticeError::AmountMismatch {
            proposed: proposed_amount,
            command: command_amount,
        });
    }
    Ok(())
}

fn proposed_kind(proposed: &ProposedAction) -> &'static str {
    match proposed {
        ProposedAction::Sale { .. } => "sale",
        ProposedAction::ExcessTransfer { .. } => "excess_transfer",
        ProposedAction::Reprogramming { .. } => "reprogramming",
        ProposedAction::CashFlowFinancing { .. } => "cash_flow_financing",
        ProposedAction::FinancingCommitment { .. } => "financing_commitment",
        ProposedAction::Lease { .. } => "lease",
        ProposedAction::HomelandProgram { .. } => "homeland_program",
    }
}

/// Why [`post_after_notice`] refused a command.
///
/// # Precedence
///
/// [`NoticeError::precedence`]: 2 shape (the proposal does not describe the command); 3
/// time (notice and its review period); 6 ledger; 0 a proposal that could not be assessed
/// ([`NoticeError::Assess`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum NoticeError {
    /// The proposal is not an FMF commitment, or names another kind of command.
    #[error(
        "a {proposed} proposal cannot go with a {action} command: an FMF commitment goes with commit or obligate from an allocation"
    )]
    Mismatch {
        /// The kind of proposal.
        proposed: String,
        /// The command's action.
        action: String,
    },
    /// The proposal's amount is not the command's.
    #[error(
        "the proposal is for {proposed} but the command moves {command}: assess the same money"
    )]
    AmountMismatch {
        /// The proposal's amount.
        proposed: Money,
        /// The command's amount.
        command: Money,
    },
    /// The proposal's partner is not the command's.
    #[error(
        "the proposal is for {} but the command is for {}: assess the same money",
        partner_text(*proposed),
        partner_text(*command)
    )]
    PartnerMismatch {
        /// The proposal's partner.
        proposed: Option<CountryCode>,
        /// The partner of the command's allocation.
        command: Option<CountryCode>,
    },
    /// The notice is dated after the command.
    #[error("notice given {notified} is after the command of {date}: notice comes first")]
    NoticeAfterCommand {
        /// The day of the notice.
        notified: NaiveDate,
        /// The command's date.
        date: NaiveDate,
    },
    /// Notice is needed and none was recorded.
    #[error(
        "notice under {citation} is needed first: notified today, its {review_days}-day review would end on {earliest_if_notified_today}"
    )]
    NoticeRequired {
        /// The regime.
        regime: Regime,
        /// The law that requires it.
        citation: Box<Citation>,
        /// The review period, in days.
        review_days: u32,
        /// The earliest day if notice is given on the command's date.
        earliest_if_notified_today: NaiveDate,
        /// Why it is needed.
        reasons: Vec<String>,
    },
    /// Notice was given but its review period has not run on the command's date.
    #[error(
        "notice under {citation} given {notified}: its review runs to {earliest}, so the command of {date} must wait"
    )]
    ReviewPeriodRunning {
        /// The regime.
        regime: Regime,
        /// The law that requires it.
        citation: Box<Citation>,
        /// The day of the notice.
        notified: NaiveDate,
        /// The first day the command may take effect.
        earliest: NaiveDate,
        /// The command's date.
        date: NaiveDate,
    },
    /// The proposal could not be assessed: a figure was out of range.
    #[error("the proposal could not be assessed")]
    Assess(#[from] notification::AssessError),
    /// The ledger refused the command.
    #[error("the ledger refused the command")]
    Ledger(#[source] BudgetError),
    /// The ledger command id was already applied.
    #[error("ledger command {id} was already applied: give each command a new id")]
    DuplicateLedgerCommand {
        /// The id.
        id: CommandId,
    },
}

fn partner_text(partner: Option<CountryCode>) -> String {
    partner.map_or_else(|| "no partner".to_owned(), |p| p.to_string())
}

crate::wire::wire_serde!(NoticeError);

impl crate::wire::ErrorCode for NoticeError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, NoticeError::serialize)
    }
    fn citation(&self) -> Option<Citation> {
        match self {
            NoticeError::NoticeRequired { citation, .. }
            | NoticeError::ReviewPeriodRunning { citation, .. } => Some((**citation).clone()),
            _ => None,
        }
    }
    fn precedence(&self) -> u8 {
        NoticeError::precedence(self)
    }
}

impl NoticeError {
    /// The rank of the check that failed (see the type's documentation).
    #[must_use]
    pub fn precedence(&self) -> u8 {
        match self {
            NoticeError::Mismatch { .. }
            | NoticeError::AmountMismatch { .. }
            | NoticeError::PartnerMismatch { .. } => 2,
            NoticeError::NoticeAfterCommand { .. }
            | NoticeError::NoticeRequired { .. }
            | NoticeError::ReviewPeriodRunning { .. } => 3,
            NoticeError::Ledger(_) | NoticeError::DuplicateLedgerCommand { .. } => 6,
            NoticeError::Assess(_) => 0,
        }
    }
}
