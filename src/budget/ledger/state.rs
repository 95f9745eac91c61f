//! The balances of an account: allotments, allocations, commitments, obligations and
//! the totals of the account, as the handlers read and write them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Map;
use super::ObligationBalance;
use super::credit::CreditRole;
use super::shape::exceeds;
use crate::budget::command::{AllocationKey, Instrument};
use crate::budget::direct_reimbursable::DirectOrReimbursable;
use crate::budget::error::{BudgetError, Level};
use crate::budget::ids::{AccountSymbol, DocumentId, FundsHolder};
use crate::budget::object_class::ObjectClass;
use crate::budget::ussgl::TrialBalance;
use crate::fiscal::{AccountStatus, FiscalYear};
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// Balances of one allotment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Allotment {
    pub(crate) allotted: Money,
    pub(crate) allocated: Money,
}

/// Balances of one allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct Slot {
    pub(crate) allocated: Money,
    pub(crate) committed: Money,
    pub(crate) obligated: Money,
    pub(crate) disbursed: Money,
    pub(crate) recoveries: Money,
}

impl Slot {
    /// Refuses `amount` above what is free, at the allocation level (31 U.S.C. 1517(a)).
    pub(super) fn require_free(
        &self,
        account: AccountSymbol,
        amount: Money,
    ) -> Result<(), BudgetError> {
        let free = self.free()?;
        if amount > free {
            return Err(exceeds(
                Level::Allocation,
                account,
                amount,
                free.max(Money::ZERO),
            ));
        }
        Ok(())
    }

    /// Allocated, neither committed nor obligated.
    pub(super) fn free(&self) -> Result<Money, BudgetError> {
        Ok(self
            .allocated
            .checked_sub(self.committed)?
            .checked_sub(self.obligated)?)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CommitmentState {
    pub(crate) key: AllocationKey,
    pub(crate) amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ObligationState {
    pub(crate) key: AllocationKey,
    pub(crate) instrument: Instrument,
    /// The fiscal year in which the obligation was first recorded.
    pub(crate) fiscal_year: FiscalYear,
    pub(crate) obligated: Money,
    pub(crate) disbursed: Money,
    /// Funded directly from the allotment ([`Funding::Allotment`]).
    pub(crate) direct: bool,
    /// What it buys: the command's object class, or the instrument's default
    /// ([`Instrument::default_object_class`]); its adjustments and payments carry it.
    pub(crate) object_class: ObjectClass,
    /// Its downward adjustments dated in fiscal years after the one it was first recorded
    /// in (recoveries of prior-year obligations, USSGL 4871).
    pub(crate) recoveries: Money,
    /// What finances it (direct unless its command said reimbursable); its adjustments
    /// and payments carry it. Absent in checkpoints of format 3, whose obligations are all
    /// direct.
    #[serde(default)]
    pub(crate) financed_by: DirectOrReimbursable,
}

impl ObligationState {
    /// The obligation's balances as [`Ledger::obligation`](super::Ledger::obligation)
    /// reports them.
    pub(crate) fn balance(&self) -> ObligationBalance {
        ObligationBalance {
            key: self.key.clone(),
            instrument: self.instrument,
            fiscal_year: self.fiscal_year,
            obligated: self.obligated,
            disbursed: self.disbursed,
            object_class: self.object_class,
            recoveries: self.recoveries,
            financed_by: self.financed_by,
        }
    }
}

/// What the Congress was told of a program in a country from an account
/// ([`Action::Justify`](crate::budget::Action::Justify)): the amount justified, the
/// country's FAA section 653(a) level when known, and the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Justification {
    pub(crate) amount: Money,
    pub(crate) level_653a: Option<Money>,
    pub(crate) source: String,
}

/// The justifications of an account, by program and country (`None`: an activity not
/// for a single country).
pub(crate) type Justifications = BTreeMap<(ProgramKind, Option<CountryCode>), Justification>;

/// Continuing-resolution authority of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Resolution {
    pub(crate) amount: Money,
    pub(crate) through: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccountState {
    pub(crate) symbol: AccountSymbol,
    pub(crate) title: String,
    pub(crate) purposes: Vec<ProgramKind>,
    pub(crate) enacted: NaiveDate,
    /// Full-year appropriations (regular and supplemental).
    pub(crate) appropriated: Money,
    pub(crate) full_year: bool,
    pub(crate) resolution: Option<Resolution>,
    pub(crate) transfers_in: Money,
    pub(crate) transfers_out: Money,
    pub(crate) rescinded: Money,
    pub(crate) apportioned: Money,
    pub(crate) by_period: BTreeMap<NaiveDate, Money>,
    pub(crate) by_program: BTreeMap<ProgramKind, Money>,
    pub(crate) allocated_by_program: BTreeMap<ProgramKind, Money>,
    pub(crate) allotted: Money,
    pub(crate) charged_to_current: Money,
    /// Of a cancelled account: what each of its documents has had charged to current
    /// accounts since it closed (31 U.S.C. 1553(b)(1)).
    pub(crate) charged_after_closing: BTreeMap<DocumentId, Money>,
    /// Offsetting collections credited to the account ([`Action::Collect`],
    /// [`Action::CollectEarned`]), less those reversed ([`Action::ReverseCollection`]).
    pub(crate) collections: Money,
    /// The collection documents recorded (each once per account), with what remains
    /// collected on each after reversals.
    pub(crate) collected: foldhash::HashMap<DocumentId, Money>,
    #[serde(with = "crate::budget::ussgl::stored")]
    pub(crate) gl: TrialBalance,
    pub(crate) allotments: Map<FundsHolder, Allotment>,
    pub(crate) allocations: Map<AllocationKey, Slot>,
    pub(crate) commitments: Map<DocumentId, CommitmentState>,
    pub(crate) obligations: Map<DocumentId, ObligationState>,
    /// Credit reform (`credit.rs`): the financing account of a credit program account, or
    /// the books of a financing account; `None` for every other account.
    pub(crate) credit: Option<Box<CreditRole>>,
    /// The amounts justified to the Congress ([`Action::Justify`](crate::budget::Action::Justify)).
    /// Not in the serde form of the account: a checkpoint (format 7 on) writes them in a
    /// section of their own, so that the accounts of older formats read unchanged.
    #[serde(skip)]
    pub(crate) justified: Justifications,
}

impl AccountState {
    pub(super) fn obligation(
        &self,
        document: &DocumentId,
    ) -> Result<&ObligationState, BudgetError> {
        self.obligations
            .get(document)
            .ok_or_else(|| BudgetError::UnknownObligation {
                account: self.symbol,
                document: document.clone(),
            })
    }

    pub(super) fn commitment(
        &self,
        document: &DocumentId,
    ) -> Result<&CommitmentState, BudgetError> {
        self.commitments
            .get(document)
            .ok_or_else(|| BudgetError::UnknownCommitment {
                account: self.symbol,
                document: document.clone(),
            })
    }

    pub(super) fn allocation(&self, key: &AllocationKey) -> Result<Slot, BudgetError> {
        self.allocations
            .get(key)
            .copied()
            .ok_or_else(|| BudgetError::UnknownAllocation {
                account: self.symbol,
                key: key.clone(),
            })
    }

    /// Budget authority: full-year appropriations (or the resolution's amount until they
    /// arrive), plus transfers in and offsetting collections, less transfers out and
    /// rescissions: the resources first, the reductions after, so that no partial sum of
    /// an accepted state overflows (see `budget::resources`).
    pub(crate) fn authority(&self) -> Result<Money, BudgetError> {
        Ok(self
            .resources()?
            .checked_sub(self.transfers_out)?
            .checked_sub(self.rescinded)?)
    }

    /// Refuses `amount` beyond the authority not yet apportioned
    /// ([`Level::Appropriation`]): what a transfer out, a rescission, a new apportionment
    /// or a reversed collection may take.
    pub(super) fn check_unapportioned(&self, amount: Money) -> Result<(), BudgetError> {
        let unapportioned = self.authority()?.checked_sub(self.apportioned)?;
        if amount > unapportioned {
            return Err(exceeds(
                Level::Appropriation,
                self.symbol,
                amount,
                unapportioned,
            ));
        }
        Ok(())
    }

    /// Apportioned amount available on `date` for allotment.
    pub(super) fn apportioned_on(&self, date: NaiveDate) -> Result<Money, BudgetError> {
        if self.by_period.is_empty() {
            return Ok(self.apportioned);
        }
        Ok(Money::checked_sum(
            self.by_period.range(..=date).map(|(_, amount)| *amount),
        )?)
    }

    pub(super) fn status(&self, date: NaiveDate) -> AccountStatus {
        self.symbol.period().status_on(date)
    }
}

impl AccountState {
    /// A copy of the scalar totals, for checking a change before writing it.
    pub(super) fn clone_totals(&self) -> AccountState {
        AccountState {
            symbol: self.symbol,
            title: String::new(),
            purposes: Vec::new(),
            enacted: self.enacted,
            appropriated: self.appropriated,
            full_year: self.full_year,
            resolution: self.resolution,
            transfers_in: self.transfers_in,
            transfers_out: self.transfers_out,
            rescinded: self.rescinded,
            apportioned: self.apportioned,
            by_period: BTreeMap::new(),
            by_program: BTreeMap::new(),
            allocated_by_program: BTreeMap::new(),
            allotted: self.allotted,
            charged_to_current: self.charged_to_current,
            charged_after_closing: BTreeMap::new(),
            collections: self.collections,
            collected: foldhash::HashMap::default(),
            gl: self.gl,
            allotments: Map::default(),
            allocations: Map::default(),
            commitments: Map::default(),
            obligations: Map::default(),
            credit: None,
            justified: BTreeMap::new(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn new_account(
    symbol: AccountSymbol,
    title: &str,
    purposes: Vec<ProgramKind>,
    enacted: NaiveDate,
    appropriated: Money,
    full_year: bool,
    resolution: Option<Resolution>,
    gl: TrialBalance,
) -> AccountState {
    AccountState {
        symbol,
        title: title.to_owned(),
        purposes,
        enacted,
        appropriated,
        full_year,
        resolution,
        transfers_in: Money::ZERO,
        transfers_out: Money::ZERO,
        rescinded: Money::ZERO,
        apportioned: Money::ZERO,
        by_period: BTreeMap::new(),
        by_program: BTreeMap::new(),
        allocated_by_program: BTreeMap::new(),
        allotted: Money::ZERO,
        charged_to_current: Money::ZERO,
        charged_after_closing: BTreeMap::new(),
        collections: Money::ZERO,
        collected: foldhash::HashMap::default(),
        gl,
        allotments: Map::default(),
        allocations: Map::default(),
        commitments: Map::default(),
        obligations: Map::default(),
        credit: None,
        justified: BTreeMap::new(),
    }
}

/// Writes an allocation's balances, cloning the key only for a new allocation.
pub(super) fn put_slot(map: &mut Map<AllocationKey, Slot>, key: &AllocationKey, value: Slot) {
    match map.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            map.insert(key.clone(), value);
        }
    }
}
