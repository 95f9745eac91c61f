//! Standby letters of credit provided after the offer: a purchaser may give the United
//! States a standby letter of credit, or replace one, while its case runs, and the draw
//! rules of [`TrustFund::draw_letter_of_credit`](super::TrustFund::draw_letter_of_credit)
//! then apply to it.
//!
//! # The rule encoded
//!
//! SAMM C9 names the standby letter of credit as a dependable undertaking that a bank
//! gives for the purchaser (DOMAIN.md §2.4; as of 2026 it may stand in for the
//! termination-liability reserve, DSCA 26-50). That a letter may be provided or replaced
//! during the life of the case, and on what terms, is this crate's reading: the stored
//! SAMM C9 text consulted does not spell out the procedure. The choices:
//!
//! - a letter is provided once the case is offered and until it is closed or cancelled
//!   (while the offer is written, [`Case::set_funding`] lists it);
//! - it is drawn on from the later of its issue and the day it was provided, through its
//!   expiry;
//! - a replacement names the letter it replaces; the replaced letter is not drawn on from
//!   the replacement's day on (what was drawn before stays drawn).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Case, CaseAction, FundingSource, SalesError};
use crate::budget::DocumentId;
use crate::money::Money;

/// A standby letter of credit a bank issued for the purchaser, provided after the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterOfCredit {
    /// The letter's number.
    pub letter: DocumentId,
    /// The first day it may be drawn on.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub issued: NaiveDate,
    /// The last day it may be drawn on.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub expires: NaiveDate,
    /// The most that may be drawn on it.
    pub amount: Money,
}

/// The record of a letter provided after the offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterProvision {
    /// The letter.
    pub letter: DocumentId,
    /// The day it was provided.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub provided: NaiveDate,
    /// The letter it replaces, if any: not drawn on from `provided` on.
    pub replaces: Option<DocumentId>,
}

impl Case {
    /// Records the standby letter of credit `letter` provided by the purchaser on `date`,
    /// replacing the case's letter `replaces` if one is named (see the module
    /// documentation for the rule). The letter joins the case's funding sources (backing
    /// the plan, not part of it) and is drawn on with
    /// [`TrustFund::draw_letter_of_credit`](super::TrustFund::draw_letter_of_credit).
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the case unchanged:
    /// [`SalesError::IllegalTransition`] unless the case is offered, accepted, implemented
    /// or supply complete (a closed or cancelled case takes no letter);
    /// [`SalesError::NotPositive`] for an amount of zero or less;
    /// [`SalesError::LetterOfCreditDates`] when it expires before it is issued;
    /// [`SalesError::DuplicateLetterOfCredit`] when the case already names the number;
    /// [`SalesError::UnknownLetterOfCredit`] when `replaces` is not a letter of the case;
    /// [`SalesError::LetterOfCreditReplaced`] when `replaces` was already replaced;
    /// [`SalesError::DateBeforePrevious`]; [`SalesError::LetterOfCreditExpired`] when the
    /// letter expired before `date`.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let mut case = Case::new(CaseRequest::new("JO-B-SBL".parse()?, "JOR".parse()?,
    /// #     day(2015, 1, 5)?, TermsOfSale::DependableUndertaking, Rounding::HalfEven));
    /// # case.begin_development(day(2015, 1, 6)?)?;
    /// # case.add_line(day(2015, 1, 6)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # case.set_funding(day(2015, 1, 6)?, vec![FundingSource::OwnFunds { amount: "10350".parse()? }])?;
    /// # case.set_payment_schedule(day(2015, 1, 6)?, PaymentSchedule::new("10350".parse()?, vec![])?)?;
    /// # case.offer(day(2015, 1, 7)?, day(2015, 1, 6)?, None, &Thresholds::current(), &AllowAll)?;
    /// let letter = LetterOfCredit {
    ///     letter: "SBLC-1".parse()?,
    ///     issued: day(2015, 1, 10)?,
    ///     expires: day(2015, 12, 31)?,
    ///     amount: "5000".parse()?,
    /// };
    /// case.provide_letter_of_credit(day(2015, 1, 12)?, letter.clone(), None)?;
    /// assert!(case.funding().iter().any(|s| s.is_standby()));
    /// // The same number twice is refused.
    /// assert!(matches!(
    ///     case.provide_letter_of_credit(day(2015, 1, 12)?, letter, None),
    ///     Err(SalesError::DuplicateLetterOfCredit { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn provide_letter_of_credit(
        &mut self,
        date: NaiveDate,
        letter: LetterOfCredit,
        replaces: Option<DocumentId>,
    ) -> Result<(), SalesError> {
        if let Some(e) = self.state_error(CaseAction::ProvideLetterOfCredit) {
            return Err(e);
        }
        if !letter.amount.is_positive() {
            return Err(SalesError::NotPositive {
                amount: letter.amount,
            });
        }
        if letter.expires < letter.issued {
            return Err(SalesError::LetterOfCreditDates {
                letter: letter.letter,
                issued: letter.issued,
                expires: letter.expires,
            });
        }
        if self.names_letter(&letter.letter) {
            return Err(SalesError::DuplicateLetterOfCredit {
                case: self.id.clone(),
                letter: letter.letter,
            });
        }
        if let Some(old) = &replaces {
            if !self.names_letter(old) {
                return Err(SalesError::UnknownLetterOfCredit {
                    case: self.id.clone(),
                    letter: old.clone(),
                });
            }
            if let Some(by) = self.replacement_of(old) {
                return Err(SalesError::LetterOfCreditReplaced {
                    case: self.id.clone(),
                    letter: old.clone(),
                    replaced_by: by.letter.clone(),
                    replaced: by.provided,
                    date,
                });
            }
        }
        let in_order = self.check_date(CaseAction::ProvideLetterOfCredit, date)?;
        if letter.expires < date {
            return Err(SalesError::LetterOfCreditExpired {
                case: self.id.clone(),
                letter: letter.letter,
                expires: letter.expires,
                date,
            });
        }
        self.letters.push(LetterProvision {
            letter: letter.letter.clone(),
            provided: date,
            replaces,
        });
        self.funding.push(FundingSource::StandbyLetterOfCredit {
            letter: letter.letter,
            issued: letter.issued,
            expires: letter.expires,
            amount: letter.amount,
        });
        self.record(in_order, CaseAction::ProvideLetterOfCredit, self.state);
        Ok(())
    }

    /// The letters provided after the offer, in the order provided.
    #[must_use]
    pub fn letters_provided(&self) -> &[LetterProvision] {
        &self.letters
    }

    /// The provision that replaced `letter`, if one did.
    #[must_use]
    pub fn replacement_of(&self, letter: &DocumentId) -> Option<&LetterProvision> {
        self.letters
            .iter()
            .find(|p| p.replaces.as_ref() == Some(letter))
    }

    fn names_letter(&self, letter: &DocumentId) -> bool {
        self.funding.iter().any(
            |s| matches!(s, FundingSource::StandbyLetterOfCredit { letter: l, .. } if l == letter),
        )
    }

    /// The days `letter` may be drawn on `date`: `Ok` or the error that refuses the draw.
    /// A letter provided after the offer is in force from the later of its issue and its
    /// provision; a replaced letter is not drawn on from its replacement's day.
    pub(super) fn letter_in_force(
        &self,
        letter: &DocumentId,
        issued: NaiveDate,
        expires: NaiveDate,
        date: NaiveDate,
    ) -> Result<(), SalesError> {
        let provided = self
            .letters
            .iter()
            .find(|p| &p.letter == letter)
            .map(|p| p.provided);
        let first = provided.map_or(issued, |p| p.max(issued));
        if date < first || date > expires {
            return Err(SalesError::LetterOfCreditNotInForce {
                case: self.id.clone(),
                letter: letter.clone(),
                issued: first,
                expires,
                date,
            });
        }
        if let Some(by) = self.replacement_of(letter)
            && by.provided <= date
        {
            return Err(SalesError::LetterOfCreditReplaced {
                case: self.id.clone(),
                letter: letter.clone(),
                replaced_by: by.letter.clone(),
                replaced: by.provided,
                date,
            });
        }
        Ok(())
    }
}
