//! The trust fund: one account per partner, deposits and disbursements identified by case
//! (DOMAIN.md §2.4 and rule 28).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Case, CaseAction, CaseState, FundingSource, SalesError};
use crate::budget::{
    AccountSymbol, Action, Actor, Command, CommandId, DocumentId, Ledger, Receipt,
};
use crate::money::Money;
use crate::partner::CountryCode;

/// Where a deposit came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "from")]
#[non_exhaustive]
pub enum DepositSource {
    /// The partner's own cash.
    Partner,
    /// A draw on a financing grant or loan, posted to the ledger as a disbursement of the
    /// financing document.
    Financing {
        /// The financing document.
        document: DocumentId,
        /// The account it is obligated in.
        account: AccountSymbol,
        /// The ledger command that posted the draw.
        command: CommandId,
    },
    /// A draw on a standby letter of credit the case names, posted to the ledger as a
    /// collection ([`TrustFund::draw_letter_of_credit`]). It is the purchaser's money paid
    /// by its bank, and counts with the purchaser's own cash.
    StandbyLetterOfCredit {
        /// The letter.
        letter: DocumentId,
        /// The ledger command that posted the collection.
        command: CommandId,
    },
}

/// The authority cited on the ledger collection of a draw on a standby letter of credit
/// ([`TrustFund::draw_letter_of_credit`]): the purchaser's dependable undertaking to pay
/// (AECA section 22(a), DOMAIN.md §2.4) and SAMM chapter 9, which names the letter.
pub const LETTER_OF_CREDIT_AUTHORITY: &str =
    "AECA sec. 22(a) (22 U.S.C. 2762(a)); SAMM C9 standby letter of credit";

/// A draw on a standby letter of credit and where it is collected
/// ([`TrustFund::draw_letter_of_credit`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterOfCreditDraw {
    /// The letter, named among the case's funding sources.
    pub letter: DocumentId,
    /// The ledger account the draw is collected into (the trust fund account the caller
    /// keeps on the ledger; the crate does not name it).
    pub account: AccountSymbol,
    /// The collection document (the bank's payment advice), unique within the account.
    pub document: DocumentId,
    /// The amount drawn.
    pub amount: Money,
}

/// What a trust entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum TrustEntryKind {
    /// Cash received for a case.
    Deposit {
        /// Where it came from.
        source: DepositSource,
    },
    /// Cash paid out for a case (to a contractor, or to reimburse stock).
    Disbursement,
    /// A credit balance refunded to the partner when the case closed (SAMM C16); it
    /// counts with disbursements as cash out of the account.
    Refund,
    /// Financing drawn for the case and not used, returned at closure to the financing
    /// document it was drawn on: posted to the ledger as an [`Action::Refund`] of the draw
    /// (see [`TrustFund::return_financing`]). It counts with disbursements as cash out of
    /// the account.
    Return {
        /// The financing document.
        document: DocumentId,
        /// The account it is obligated in.
        account: AccountSymbol,
        /// The ledger command that posted the return.
        command: CommandId,
    },
}

/// One dated entry of a partner's trust account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustEntry {
    /// The date of the deposit or disbursement.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The case it is identified with.
    pub case: DocumentId,
    /// The amount, always positive.
    pub amount: Money,
    /// Deposit or disbursement.
    pub kind: TrustEntryKind,
}

/// One partner's trust account: every entry in date order, and the running totals.
///
/// # Invariants
///
/// Cumulative disbursements never exceed cumulative deposits, at every entry (DOMAIN.md
/// rule 28); entries are in non-decreasing date order, so the invariant holds on every
/// date as well as at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustAccount {
    partner: CountryCode,
    entries: Vec<TrustEntry>,
    deposits: Money,
    disbursements: Money,
}

impl TrustAccount {
    fn new(partner: CountryCode) -> TrustAccount {
        TrustAccount {
            partner,
            entries: Vec::new(),
            deposits: Money::ZERO,
            disbursements: Money::ZERO,
        }
    }

    /// The partner that owns the account.
    #[must_use]
    pub fn partner(&self) -> CountryCode {
        self.partner
    }

    /// Every entry, in date order.
    #[must_use]
    pub fn entries(&self) -> &[TrustEntry] {
        &self.entries
    }

    /// Cumulative deposits.
    #[must_use]
    pub fn deposits(&self) -> Money {
        self.deposits
    }

    /// Cumulative disbursements.
    #[must_use]
    pub fn disbursements(&self) -> Money {
        self.disbursements
    }

    /// Deposits less disbursements; never negative.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn balance(&self) -> Result<Money, SalesError> {
        Ok(self.deposits.checked_sub(self.disbursements)?)
    }

    fn last_date(&self) -> Option<NaiveDate> {
        self.entries.last().map(|e| e.date)
    }
}

/// The trust fund: one [`TrustAccount`] per partner.
///
/// Cash is deposited for a case of the partner that pays it and disbursed for a case of
/// the same partner; one case may be in deficit while the partner's other cases cover it,
/// but the partner's cumulative disbursements never exceed its cumulative deposits and one
/// partner's cash never pays another partner's case (DOMAIN.md rule 28). A draw on a
/// financing grant or loan goes through the ledger: it is posted there as a disbursement of
/// the financing document first, and recorded here only if the ledger accepts it.
///
/// Every operation either applies whole or is refused whole with a [`SalesError`].
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::{Case, CaseRequest, LineSpec, TermsOfSale, TrustFund};
/// use security_assistance::notification::Thresholds;
/// use security_assistance::eligibility::AllowAll;
/// use security_assistance::Rounding;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let request = CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?, day(2013, 1, 2)?,
///     TermsOfSale::CashWithAcceptance, Rounding::HalfEven);
/// let mut case = Case::new(request);
/// case.begin_development(day(2013, 1, 3)?)?;
/// case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
/// case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
/// case.accept(day(2013, 3, 1)?)?;
///
/// let mut trust = TrustFund::new();
/// trust.deposit(&case, day(2013, 3, 1)?, case.initial_deposit()?, "JOR".parse()?)?;
/// // Another partner's cash cannot pay Jordan's case.
/// assert!(trust.deposit(&case, day(2013, 3, 1)?, "1".parse()?, "EGY".parse()?).is_err());
/// assert_eq!(trust.balance("JOR".parse()?)?.to_string(), "$10,350.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustFund {
    accounts: BTreeMap<CountryCode, TrustAccount>,
    cases: BTreeMap<DocumentId, CountryCode>,
}

impl TrustFund {
    /// An empty trust fund.
    #[must_use]
    pub fn new() -> TrustFund {
        TrustFund::default()
    }

    /// The partner's account, if it has any entry.
    #[must_use]
    pub fn account(&self, partner: CountryCode) -> Option<&TrustAccount> {
        self.accounts.get(&partner)
    }

    /// Every account, by partner.
    pub fn accounts(&self) -> impl Iterator<Item = &TrustAccount> {
        self.accounts.values()
    }

    /// The partner's balance (zero without an account).
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn balance(&self, partner: CountryCode) -> Result<Money, SalesError> {
        self.accounts
            .get(&partner)
            .map_or(Ok(Money::ZERO), TrustAccount::balance)
    }

    fn case_entries<'a>(
        &'a self,
        case: &'a DocumentId,
    ) -> impl Iterator<Item = &'a TrustEntry> + 'a {
        self.cases
            .get(case)
            .and_then(|partner| self.accounts.get(partner))
            .into_iter()
            .flat_map(|account| account.entries.iter())
            .filter(move |e| &e.case == case)
    }

    /// The sum of `case`'s entries that `keep` selects.
    fn case_sum(
        &self,
        case: &DocumentId,
        keep: impl Fn(&TrustEntry) -> bool,
    ) -> Result<Money, SalesError> {
        Ok(Money::checked_sum(
            self.case_entries(case)
                .filter(|e| keep(e))
                .map(|e| e.amount),
        )?)
    }

    /// Deposits identified with `case` dated on or before `through` (`None`: all).
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn case_deposits(
        &self,
        case: &DocumentId,
        through: Option<NaiveDate>,
    ) -> Result<Money, SalesError> {
        self.case_sum(case, |e| {
            through.is_none_or(|t| e.date <= t) && matches!(e.kind, TrustEntryKind::Deposit { .. })
        })
    }

    /// Disbursements identified with `case`.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn case_disbursements(&self, case: &DocumentId) -> Result<Money, SalesError> {
        self.case_sum(case, |e| e.kind == TrustEntryKind::Disbursement)
    }

    /// What has been drawn for `case` on the financing `document`.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn drawn(&self, case: &DocumentId, document: &DocumentId) -> Result<Money, SalesError> {
        self.case_sum(case, |e| match &e.kind {
            TrustEntryKind::Deposit {
                source: DepositSource::Financing { document: d, .. },
            } => d == document,
            _ => false,
        })
    }

    /// What has been drawn for `case` on the standby letter of credit `letter`.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn drawn_on_letter(
        &self,
        case: &DocumentId,
        letter: &DocumentId,
    ) -> Result<Money, SalesError> {
        self.case_sum(case, |e| match &e.kind {
            TrustEntryKind::Deposit {
                source: DepositSource::StandbyLetterOfCredit { letter: l, .. },
            } => l == letter,
            _ => false,
        })
    }

    /// What has been returned at closure from `case` to the financing `document` (see
    /// [`TrustFund::return_financing`]); `None`: to every financing document.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn returned(
        &self,
        case: &DocumentId,
        document: Option<&DocumentId>,
    ) -> Result<Money, SalesError> {
        self.case_sum(case, |e| match &e.kind {
            TrustEntryKind::Return { document: d, .. } => document.is_none_or(|x| x == d),
            _ => false,
        })
    }

    /// The partner's own cash deposited for `case` (deposits that are not financing draws;
    /// draws on its standby letters of credit count).
    pub(super) fn own_cash(&self, case: &DocumentId) -> Result<Money, SalesError> {
        self.case_sum(case, |e| {
            matches!(
                e.kind,
                TrustEntryKind::Deposit {
                    source: DepositSource::Partner | DepositSource::StandbyLetterOfCredit { .. }
                }
            )
        })
    }

    /// The checks of every entry before the amounts, in precedence order: state and
    /// identity, shape, existence of the financing source, then time. Returns the partner
    /// and, for a financing draw, the planned amount and the account.
    fn check_entry(
        &self,
        case: &Case,
        action: CaseAction,
        date: NaiveDate,
        amount: Money,
        payer: Option<CountryCode>,
        financing: Option<&DocumentId>,
    ) -> Result<(CountryCode, Option<(Money, AccountSymbol)>), SalesError> {
        let state = case.state();
        if !action.allowed_in().contains(&state) {
            return Err(SalesError::IllegalTransition {
                case: case.id().clone(),
                state,
                action,
            });
        }
        let partner = case.partner();
        if let Some(registered) = self.cases.get(case.id()) {
            if *registered != partner {
                return Err(SalesError::CaseOfOtherPartner {
                    case: case.id().clone(),
                    registered: *registered,
                    presented: partner,
                });
            }
        }
        if let Some(payer) = payer.filter(|p| *p != partner) {
            return Err(SalesError::CrossPartner {
                case: case.id().clone(),
                case_partner: partner,
                payer,
            });
        }
        if !amount.is_positive() {
            return Err(SalesError::NotPositive { amount });
        }
        let planned = match financing {
            None => None,
            Some(document) => Some(
                case.funding()
                    .iter()
                    .find_map(|source| match source.financing() {
                        Some((d, account)) if d == document => Some((source.amount(), *account)),
                        _ => None,
                    })
                    .ok_or_else(|| SalesError::UnknownFundingSource {
                        case: case.id().clone(),
                        document: document.clone(),
                    })?,
            ),
        };
        let floor = match action {
            CaseAction::Disburse => case.implemented_on(),
            _ => case.accepted_on(),
        };
        if let Some(previous) = floor.filter(|f| date < *f) {
            return Err(SalesError::DateBeforePrevious {
                case: case.id().clone(),
                action,
                date,
                previous,
            });
        }
        if let Some(previous) = self
            .accounts
            .get(&partner)
            .and_then(TrustAccount::last_date)
            .filter(|p| date < *p)
        {
            return Err(SalesError::TrustDateBeforePrevious {
                partner,
                date,
                previous,
            });
        }
        Ok((partner, planned))
    }

    fn record(&mut self, partner: CountryCode, entry: TrustEntry) -> Result<(), SalesError> {
        let (deposits, disbursements) = self
            .accounts
            .get(&partner)
            .map_or((Money::ZERO, Money::ZERO), |a| {
                (a.deposits, a.disbursements)
            });
        // Every fallible step comes before the first write.
        let (deposits, disbursements) = match entry.kind {
            TrustEntryKind::Deposit { .. } => (deposits.checked_add(entry.amount)?, disbursements),
            TrustEntryKind::Disbursement
            | TrustEntryKind::Refund
            | TrustEntryKind::Return { .. } => (deposits, disbursements.checked_add(entry.amount)?),
        };
        // The one place the rule is enforced, so no caller can skip it (issue 17: a typed
        // error, not an assertion): a partner's cumulative disbursements and refunds never
        // pass its deposits (DOMAIN.md rule 28).
        if disbursements > deposits {
            let (old_deposits, old_disbursements) = self
                .accounts
                .get(&partner)
                .map_or((Money::ZERO, Money::ZERO), |a| {
                    (a.deposits, a.disbursements)
                });
            return Err(SalesError::InsufficientTrustBalance {
                partner,
                available: old_deposits.checked_sub(old_disbursements)?,
                requested: entry.amount,
            });
        }
        self.cases.insert(entry.case.clone(), partner);
        let account = self
            .accounts
            .entry(partner)
            .or_insert_with(|| TrustAccount::new(partner));
        account.deposits = deposits;
        account.disbursements = disbursements;
        account.entries.push(entry);
        Ok(())
    }

    /// Deposits `amount` of `payer`'s own cash for `case`.
    ///
    /// # Errors
    ///
    /// In precedence order: [`SalesError::IllegalTransition`] unless the case is accepted,
    /// implemented, supply complete or closed; [`SalesError::CaseOfOtherPartner`] if
    /// another case with the same id belongs to another partner;
    /// [`SalesError::CrossPartner`] if `payer` is not the case's partner;
    /// [`SalesError::NotPositive`]; [`SalesError::DateBeforePrevious`] before the case's
    /// acceptance; [`SalesError::TrustDateBeforePrevious`] before the account's last entry.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// let mut trust = TrustFund::new();
    /// trust.deposit(&case, day(2013, 3, 1)?, "10350".parse()?, "JOR".parse()?)?;
    /// assert_eq!(trust.case_deposits(case.id(), None)?.to_string(), "$10,350.00");
    /// assert!(matches!(
    ///     trust.deposit(&case, day(2013, 3, 1)?, "1".parse()?, "ISR".parse()?),
    ///     Err(SalesError::CrossPartner { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn deposit(
        &mut self,
        case: &Case,
        date: NaiveDate,
        amount: Money,
        payer: CountryCode,
    ) -> Result<(), SalesError> {
        let (partner, _) =
            self.check_entry(case, CaseAction::Deposit, date, amount, Some(payer), None)?;
        self.record(
            partner,
            TrustEntry {
                date,
                case: case.id().clone(),
                amount,
                kind: TrustEntryKind::Deposit {
                    source: DepositSource::Partner,
                },
            },
        )
    }

    /// Draws `amount` for `case` on the financing `document` named among the case's
    /// funding sources: posts a disbursement of that document to `ledger` (as command `id`
    /// by `actor`, effective and recorded on `date`) and, if the ledger accepts it, records
    /// the deposit.
    ///
    /// # Errors
    ///
    /// The checks of [`TrustFund::deposit`] (except the payer), with
    /// [`SalesError::UnknownFundingSource`] (if the case names no grant or loan `document`)
    /// before the dates; then
    /// [`SalesError::FundingSourceExceeded`] beyond the amount the case planned from it;
    /// [`SalesError::Ledger`] if the ledger refuses the disbursement, and
    /// [`SalesError::DuplicateLedgerCommand`] if `id` was already applied. In every case
    /// neither the ledger nor the trust fund changes.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger};
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::sales::*;
    /// use security_assistance::{ProgramKind, Rounding};
    ///
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let account: security_assistance::budget::AccountSymbol = "011-X2013-1082".parse()?;
    /// let key = AllocationKey::new("DSCA".parse()?, ProgramKind::Financing, Some("JOR".parse()?));
    /// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
    /// let start = day(2012, 10, 1)?;
    /// for (id, action) in [
    ///     ("A1", Action::Appropriate { account, title: "FMF".into(), purposes: vec![ProgramKind::Financing],
    ///         amount: "1000000".parse()?, law: "P.L. 113-6".into() }),
    ///     ("A2", Action::Apportion { account, category: Apportionment::ByPeriod { from: start },
    ///         amount: "1000000".parse()? }),
    ///     ("A3", Action::Allot { account, holder: "DSCA".parse()?, amount: "1000000".parse()? }),
    ///     ("A4", Action::Allocate { account, key: key.clone(), amount: "1000000".parse()? }),
    ///     ("A5", Action::Obligate { account, document: "G-JOR".parse()?, instrument: Instrument::GrantAgreement,
    ///         funding: Funding::Allocation { key }, amount: "1000000".parse()?, object_class: None, financed_by: Default::default() }),
    /// ] {
    ///     ledger.apply(Command::new(id.parse()?, start, "budget-office".parse()?, action))?;
    /// }
    ///
    /// let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    ///     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// case.begin_development(day(2013, 1, 3)?)?;
    /// case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// case.set_funding(day(2013, 1, 3)?, vec![FundingSource::FinancingGrant {
    ///     document: "G-JOR".parse()?, account, amount: "10350".parse()?,
    /// }])?;
    /// case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// case.accept(day(2013, 3, 1)?)?;
    ///
    /// let mut trust = TrustFund::new();
    /// trust.deposit_financing(&case, day(2013, 3, 1)?, "10350".parse()?, &"G-JOR".parse()?,
    ///     &mut ledger, "DRAW-1".parse()?, "dsca".parse()?)?;
    /// assert_eq!(trust.drawn(case.id(), &"G-JOR".parse()?)?.to_string(), "$10,350.00");
    /// assert_eq!(ledger.journal().len(), 6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn deposit_financing(
        &mut self,
        case: &Case,
        date: NaiveDate,
        amount: Money,
        document: &DocumentId,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, SalesError> {
        let (partner, planned) = self.check_entry(
            case,
            CaseAction::Deposit,
            date,
            amount,
            None,
            Some(document),
        )?;
        let (planned, account) = planned.ok_or_else(|| SalesError::UnknownFundingSource {
            case: case.id().clone(),
            document: document.clone(),
        })?;
        let drawn = self.drawn(case.id(), document)?;
        if drawn.checked_add(amount)? > planned {
            return Err(SalesError::FundingSourceExceeded {
                case: case.id().clone(),
                document: document.clone(),
                planned,
                drawn,
                requested: amount,
            });
        }
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Disburse {
                account,
                document: document.clone(),
                amount,
            },
        );
        let receipt = super::super::post::<SalesError>(ledger, command)?;
        self.record(
            partner,
            TrustEntry {
                date,
                case: case.id().clone(),
                amount,
                kind: TrustEntryKind::Deposit {
                    source: DepositSource::Financing {
                        document: document.clone(),
                        account,
                        command: id,
                    },
                },
            },
        )?;
        Ok(receipt)
    }

    /// Draws on a standby letter of credit of `case` on `date` because the purchaser failed
    /// to pay (SAMM C9; DOMAIN.md §2.4): posts an [`Action::Collect`] of `draw.amount` into
    /// `draw.account` (document `draw.document`, payer the case's partner, authority
    /// [`LETTER_OF_CREDIT_AUTHORITY`], dated `date`) as command `id` by `actor` and, if the
    /// ledger accepts it, records the deposit for the case.
    ///
    /// A letter is drawn only for what the purchaser owes and has not paid: what the case
    /// has made due by `date` ([`Case::due_by`]: its initial deposit and the installments
    /// due) less its deposits dated on or before `date`.
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the ledger and the trust fund unchanged: the
    /// checks of [`TrustFund::deposit`] (state, partner, a positive amount, dates);
    /// [`SalesError::UnknownLetterOfCredit`] unless the case names the letter;
    /// [`SalesError::LetterOfCreditNotInForce`] before its issue (or, for a letter
    /// provided after the offer, [`Case::provide_letter_of_credit`], before the day it was
    /// provided) or after its expiry (the day of expiry may be drawn on);
    /// [`SalesError::LetterOfCreditReplaced`] from the day it was replaced; [`SalesError::LetterOfCreditExceeded`] past its
    /// amount; [`SalesError::DrawExceedsArrears`] past what the purchaser failed to pay;
    /// [`SalesError::Ledger`] if the ledger refuses the collection;
    /// [`SalesError::DuplicateLedgerCommand`] if `id` was already applied.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_letter_of_credit(
        &mut self,
        case: &Case,
        date: NaiveDate,
        draw: LetterOfCreditDraw,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, SalesError> {
        let (partner, _) =
            self.check_entry(case, CaseAction::Deposit, date, draw.amount, None, None)?;
        let (issued, expires, face) = case
            .funding()
            .iter()
            .find_map(|s| match s {
                FundingSource::StandbyLetterOfCredit {
                    letter,
                    issued,
                    expires,
                    amount,
                } if *letter == draw.letter => Some((*issued, *expires, *amount)),
                _ => None,
            })
            .ok_or_else(|| SalesError::UnknownLetterOfCredit {
                case: case.id().clone(),
                letter: draw.letter.clone(),
            })?;
        case.letter_in_force(&draw.letter, issued, expires, date)?;
        let drawn = self.drawn_on_letter(case.id(), &draw.letter)?;
        if drawn.checked_add(draw.amount)? > face {
            return Err(SalesError::LetterOfCreditExceeded {
                case: case.id().clone(),
                letter: draw.letter,
                amount: face,
                drawn,
                requested: draw.amount,
            });
        }
        let due = case.due_by(date)?;
        let paid = self.case_deposits(case.id(), Some(date))?;
        let arrears = due.checked_sub(paid)?.max(Money::ZERO);
        if draw.amount > arrears {
            return Err(SalesError::DrawExceedsArrears {
                case: case.id().clone(),
                letter: draw.letter,
                arrears,
                requested: draw.amount,
                date,
            });
        }
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Collect {
                account: draw.account,
                document: draw.document,
                amount: draw.amount,
                payer: case.partner(),
                authority: LETTER_OF_CREDIT_AUTHORITY.into(),
            },
        );
        let receipt = super::super::post::<SalesError>(ledger, command)?;
        self.record(
            partner,
            TrustEntry {
                date,
                case: case.id().clone(),
                amount: draw.amount,
                kind: TrustEntryKind::Deposit {
                    source: DepositSource::StandbyLetterOfCredit {
                        letter: draw.letter,
                        command: id,
                    },
                },
            },
        )?;
        Ok(receipt)
    }

    /// Disburses `amount` for `case` from its partner's account.
    ///
    /// # Errors
    ///
    /// In precedence order: [`SalesError::IllegalTransition`] unless the case is
    /// implemented, supply complete or closed; [`SalesError::CaseOfOtherPartner`];
    /// [`SalesError::NotPositive`]; [`SalesError::DateBeforePrevious`] before the case's
    /// implementation; [`SalesError::TrustDateBeforePrevious`];
    /// [`SalesError::ExceedsCaseValue`] beyond the case's total price;
    /// [`SalesError::InsufficientTrustBalance`] beyond the partner's balance.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// let mut trust = TrustFund::new();
    /// trust.deposit(&case, day(2013, 3, 1)?, "10350".parse()?, "JOR".parse()?)?;
    /// case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// trust.disburse(&case, day(2013, 4, 1)?, "6000".parse()?)?;
    /// assert_eq!(trust.balance("JOR".parse()?)?.to_string(), "$4,350.00");
    /// assert!(matches!(
    ///     trust.disburse(&case, day(2013, 4, 2)?, "4350.01".parse()?),
    ///     Err(SalesError::ExceedsCaseValue { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn disburse(
        &mut self,
        case: &Case,
        date: NaiveDate,
        amount: Money,
    ) -> Result<(), SalesError> {
        let (partner, _) =
            self.check_entry(case, CaseAction::Disburse, date, amount, None, None)?;
        let total = case.total()?;
        let disbursed = self.case_disbursements(case.id())?;
        if disbursed.checked_add(amount)? > total {
            return Err(SalesError::ExceedsCaseValue {
                case: case.id().clone(),
                total,
                disbursed,
                requested: amount,
            });
        }
        self.record(
            partner,
            TrustEntry {
                date,
                case: case.id().clone(),
                amount,
                kind: TrustEntryKind::Disbursement,
            },
        )
    }
}

impl TrustFund {
    /// Returns `amount` of financing drawn for a supply-complete `case` on the financing
    /// `document` and not used, before the case closes: posts an [`Action::Refund`] of the
    /// draw to `ledger` (a collection that reverses part of the disbursement, as command
    /// `id` by `actor`, effective and recorded on `date`) and, if the ledger accepts it,
    /// records a [`TrustEntryKind::Return`] in the trust fund.
    ///
    /// # The rule
    ///
    /// Cash financed by a grant or loan under AECA section 23 (22 U.S.C. 2763) is United
    /// States money lent or granted to pay for the case: at closure the partner is refunded
    /// only its own cash, and the rest of the credit balance goes back to the financing
    /// document it was drawn on, so the appropriation account sees its outlay reduced
    /// ([`Case::close_reconciled`](super::Case::close_reconciled) refuses a refund above
    /// the partner's own cash with [`SalesError::RefundExceedsOwnCash`]). That the
    /// financed part goes back to the financing first is this crate's reading: the SAMM
    /// Reconciliation and Closure Guide's section on the disposition of excess funds
    /// (SAMM Appendix 7, A7.C4.11) could not be read to confirm it. No more may be
    /// returned than the case's credit balance (deposits less disbursements, charges and
    /// earlier returns) nor than was drawn on the document less what was returned to it.
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the trust fund and the ledger unchanged:
    /// [`SalesError::IllegalTransition`] unless the case is supply complete;
    /// [`SalesError::CaseOfOtherPartner`]; [`SalesError::NotPositive`];
    /// [`SalesError::UnknownFundingSource`] if `document` is not one of the case's
    /// financing sources; [`SalesError::DateBeforePrevious`] before the acceptance;
    /// [`SalesError::TrustDateBeforePrevious`]; [`SalesError::FinancingReturnExceeded`]
    /// above what may be returned; [`SalesError::Ledger`] if the ledger refuses the refund;
    /// [`SalesError::DuplicateLedgerCommand`] if `id` was already applied.
    #[allow(clippy::too_many_arguments)]
    pub fn return_financing(
        &mut self,
        case: &Case,
        date: NaiveDate,
        amount: Money,
        document: &DocumentId,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, SalesError> {
        let (partner, planned) =
            self.check_entry(case, CaseAction::Close, date, amount, None, Some(document))?;
        let (_, account) = planned.ok_or_else(|| SalesError::UnknownFundingSource {
            case: case.id().clone(),
            document: document.clone(),
        })?;
        let unreturned = self
            .drawn(case.id(), document)?
            .checked_sub(self.returned(case.id(), Some(document))?)?;
        let returnable = unreturned.min(case.credit_balance(self)?.max(Money::ZERO));
        if amount > returnable {
            return Err(SalesError::FinancingReturnExceeded {
                case: case.id().clone(),
                document: document.clone(),
                returnable,
                requested: amount,
            });
        }
        // The partner-level rule `record` enforces, checked before the ledger moves.
        let available = self.balance(partner)?;
        if amount > available {
            return Err(SalesError::InsufficientTrustBalance {
                partner,
                available,
                requested: amount,
            });
        }
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Refund {
                account,
                document: document.clone(),
                amount,
            },
        );
        let receipt = super::super::post::<SalesError>(ledger, command)?;
        self.record(
            partner,
            TrustEntry {
                date,
                case: case.id().clone(),
                amount,
                kind: TrustEntryKind::Return {
                    document: document.clone(),
                    account,
                    command: id,
                },
            },
        )?;
        Ok(receipt)
    }

    /// Refunds `amount` of the case's credit balance to its partner on `date` (used by
    /// [`Case::close_reconciled`](super::Case::close_reconciled)).
    ///
    /// # Errors
    ///
    /// As [`TrustFund::disburse`] for the state, identity, amount and dates;
    /// [`SalesError::InsufficientTrustBalance`] above the partner's balance.
    pub(crate) fn refund(
        &mut self,
        case: &Case,
        date: NaiveDate,
        amount: Money,
    ) -> Result<(), SalesError> {
        let (partner, _) = self.check_entry(case, CaseAction::Close, date, amount, None, None)?;
        self.record(
            partner,
            TrustEntry {
                date,
                case: case.id().clone(),
                amount,
                kind: TrustEntryKind::Refund,
            },
        )
    }

    /// Refunds identified with `case`.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn case_refunds(&self, case: &DocumentId) -> Result<Money, SalesError> {
        self.case_sum(case, |e| e.kind == TrustEntryKind::Refund)
    }
}

/// The states in which cash may move, kept beside the trust fund so both read one list.
pub(super) const DEPOSIT_STATES: &[CaseState] = &[
    CaseState::Accepted,
    CaseState::Implemented,
    CaseState::SupplyComplete,
    CaseState::Closed,
];

/// The states in which cash may be disbursed.
pub(super) const DISBURSE_STATES: &[CaseState] = &[
    CaseState::Implemented,
    CaseState::SupplyComplete,
    CaseState::Closed,
];
