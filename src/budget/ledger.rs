//! The ledger: state, the command checks, the journal and replay.

use std::collections::BTreeMap;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::command::{Action, AllocationKey, Apportionment, Command, Funding, Instrument};
use super::error::{BatchError, BudgetError, JournalProblem, Level, ShapeError};
use super::ids::{AccountSymbol, CommandId, DocumentId, FundsHolder};
use super::journal::{Journal, JournalEntry};
use super::sequence;
use super::ussgl::{TrialBalance, Ussgl};

/// The ledger's hash maps: foldhash with a random seed per map.
pub(crate) type Map<K, V> = foldhash::HashMap<K, V>;
use crate::eligibility::{Decision, Department, EligibilityCheck, EligibilityRequest, Stage};
use crate::fiscal::{AccountStatus, FiscalYear, cr_amount};
use crate::money::{Money, Rounding};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// What the ledger returns for an applied command: its place in the journal and the
/// decision that allowed it. Applying the same command again changes nothing and returns
/// the first receipt again with one difference: `duplicate` is `true`, so a caller can tell
/// a retry from a first application (as TigerBeetle answers `exists` to a repeated
/// transfer). Every other field is equal to the first receipt's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Receipt {
    /// The command's id.
    pub command: CommandId,
    /// Its sequence number in the journal.
    pub sequence: u64,
    /// Its effective date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The eligibility decision that allowed it, if it needed one (shared with the journal).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::journal::shared"
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::eligibility::Decision>")
    )]
    pub decision: Option<Arc<Decision>>,
    /// `true` when the command had already been applied and nothing changed.
    pub duplicate: bool,
}

/// The balances of one obligation, from [`Ledger::obligation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ObligationBalance {
    /// The allocation it is recorded under.
    pub key: AllocationKey,
    /// The instrument.
    pub instrument: Instrument,
    /// The fiscal year it was first recorded in.
    pub fiscal_year: FiscalYear,
    /// Obligated, net of adjustments.
    pub obligated: Money,
    /// Paid, net of refunds.
    pub disbursed: Money,
}

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
    fn require_free(&self, account: AccountSymbol, amount: Money) -> Result<(), BudgetError> {
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
    fn free(&self) -> Result<Money, BudgetError> {
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
}

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
    /// Offsetting collections credited to the account ([`Action::Collect`]).
    pub(crate) collections: Money,
    /// The collection documents recorded (each once per account).
    pub(crate) collected: foldhash::HashSet<DocumentId>,
    pub(crate) gl: TrialBalance,
    pub(crate) allotments: Map<FundsHolder, Allotment>,
    pub(crate) allocations: Map<AllocationKey, Slot>,
    pub(crate) commitments: Map<DocumentId, CommitmentState>,
    pub(crate) obligations: Map<DocumentId, ObligationState>,
}

impl AccountState {
    fn obligation(&self, document: &DocumentId) -> Result<&ObligationState, BudgetError> {
        self.obligations
            .get(document)
            .ok_or_else(|| BudgetError::UnknownObligation {
                account: self.symbol,
                document: document.clone(),
            })
    }

    fn commitment(&self, document: &DocumentId) -> Result<&CommitmentState, BudgetError> {
        self.commitments
            .get(document)
            .ok_or_else(|| BudgetError::UnknownCommitment {
                account: self.symbol,
                document: document.clone(),
            })
    }

    fn allocation(&self, key: &AllocationKey) -> Result<Slot, BudgetError> {
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

    /// Apportioned amount available on `date` for allotment.
    fn apportioned_on(&self, date: NaiveDate) -> Result<Money, BudgetError> {
        if self.by_period.is_empty() {
            return Ok(self.apportioned);
        }
        Ok(Money::checked_sum(
            self.by_period.range(..=date).map(|(_, amount)| *amount),
        )?)
    }

    fn status(&self, date: NaiveDate) -> AccountStatus {
        self.symbol.period().status_on(date)
    }
}

/// What a payment does to an obligation: a disbursement (asked of the gate when its rules
/// bar expenditures) or a refund of one.
#[derive(Clone, Copy)]
enum Outlay<'a> {
    Disburse(Gate<'a>),
    Refund,
}

/// Every account's state, by symbol.
type Accounts = Map<AccountSymbol, AccountState>;

/// What [`Ledger::apply_all`] needs to take back a refused batch.
struct Undo {
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    /// Every account, as before the first backdated command of the batch.
    whole: Option<Map<AccountSymbol, AccountState>>,
    /// Accounts as before the batch first touched them (`None`: did not exist).
    saved: Vec<(AccountSymbol, Option<AccountState>)>,
    /// The entries the batch recorded, in order.
    recorded: Vec<(CommandId, (NaiveDate, u64))>,
}

impl Undo {
    /// Saves what applying `command` to `ledger` may change.
    fn save(&mut self, ledger: &Ledger, command: &Command) {
        if self.whole.is_some() {
            return;
        }
        if ledger.backdates(command) {
            self.whole = Some(ledger.accounts.clone());
            return;
        }
        let action = &command.action;
        for symbol in std::iter::once(action.account()).chain(action.other_account()) {
            if !self.saved.iter().any(|(s, _)| *s == symbol) {
                self.saved
                    .push((symbol, ledger.accounts.get(&symbol).cloned()));
            }
        }
    }
}

/// The writes of a command that passed every check: [`Ledger::execute`] computes them
/// without changing anything, and applying them cannot fail.
type Effect<'c> = Box<dyn FnOnce(&mut Map<AccountSymbol, AccountState>) + 'c>;

/// What the gate uses: a live check, or the decision stored in a journal being replayed.
#[derive(Clone, Copy)]
enum Gate<'a> {
    /// A live check, and the recorded date the command is decided as known on.
    Live(&'a dyn EligibilityCheck, NaiveDate),
    Stored(Option<&'a Arc<Decision>>),
}

/// The appropriation ledger: every dollar from the law that provides it to the payment
/// that spends it.
///
/// Apply [`Command`]s with [`Ledger::apply`]; each is checked for identity, shape,
/// existence, time, purpose, amount and eligibility, in that order (see [`BudgetError`]),
/// and either applies whole or changes nothing. Every applied command is kept in the
/// journal ([`Ledger::journal`]); [`Ledger::replay`] rebuilds an equal ledger from it.
///
/// # Time
///
/// An account takes new obligations only while it is unexpired and on or after its
/// enactment (31 U.S.C. 1341(a)(1)(B), 1502(a)). Once expired it takes only adjustments of
/// and payments on existing obligations, withdrawals, redistribution of its balances and
/// rescissions (1553(a)); the closing day, 30 September of the fifth fiscal year after
/// expiry, is the last day for them. From the next day the account is cancelled and takes
/// nothing (1552(a)); an obligation that would have been charged to it goes to a current
/// account with [`Action::ChargeToCurrent`] (1553(b)).
///
/// # Two clocks
///
/// Recorded dates never go backwards. Effective dates may: a command dated before the
/// latest entry is applied in its place in (effective date, sequence) order, and refused if
/// it would invalidate any later entry ([`BudgetError::BreaksLaterEntry`]), or if it is
/// dated before its account was enacted ([`BudgetError::BeforeEnactment`]).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{
///     AccountSymbol, Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger,
/// };
/// use security_assistance::ProgramKind;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2008, m, d).ok_or("date");
/// let account: AccountSymbol = "011-2008/2009-1082".parse()?;
/// let key = AllocationKey::new("DSCA".parse()?, ProgramKind::Financing, Some("JOR".parse()?));
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// let actor: security_assistance::budget::Actor = "budget-office".parse()?;
/// let steps = [
///     Action::Appropriate { account, title: "FMF".into(), purposes: vec![ProgramKind::Financing],
///         amount: "1000000".parse()?, law: "P.L. 110-161".into() },
///     Action::Apportion { account, category: Apportionment::ByPeriod { from: day(1, 2)? },
///         amount: "1000000".parse()? },
///     Action::Allot { account, holder: "DSCA".parse()?, amount: "800000".parse()? },
///     Action::Allocate { account, key: key.clone(), amount: "500000".parse()? },
///     Action::Obligate { account, document: "JO-D-GAA".parse()?, instrument: Instrument::GrantAgreement,
///         funding: Funding::Allocation { key: key.clone() }, amount: "300000".parse()? },
///     Action::Disburse { account, document: "JO-D-GAA".parse()?, amount: "120000".parse()? },
/// ];
/// for (i, action) in steps.into_iter().enumerate() {
///     ledger.apply(Command::new(format!("c{i}").parse()?, day(1, 2)?, actor.clone(), action))?;
/// }
/// // An obligation above the allocation is refused, and names the level.
/// let too_much = Action::Obligate { account, document: "JO-D-GAB".parse()?,
///     instrument: Instrument::GrantAgreement, funding: Funding::Allocation { key },
///     amount: "200000.01".parse()? };
/// let err = ledger.apply(Command::new("c9".parse()?, day(2, 1)?, actor, too_much)).unwrap_err();
/// assert!(err.to_string().contains("allocation level"));
/// assert_eq!(Ledger::replay(ledger.journal(), std::sync::Arc::new(security_assistance::eligibility::AllowAll))?, ledger);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Ledger {
    pub(crate) accounts: Map<AccountSymbol, AccountState>,
    journal: Journal,
    by_id: IdIndex,
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    eligibility: Arc<dyn EligibilityCheck + Send + Sync>,
}

impl fmt::Debug for Ledger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ledger")
            .field("accounts", &self.accounts.len())
            .field("journal_entries", &self.journal.len())
            .field("last_recorded", &self.last_recorded)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Ledger {
    /// Two ledgers are equal when their journals and every balance are equal; the
    /// eligibility checks they hold are not compared.
    fn eq(&self, other: &Ledger) -> bool {
        self.journal == other.journal
            && self.accounts == other.accounts
            && self.next_sequence == other.next_sequence
            && self.last_recorded == other.last_recorded
    }
}

impl Ledger {
    /// An empty ledger that consults `check` before every allocation and obligation to a
    /// partner. There is no constructor without a check: a ledger that needs none says so
    /// with [`AllowAll`](crate::eligibility::AllowAll).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use security_assistance::budget::Ledger;
    /// use security_assistance::eligibility::AllowAll;
    /// let ledger = Ledger::new(Arc::new(AllowAll));
    /// assert!(ledger.journal().is_empty());
    /// ```
    #[must_use]
    pub fn new(check: Arc<dyn EligibilityCheck + Send + Sync>) -> Ledger {
        Ledger {
            accounts: Map::default(),
            journal: Journal::default(),
            by_id: IdIndex::default(),
            next_sequence: 0,
            last_recorded: None,
            eligibility: check,
        }
    }

    /// The eligibility gate.
    pub(crate) fn eligibility(&self) -> Arc<dyn EligibilityCheck + Send + Sync> {
        Arc::clone(&self.eligibility)
    }

    /// An empty ledger with the same eligibility gate.
    pub(crate) fn empty_like(&self) -> Ledger {
        Ledger::new(Arc::clone(&self.eligibility))
    }

    /// Replaces the eligibility gate for commands applied from now on; entries already in
    /// the journal keep the decisions that allowed them.
    pub fn set_eligibility(&mut self, check: Arc<dyn EligibilityCheck + Send + Sync>) {
        self.eligibility = check;
    }

    /// Every applied command in (effective date, sequence) order.
    #[must_use]
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// `true` when a command with this id is in the journal.
    pub(crate) fn knows(&self, id: &CommandId) -> bool {
        self.by_id.get(id, &self.journal).is_some()
    }

    /// The effective date of the latest journal entry.
    pub(crate) fn latest_date(&self) -> Option<NaiveDate> {
        self.journal.last_date()
    }

    /// The latest recorded date.
    pub(crate) fn latest_recorded(&self) -> Option<NaiveDate> {
        self.last_recorded
    }

    /// The ledger as of `as_of`, as known on `known_on`: this ledger itself when it holds
    /// nothing later on either clock, else [`Ledger::as_of`] (a replay).
    pub(crate) fn as_known(
        &self,
        as_of: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> Result<std::borrow::Cow<'_, Ledger>, BudgetError> {
        let current = self.latest_date().is_none_or(|d| d <= as_of)
            && known_on.is_none_or(|k| self.latest_recorded().is_none_or(|r| r <= k));
        Ok(if current {
            std::borrow::Cow::Borrowed(self)
        } else {
            std::borrow::Cow::Owned(self.as_of(as_of, known_on)?)
        })
    }

    /// The symbols of every account, sorted.
    #[must_use]
    pub fn accounts(&self) -> Vec<AccountSymbol> {
        let mut symbols: Vec<_> = self.accounts.keys().copied().collect();
        symbols.sort_unstable();
        symbols
    }

    /// The balances of the obligation recorded on `document` in `account`, if there is one.
    ///
    /// ```
    /// use security_assistance::budget::Ledger;
    /// let ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
    /// assert!(ledger.obligation(&"011-2008-1081".parse()?, &"JO-D-GAA".parse()?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn obligation(
        &self,
        account: &AccountSymbol,
        document: &DocumentId,
    ) -> Option<ObligationBalance> {
        let o = self.accounts.get(account)?.obligations.get(document)?;
        Some(ObligationBalance {
            key: o.key.clone(),
            instrument: o.instrument,
            fiscal_year: o.fiscal_year,
            obligated: o.obligated,
            disbursed: o.disbursed,
        })
    }

    /// Every obligation recorded in `account`, by document, sorted by document id (for
    /// reports that list instruments under their allocations).
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownAccount`] if the account does not exist.
    pub(crate) fn obligations_of(
        &self,
        account: &AccountSymbol,
    ) -> Result<Vec<(DocumentId, ObligationBalance)>, BudgetError> {
        let mut list: Vec<(DocumentId, ObligationBalance)> = self
            .account(account)?
            .obligations
            .iter()
            .map(|(document, o)| {
                (
                    document.clone(),
                    ObligationBalance {
                        key: o.key.clone(),
                        instrument: o.instrument,
                        fiscal_year: o.fiscal_year,
                        obligated: o.obligated,
                        disbursed: o.disbursed,
                    },
                )
            })
            .collect();
        list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(list)
    }

    /// The title of `account`, as enacted.
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownAccount`] if the account does not exist.
    pub(crate) fn account_title(&self, account: &AccountSymbol) -> Result<&str, BudgetError> {
        Ok(&self.account(account)?.title)
    }

    /// The trial balance of an account's budgetary accounts.
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownAccount`] if the account does not exist.
    pub fn trial_balance(&self, account: &AccountSymbol) -> Result<TrialBalance, BudgetError> {
        Ok(self.account(account)?.gl)
    }

    /// Applies `command` whole, or refuses it and changes nothing.
    ///
    /// # Errors
    ///
    /// A [`BudgetError`] naming the first check that failed, in the documented precedence.
    pub fn apply(&mut self, command: Command) -> Result<Receipt, BudgetError> {
        if let Some(receipt) = self.admit(&command)? {
            return Ok(receipt);
        }
        let decision = if self.backdates(&command) {
            let (accounts, decision) = self.rebuild_with(&command)?;
            self.accounts = accounts;
            decision
        } else {
            let check = Arc::clone(&self.eligibility);
            self.run(&command, Gate::Live(&*check, command.recorded))?
        };
        Ok(self.record(command, decision))
    }

    /// Dry run: the receipt `apply` would give (sequence, date, decision), or its error;
    /// changes nothing.
    ///
    /// A command dated on or after the latest entry is checked against the current state
    /// at the cost of the command alone; a backdated one is checked by rebuilding the state
    /// around it, as [`Ledger::apply`] does. The eligibility gate is asked as it would be by
    /// `apply`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{Action, Command, Ledger};
    /// use security_assistance::ProgramKind;
    /// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
    /// let date = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
    /// let command = Command::new("c1".parse()?, date, "budget-office".parse()?,
    ///     Action::Appropriate { account: "011-2008/2009-1082".parse()?, title: "FMF".into(),
    ///         purposes: vec![ProgramKind::Financing], amount: "1000".parse()?,
    ///         law: "P.L. 110-161".into() });
    /// let checked = ledger.check(&command)?;
    /// assert!(ledger.journal().is_empty());
    /// assert_eq!(ledger.apply(command)?, checked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The [`BudgetError`] that [`Ledger::apply`] would return.
    pub fn check(&self, command: &Command) -> Result<Receipt, BudgetError> {
        if let Some(receipt) = self.admit(command)? {
            return Ok(receipt);
        }
        let decision = if self.backdates(command) {
            self.rebuild_with(command)?.1
        } else {
            self.execute(command, Gate::Live(&*self.eligibility, command.recorded))?
                .0
        };
        Ok(Receipt {
            command: command.id.clone(),
            sequence: self.next_sequence,
            date: command.date,
            decision,
            duplicate: false,
        })
    }

    /// Dry run of a batch, each command checked after the ones before it.
    ///
    /// A batch of more than one command is checked on a copy of the ledger, so it costs a
    /// copy of the ledger; one command costs what [`Ledger::check`] does.
    ///
    /// # Errors
    ///
    /// [`BatchError`] with the first command that [`Ledger::apply_all`] would refuse.
    pub fn check_all(&self, commands: &[Command]) -> Result<Vec<Receipt>, BatchError> {
        let batch_error = |index: usize, command: &Command, error: BudgetError| BatchError {
            index,
            command: command.id.clone(),
            error,
        };
        let Some((last, rest)) = commands.split_last() else {
            return Ok(Vec::new());
        };
        let mut receipts = Vec::with_capacity(commands.len());
        if rest.is_empty() {
            receipts.push(self.check(last).map_err(|e| batch_error(0, last, e))?);
            return Ok(receipts);
        }
        let mut scratch = self.clone();
        for (index, command) in rest.iter().enumerate() {
            receipts.push(
                scratch
                    .apply(command.clone())
                    .map_err(|e| batch_error(index, command, e))?,
            );
        }
        receipts.push(
            scratch
                .check(last)
                .map_err(|e| batch_error(rest.len(), last, e))?,
        );
        Ok(receipts)
    }

    /// Every command or none: on the first refusal nothing of the batch stays applied.
    ///
    /// The commands are applied in order, each after the ones before it (a repeat of an
    /// earlier command of the batch is a duplicate, as with [`Ledger::apply`]). Before a
    /// command that is not the last is applied, the accounts it touches are saved (the
    /// whole state when it is backdated), so a batch costs its commands plus a copy of the
    /// accounts they touch.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{Action, Apportionment, Command, Ledger};
    /// use security_assistance::ProgramKind;
    /// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
    /// let date = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
    /// let account = "011-2008/2009-1082".parse()?;
    /// let actor: security_assistance::budget::Actor = "budget-office".parse()?;
    /// let appropriate = Command::new("c1".parse()?, date, actor.clone(),
    ///     Action::Appropriate { account, title: "FMF".into(),
    ///         purposes: vec![ProgramKind::Financing], amount: "1000".parse()?,
    ///         law: "P.L. 110-161".into() });
    /// let too_much = Command::new("c2".parse()?, date, actor,
    ///     Action::Apportion { account, category: Apportionment::ByPeriod { from: date },
    ///         amount: "1000.01".parse()? });
    /// let err = ledger.apply_all(vec![appropriate, too_much]).unwrap_err();
    /// assert_eq!((err.index, err.command.as_str()), (1, "c2"));
    /// assert_eq!(ledger, Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BatchError`] with the first command refused, its place in the batch and why.
    pub fn apply_all(&mut self, commands: Vec<Command>) -> Result<Vec<Receipt>, BatchError> {
        let count = commands.len();
        self.run_batch(commands, count, true)
    }

    /// Dry run of a batch on the ledger itself: applies the commands as
    /// [`Ledger::apply_all`] does, then takes every one of them back, so the ledger ends
    /// as it began. Costs the commands plus a copy of the accounts they touch, where
    /// [`Ledger::check_all`] (which has only `&self`) copies the whole ledger; the
    /// write-ahead path uses it for batches.
    pub(crate) fn check_all_in_place(
        &mut self,
        commands: &[Command],
    ) -> Result<Vec<Receipt>, BatchError> {
        self.run_batch(commands.iter().cloned(), commands.len(), false)
    }

    /// Applies `count` commands all or none: the first refusal takes back every command
    /// before it. With `keep` false the batch is taken back even when every command
    /// applies (a dry run); with `keep` true the last command needs no saved copy, as
    /// `apply` refuses it without changing anything.
    fn run_batch(
        &mut self,
        commands: impl IntoIterator<Item = Command>,
        count: usize,
        keep: bool,
    ) -> Result<Vec<Receipt>, BatchError> {
        let mut undo = Undo {
            next_sequence: self.next_sequence,
            last_recorded: self.last_recorded,
            whole: None,
            saved: Vec::new(),
            recorded: Vec::new(),
        };
        let mut receipts = Vec::with_capacity(count);
        for (index, command) in commands.into_iter().enumerate() {
            if !keep || index.saturating_add(1) < count {
                undo.save(self, &command);
            }
            let id = command.id.clone();
            match self.apply(command) {
                Ok(receipt) => {
                    if !receipt.duplicate {
                        undo.recorded
                            .push((receipt.command.clone(), (receipt.date, receipt.sequence)));
                    }
                    receipts.push(receipt);
                }
                Err(error) => {
                    self.undo(undo);
                    return Err(BatchError {
                        index,
                        command: id,
                        error,
                    });
                }
            }
        }
        if !keep {
            self.undo(undo);
        }
        Ok(receipts)
    }

    /// Takes back what a refused batch applied.
    fn undo(&mut self, undo: Undo) {
        for (id, at) in undo.recorded.iter().rev() {
            if let Some(position) = self.journal.find(at.0, at.1) {
                self.journal.remove_at(position);
            }
            self.by_id.remove(id, *at);
        }
        if let Some(whole) = undo.whole {
            self.accounts = whole;
        }
        for (symbol, state) in undo.saved {
            match state {
                Some(state) => {
                    self.accounts.insert(symbol, state);
                }
                None => {
                    self.accounts.remove(&symbol);
                }
            }
        }
        self.next_sequence = undo.next_sequence;
        self.last_recorded = undo.last_recorded;
    }

    /// Identity, idempotency and the recorded clock: `Some` receipt when `command` was
    /// already applied, `None` when it is new and may go on to the other checks.
    fn admit(&self, command: &Command) -> Result<Option<Receipt>, BudgetError> {
        if let Some((date, sequence)) = self.by_id.get(&command.id, &self.journal) {
            let entry = self
                .journal
                .find(date, sequence)
                .and_then(|p| self.journal.get(p));
            if let Some(entry) = entry {
                return match entry.command.first_difference(command) {
                    None => Ok(Some(Receipt {
                        command: command.id.clone(),
                        sequence,
                        date,
                        decision: entry.decision.clone(),
                        duplicate: true,
                    })),
                    Some(field) => Err(BudgetError::CommandConflict {
                        id: command.id.clone(),
                        field,
                    }),
                };
            }
        }
        if let Some(latest) = self.last_recorded {
            if command.recorded < latest {
                return Err(BudgetError::RecordedOutOfOrder {
                    recorded: command.recorded,
                    latest,
                });
            }
        }
        if self.next_sequence > sequence::LAST_SEQUENCE {
            return Err(sequence::exhausted());
        }
        Ok(None)
    }

    /// `true` when `command` is dated before the latest entry.
    fn backdates(&self, command: &Command) -> bool {
        self.journal
            .last_date()
            .is_some_and(|last| command.date < last)
    }

    /// Checks `command` and applies its writes.
    fn run(
        &mut self,
        command: &Command,
        gate: Gate<'_>,
    ) -> Result<Option<Arc<Decision>>, BudgetError> {
        let (decision, effect) = self.execute(command, gate)?;
        effect(&mut self.accounts);
        Ok(decision)
    }

    fn record(&mut self, command: Command, decision: Option<Arc<Decision>>) -> Receipt {
        let sequence = self.next_sequence;
        self.next_sequence = self.next_sequence.saturating_add(1);
        self.last_recorded = Some(command.recorded);
        let receipt = Receipt {
            command: command.id.clone(),
            sequence,
            date: command.date,
            decision: decision.clone(),
            duplicate: false,
        };
        let entry = JournalEntry {
            sequence,
            command,
            decision,
        };
        // Keep (date, sequence) order; a backdated entry goes after every entry of its date.
        let appends = self
            .journal
            .last_date()
            .is_none_or(|last| last <= entry.command.date);
        let position = if appends {
            self.journal.len()
        } else {
            self.journal.count_through(entry.command.date)
        };
        self.journal.insert_at(position, entry);
        // The receipt's copy of the id serves the index, which hashes it (and keeps it only
        // in the rare case of a hash collision).
        self.by_id
            .insert(&receipt.command, (receipt.date, sequence), &self.journal);
        receipt
    }

    /// The accounts with a backdated `command` in its place: rebuilds the state up to its
    /// date, checks it there and re-checks every later entry.
    fn rebuild_with(
        &self,
        command: &Command,
    ) -> Result<(Accounts, Option<Arc<Decision>>), BudgetError> {
        self.rebuild_gated(command, Gate::Live(&*self.eligibility, command.recorded))
    }

    /// [`Ledger::rebuild_with`], asking `gate` about the command.
    fn rebuild_gated(
        &self,
        command: &Command,
        gate: Gate<'_>,
    ) -> Result<(Accounts, Option<Arc<Decision>>), BudgetError> {
        let split = self.journal.count_through(command.date);
        let mut rebuilt = self.empty_like();
        for (position, entry) in self.journal.iter().take(split).enumerate() {
            rebuilt
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| journal_error(position, e))?;
        }
        let decision = rebuilt
            .run(command, gate)
            .map_err(|e| self.before_enactment(command, e))?;
        for (position, entry) in self.journal.iter().enumerate().skip(split) {
            rebuilt
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| BudgetError::BreaksLaterEntry {
                    later: entry.command.id.clone(),
                    source: Box::new(at_entry(position, e)),
                })?;
        }
        Ok((rebuilt.accounts, decision))
    }

    /// Applies an entry read back from a store, after the entries already applied: its
    /// sequence must be the next one, its recorded date not before the last, its id new,
    /// and its stored decision must answer it (eligibility is not asked again).
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] with the entry's position (its sequence) and the problem.
    pub(crate) fn restore(&mut self, entry: JournalEntry) -> Result<Receipt, BudgetError> {
        let position = usize::try_from(entry.sequence).unwrap_or(usize::MAX);
        sequence::check_sequence(position, entry.sequence)?;
        let c = &entry.command;
        if entry.sequence != self.next_sequence {
            return Err(BudgetError::Journal {
                position,
                problem: Box::new(JournalProblem::OutOfOrder {
                    date: c.date,
                    sequence: entry.sequence,
                    previous_date: self.journal.last_date().unwrap_or(c.date),
                    previous_sequence: self.next_sequence.saturating_sub(1),
                }),
            });
        }
        if self.by_id.get(&c.id, &self.journal).is_some() {
            return Err(journal_error(
                position,
                BudgetError::CommandConflict {
                    id: c.id.clone(),
                    field: "id".to_owned(),
                },
            ));
        }
        if let Some(latest) = self.last_recorded {
            if c.recorded < latest {
                return Err(journal_error(
                    position,
                    BudgetError::RecordedOutOfOrder {
                        recorded: c.recorded,
                        latest,
                    },
                ));
            }
        }
        let gate = Gate::Stored(entry.decision.as_ref());
        let decision = if self.backdates(c) {
            let (accounts, decision) = self
                .rebuild_gated(c, gate)
                .map_err(|e| journal_error(position, e))?;
            self.accounts = accounts;
            decision
        } else {
            self.run(c, gate).map_err(|e| journal_error(position, e))?
        };
        Ok(self.record(entry.command, decision))
    }

    /// The ledger's state in the checkpoint format: postcard (a compact binary serde
    /// format) of the balances, the counters and the journal in its in-memory compact
    /// form, so that loading it decodes no entry and replays nothing.
    pub(crate) fn snapshot(&self) -> Result<Vec<u8>, String> {
        let mut accounts: Vec<&AccountState> = self.accounts.values().collect();
        accounts.sort_unstable_by_key(|a| a.symbol);
        let snapshot = SnapshotRef {
            format: SNAPSHOT_FORMAT,
            next_sequence: self.next_sequence,
            last_recorded: self.last_recorded,
            accounts,
            journal: self.journal.to_parts(),
        };
        postcard::to_stdvec(&snapshot).map_err(|e| e.to_string())
    }

    /// A ledger from [`Ledger::snapshot`]'s bytes, with `check` as its gate.
    pub(crate) fn from_snapshot(
        bytes: &[u8],
        check: Arc<dyn EligibilityCheck + Send + Sync>,
    ) -> Result<Ledger, String> {
        let snapshot: Snapshot = postcard::from_bytes(bytes).map_err(|e| e.to_string())?;
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(format!(
                "checkpoint format {} is not {SNAPSHOT_FORMAT}",
                snapshot.format
            ));
        }
        let journal = Journal::from_parts(snapshot.journal)
            .ok_or_else(|| "the checkpoint's journal is inconsistent".to_owned())?;
        let mut ledger = Ledger::new(check);
        for position in 0..journal.len() {
            let (Some(id), Some(entry)) = (journal.id_at(position), journal.key_at(position))
            else {
                return Err(format!(
                    "the checkpoint's journal entry {position} is unreadable"
                ));
            };
            ledger.by_id.insert(&id, entry, &journal);
        }
        ledger.accounts = snapshot
            .accounts
            .into_iter()
            .map(|a| (a.symbol, a))
            .collect();
        ledger.journal = journal;
        ledger.next_sequence = snapshot.next_sequence;
        ledger.last_recorded = snapshot.last_recorded;
        Ok(ledger)
    }

    /// The sequence of the last entry applied, `None` for an empty ledger.
    pub(crate) fn last_sequence(&self) -> Option<u64> {
        self.next_sequence.checked_sub(1)
    }

    /// An account that exists now but did not exist on a backdated command's date was
    /// enacted after it: the command is in advance of the appropriation
    /// (31 U.S.C. 1341(a)(1)(B)), a time error, rather than aimed at an unknown account.
    fn before_enactment(&self, command: &Command, error: BudgetError) -> BudgetError {
        if let BudgetError::UnknownAccount { account } = &error {
            if let Some(acct) = self.accounts.get(account) {
                if command.date < acct.enacted {
                    return BudgetError::BeforeEnactment {
                        action: command.action.name().to_owned(),
                        account: *account,
                        date: command.date,
                        enacted: acct.enacted,
                    };
                }
            }
        }
        error
    }

    /// Rebuilds a ledger from a journal, checking every entry as it goes, with `check` as
    /// its eligibility gate for the commands applied from then on. Entries keep their
    /// sequence numbers and stored decisions: each allocation or obligation to a partner
    /// must carry an allowing decision that answers it (partner, program, date), and
    /// eligibility is not asked again.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] with the position of the first entry that is out of order,
    /// refused, or lacks the decision that allowed it.
    pub fn replay(
        journal: &Journal,
        check: Arc<dyn EligibilityCheck + Send + Sync>,
    ) -> Result<Ledger, BudgetError> {
        let mut ledger = Ledger::new(check);
        let mut previous: Option<(NaiveDate, u64)> = None;
        let mut next_sequence = 0u64;
        let mut last_recorded = None;
        let mut recorded = sequence::RecordedOrder::default();
        for (position, entry) in journal.iter().enumerate() {
            let at = (entry.command.date, entry.sequence);
            sequence::check_sequence(position, entry.sequence)?;
            recorded.push(entry.sequence, entry.command.recorded, position);
            if let Some(prev) = previous {
                if prev >= at {
                    return Err(BudgetError::Journal {
                        position,
                        problem: Box::new(JournalProblem::OutOfOrder {
                            date: entry.command.date,
                            sequence: entry.sequence,
                            previous_date: prev.0,
                            previous_sequence: prev.1,
                        }),
                    });
                }
            }
            // The index points into the journal being replayed, whose earlier entries are
            // already checked, so a repeated id is found on the way.
            if ledger.by_id.get(&entry.command.id, journal).is_some() {
                return Err(journal_error(
                    position,
                    BudgetError::CommandConflict {
                        id: entry.command.id.clone(),
                        field: "id".to_owned(),
                    },
                ));
            }
            ledger
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| journal_error(position, e))?;
            ledger.by_id.insert(&entry.command.id, at, journal);
            next_sequence = next_sequence.max(entry.sequence.saturating_add(1));
            last_recorded = last_recorded.max(Some(entry.command.recorded));
            previous = Some(at);
        }
        recorded.check()?;
        ledger.journal = journal.clone();
        ledger.next_sequence = next_sequence;
        ledger.last_recorded = last_recorded;
        Ok(ledger)
    }

    /// The ledger as it stood on `date` (entries effective on or before it), as known on
    /// `known_on` (entries recorded on or before it; `None` for everything recorded).
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] if the selected entries cannot be replayed.
    pub fn as_of(
        &self,
        date: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> Result<Ledger, BudgetError> {
        let everything_known = known_on.is_none_or(|k| self.last_recorded.is_none_or(|r| r <= k));
        let check = Arc::clone(&self.eligibility);
        if everything_known {
            // Entries effective by `date` are a prefix of the journal.
            Ledger::replay(
                &self.journal.prefix(self.journal.count_through(date)),
                check,
            )
        } else {
            let selected: Vec<JournalEntry> = self
                .journal
                .iter()
                .filter(|e| {
                    e.command.date <= date && known_on.is_none_or(|k| e.command.recorded <= k)
                })
                .collect();
            Ledger::replay(&Journal::from_entries(selected), check)
        }
    }

    pub(crate) fn account(&self, symbol: &AccountSymbol) -> Result<&AccountState, BudgetError> {
        self.accounts
            .get(symbol)
            .ok_or(BudgetError::UnknownAccount { account: *symbol })
    }

    /// Checks `command` against the current state and, if every check passes, returns the
    /// decision that allowed it and its writes, for [`Ledger::run`] to apply (or a dry run
    /// to drop). Nothing is written here: checking costs what the command touches.
    fn execute<'c>(
        &self,
        command: &'c Command,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let date = command.date;
        let action = &command.action;
        let name = action.name();
        check_shape(action)?;
        fiscal_year_of(name, date)?;
        match action {
            Action::Appropriate {
                account,
                title,
                purposes,
                amount,
                law: _,
            } => Ok((
                None,
                self.appropriate(date, *account, title, purposes, *amount)?,
            )),
            Action::ContinuingResolution {
                account,
                title,
                purposes,
                annual_rate,
                through,
                seasonal_limit,
                law: _,
            } => {
                let fy = account.period().first();
                if *through < fy.first_day() || *through > fy.last_day() || *through < date {
                    return Err(shape(
                        name,
                        ShapeError::ResolutionOutsideYear { through: *through },
                    ));
                }
                let days = u32::try_from(
                    through
                        .signed_duration_since(fy.first_day())
                        .num_days()
                        .saturating_add(1),
                )
                .unwrap_or(0);
                let amount = cr_amount(*annual_rate, days, fy, *seasonal_limit, Rounding::HalfEven)
                    .map_err(|_| {
                        shape(
                            name,
                            ShapeError::ResolutionOutsideYear { through: *through },
                        )
                    })?;
                let effect =
                    self.continuing_resolution(date, *account, title, purposes, amount, *through)?;
                Ok((None, effect))
            }
            Action::Apportion {
                account,
                category,
                amount,
            } => Ok((
                None,
                self.apportion(name, date, account, *category, *amount)?,
            )),
            Action::Allot {
                account,
                holder,
                amount,
            } => Ok((None, self.allot(name, date, account, holder, *amount)?)),
            Action::Allocate {
                account,
                key,
                amount,
            } => self.allocate(name, date, account, key, *amount, gate, None),
            Action::Commit {
                account,
                document,
                key,
                amount,
            } => self.commit(name, date, account, document, key, *amount, gate),
            Action::Decommit {
                account,
                document,
                amount,
            } => Ok((None, self.decommit(name, date, account, document, *amount)?)),
            Action::Obligate {
                account,
                document,
                instrument,
                funding,
                amount,
            } => self.obligate(
                name,
                date,
                account,
                document,
                *instrument,
                funding,
                *amount,
                gate,
            ),
            Action::AdjustObligation {
                account,
                document,
                amount,
            } => Ok((None, self.adjust(name, date, account, document, *amount)?)),
            Action::Disburse {
                account,
                document,
                amount,
            } => Ok((
                None,
                self.pay(
                    name,
                    date,
                    account,
                    document,
                    *amount,
                    Outlay::Disburse(gate),
                )?,
            )),
            Action::Refund {
                account,
                document,
                amount,
            } => Ok((
                None,
                self.pay(name, date, account, document, *amount, Outlay::Refund)?,
            )),
            Action::Transfer {
                from,
                to,
                amount,
                authority: _,
            } => Ok((None, self.transfer(name, date, from, to, *amount)?)),
            Action::Reprogram {
                account,
                from,
                to,
                amount,
                authority: _,
            } => self.allocate(name, date, account, to, *amount, gate, Some(from)),
            Action::Rescind {
                account,
                amount,
                law: _,
            } => Ok((None, self.rescind(name, date, account, *amount)?)),
            Action::ChargeToCurrent {
                cancelled,
                document,
                current,
                key,
                amount,
            } => {
                self.charge_to_current(name, date, cancelled, document, current, key, *amount, gate)
            }
            Action::Collect {
                account,
                document,
                payer: _,
                amount,
                authority: _,
            } => Ok((None, self.collect(name, date, account, document, *amount)?)),
        }
    }

    /// Credits an offsetting collection to the account: new budget authority, not yet
    /// apportioned (Dr 4252, Cr 4450).
    fn collect<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        if acct.collected.contains(document) {
            return Err(BudgetError::DocumentExists {
                account: *symbol,
                document: document.clone(),
                what: "a collection".to_owned(),
            });
        }
        check_new_obligation(name, acct, date)?;
        let collections = acct.collections.checked_add(amount)?;
        self.check_resources(*symbol, amount)?;
        let gl = acct
            .gl
            .post(Ussgl::ReimbursementsCollected, Ussgl::Unapportioned, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(symbol) {
                    a.collections = collections;
                    a.collected.insert(document.clone());
                    a.gl = gl;
                }
            });
        Ok(effect)
    }

    fn appropriate<'c>(
        &self,
        date: NaiveDate,
        symbol: AccountSymbol,
        title: &'c str,
        purposes: &'c [ProgramKind],
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let name = "appropriate";
        let purposes = normalized(purposes);
        match self.accounts.get(&symbol) {
            None => {
                check_enactable(name, &symbol, date)?;
                self.check_resources(symbol, amount)?;
                let gl = TrialBalance::default().post(
                    Ussgl::OtherAppropriationsRealized,
                    Ussgl::Unapportioned,
                    amount,
                )?;
                let acct = new_account(symbol, title, purposes, date, amount, true, None, gl);
                Ok(Box::new(
                    move |accounts: &mut Map<AccountSymbol, AccountState>| {
                        accounts.insert(symbol, acct);
                    },
                ))
            }
            Some(existing) => {
                if existing.purposes != purposes {
                    return Err(BudgetError::AccountExists {
                        account: symbol,
                        existing: existing.purposes.clone(),
                    });
                }
                check_enactable(name, &symbol, date)?;
                // A full-year act supersedes continuing-resolution authority: the resolution's
                // amount is replaced by the full-year amount.
                let (appropriated, delta) = if existing.full_year {
                    (existing.appropriated.checked_add(amount)?, amount)
                } else {
                    let cr = existing.resolution.map_or(Money::ZERO, |r| r.amount);
                    (amount, amount.checked_sub(cr)?)
                };
                self.check_resources(symbol, delta)?;
                let mut next = existing.clone_totals();
                next.appropriated = appropriated;
                next.full_year = true;
                let authority = next.authority()?;
                if authority < existing.apportioned {
                    return Err(exceeds(
                        Level::Appropriation,
                        symbol,
                        existing.apportioned,
                        authority,
                    ));
                }
                let gl = existing.gl.post(
                    Ussgl::OtherAppropriationsRealized,
                    Ussgl::Unapportioned,
                    delta,
                )?;
                Ok(Box::new(
                    move |accounts: &mut Map<AccountSymbol, AccountState>| {
                        if let Some(acct) = accounts.get_mut(&symbol) {
                            acct.appropriated = appropriated;
                            acct.full_year = true;
                            acct.gl = gl;
                        }
                    },
                ))
            }
        }
    }

    fn continuing_resolution<'c>(
        &self,
        date: NaiveDate,
        symbol: AccountSymbol,
        title: &'c str,
        purposes: &'c [ProgramKind],
        amount: Money,
        through: NaiveDate,
    ) -> Result<Effect<'c>, BudgetError> {
        let name = "continuing_resolution";
        let purposes = normalized(purposes);
        let from = symbol.period().first().first_day();
        let resolution = Resolution { amount, through };
        match self.accounts.get(&symbol) {
            None => {
                check_enactable(name, &symbol, date)?;
                self.check_resources(symbol, amount)?;
                let gl = TrialBalance::default()
                    .post(
                        Ussgl::OtherAppropriationsRealized,
                        Ussgl::Unapportioned,
                        amount,
                    )?
                    .post(Ussgl::Unapportioned, Ussgl::Apportionments, amount)?;
                let mut acct = new_account(
                    symbol,
                    title,
                    purposes,
                    date,
                    Money::ZERO,
                    false,
                    Some(resolution),
                    gl,
                );
                acct.apportioned = amount;
                acct.by_period.insert(from, amount);
                Ok(Box::new(
                    move |accounts: &mut Map<AccountSymbol, AccountState>| {
                        accounts.insert(symbol, acct);
                    },
                ))
            }
            Some(existing) => {
                let previous = existing.resolution.map_or(Money::ZERO, |r| r.amount);
                let delta = amount.checked_sub(previous)?;
                if delta.is_negative() {
                    // A shorter resolution than the one in force adds nothing; a shape
                    // error, so it ranks before the existence checks below.
                    return Err(shape(name, ShapeError::ResolutionOutsideYear { through }));
                }
                if existing.full_year
                    || existing.purposes != purposes
                    || !existing.by_program.is_empty()
                {
                    return Err(BudgetError::AccountExists {
                        account: symbol,
                        existing: existing.purposes.clone(),
                    });
                }
                check_enactable(name, &symbol, date)?;
                self.check_resources(symbol, delta)?;
                let gl = existing
                    .gl
                    .post(
                        Ussgl::OtherAppropriationsRealized,
                        Ussgl::Unapportioned,
                        delta,
                    )?
                    .post(Ussgl::Unapportioned, Ussgl::Apportionments, delta)?;
                let apportioned = existing.apportioned.checked_add(delta)?;
                let line = existing
                    .by_period
                    .get(&from)
                    .copied()
                    .unwrap_or(Money::ZERO)
                    .checked_add(delta)?;
                Ok(Box::new(
                    move |accounts: &mut Map<AccountSymbol, AccountState>| {
                        if let Some(acct) = accounts.get_mut(&symbol) {
                            acct.resolution = Some(resolution);
                            acct.apportioned = apportioned;
                            acct.by_period.insert(from, line);
                            acct.gl = gl;
                        }
                    },
                ))
            }
        }
    }

    fn apportion<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        category: Apportionment,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        match category {
            Apportionment::ByPeriod { .. } if !acct.by_program.is_empty() => {
                return Err(BudgetError::ApportionmentMixed {
                    account: *symbol,
                    existing: "program".to_owned(),
                });
            }
            Apportionment::ByProgram { .. } if !acct.by_period.is_empty() => {
                return Err(BudgetError::ApportionmentMixed {
                    account: *symbol,
                    existing: "period".to_owned(),
                });
            }
            Apportionment::ByPeriod { .. } | Apportionment::ByProgram { .. } => {}
        }
        check_distributable(name, acct, date)?;
        if let Apportionment::ByProgram { program } = category {
            check_purpose(acct, program)?;
        }
        let apportioned = acct.apportioned.checked_add(amount)?;
        if amount.is_positive() {
            let unapportioned = acct.authority()?.checked_sub(acct.apportioned)?;
            if amount > unapportioned {
                return Err(exceeds(
                    Level::Appropriation,
                    *symbol,
                    amount,
                    unapportioned,
                ));
            }
        }
        // A withdrawal must leave the line, and the whole, above what was distributed from it.
        let line_before = match category {
            Apportionment::ByPeriod { from } => acct.by_period.get(&from).copied(),
            Apportionment::ByProgram { program } => acct.by_program.get(&program).copied(),
        }
        .unwrap_or(Money::ZERO);
        let line = line_before.checked_add(amount)?;
        if amount.is_negative() {
            let withdrawn = amount.checked_neg()?;
            let mut room = acct
                .apportioned
                .checked_sub(acct.allotted)?
                .min(line_before);
            match category {
                Apportionment::ByProgram { program } => {
                    let used = acct
                        .allocated_by_program
                        .get(&program)
                        .copied()
                        .unwrap_or(Money::ZERO);
                    room = room.min(line_before.checked_sub(used)?);
                }
                Apportionment::ByPeriod { from } => {
                    // What stays apportioned to date must still cover the allotments, from
                    // the later of the command's date and the line's first day on.
                    let to_date = acct.apportioned_on(date.max(from))?;
                    room = room.min(to_date.checked_sub(acct.allotted)?);
                }
            }
            if withdrawn > room {
                return Err(exceeds(
                    Level::Apportionment,
                    *symbol,
                    withdrawn,
                    room.max(Money::ZERO),
                ));
            }
        }
        let gl = acct
            .gl
            .post(Ussgl::Unapportioned, Ussgl::Apportionments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.apportioned = apportioned;
                    match category {
                        Apportionment::ByPeriod { from } => {
                            acct.by_period.insert(from, line);
                        }
                        Apportionment::ByProgram { program } => {
                            acct.by_program.insert(program, line);
                        }
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    fn allot<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        holder: &'c FundsHolder,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        let current = acct.allotments.get(holder).copied();
        if amount.is_negative() && current.is_none() {
            return Err(BudgetError::UnknownAllotment {
                account: *symbol,
                holder: holder.clone(),
            });
        }
        check_distributable(name, acct, date)?;
        let current = current.unwrap_or_default();
        if amount.is_positive() {
            let available = acct.apportioned_on(date)?.checked_sub(acct.allotted)?;
            if amount > available {
                return Err(exceeds(
                    Level::Apportionment,
                    *symbol,
                    amount,
                    available.max(Money::ZERO),
                ));
            }
        } else {
            let withdrawn = amount.checked_neg()?;
            let room = current.allotted.checked_sub(current.allocated)?;
            if withdrawn > room {
                return Err(exceeds(Level::Allotment, *symbol, withdrawn, room));
            }
        }
        let allotted = acct.allotted.checked_add(amount)?;
        let next = Allotment {
            allotted: current.allotted.checked_add(amount)?,
            allocated: current.allocated,
        };
        let gl = acct
            .gl
            .post(Ussgl::Apportionments, Ussgl::Allotments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.allotted = allotted;
                    acct.allotments.insert(holder.clone(), next);
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    /// Allocates `amount` to `key` (or withdraws when negative); with `from`, moves it from
    /// another allocation (a reprogramming).
    #[allow(clippy::too_many_arguments)]
    fn allocate<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        key: &'c AllocationKey,
        amount: Money,
        gate: Gate<'_>,
        from: Option<&AllocationKey>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let acct = self.account(symbol)?;
        let allotment = acct.allotments.get(&key.holder).copied().ok_or_else(|| {
            BudgetError::UnknownAllotment {
                account: *symbol,
                holder: key.holder.clone(),
            }
        })?;
        let current = acct.allocations.get(key).copied();
        if amount.is_negative() && current.is_none() {
            return Err(BudgetError::UnknownAllocation {
                account: *symbol,
                key: key.clone(),
            });
        }
        let source = match from {
            None => None,
            Some(from_key) => {
                let slot = acct.allocations.get(from_key).copied().ok_or_else(|| {
                    BudgetError::UnknownAllocation {
                        account: *symbol,
                        key: from_key.clone(),
                    }
                })?;
                if !acct.allotments.contains_key(&from_key.holder) {
                    return Err(BudgetError::UnknownAllotment {
                        account: *symbol,
                        holder: from_key.holder.clone(),
                    });
                }
                Some((from_key, slot))
            }
        };
        // Time: a reprogramming is a new use of funds, so the account must be unexpired.
        if from.is_some() {
            check_new_obligation(name, acct, date)?;
        } else {
            check_distributable(name, acct, date)?;
        }
        check_purpose(acct, key.program)?;
        let current = current.unwrap_or_default();
        // Category B: allocations to a program stay within its apportionment. The
        // apportionment is the higher level, so it is checked first (DOMAIN.md §1.6).
        let released = match source {
            Some((from_key, _)) if from_key.program == key.program => amount,
            Some(_) | None => Money::ZERO,
        };
        let prior_prog = acct
            .allocated_by_program
            .get(&key.program)
            .copied()
            .unwrap_or(Money::ZERO)
            .checked_sub(released)?;
        if !acct.by_program.is_empty() && amount.is_positive() {
            let line = acct
                .by_program
                .get(&key.program)
                .copied()
                .unwrap_or(Money::ZERO);
            let available = line.checked_sub(prior_prog)?;
            if amount > available {
                return Err(exceeds(
                    Level::Apportionment,
                    *symbol,
                    amount,
                    available.max(Money::ZERO),
                ));
            }
        }
        let mut allotment_next = allotment;
        let mut source_next = None;
        let mut by_program = Vec::with_capacity(2);
        if let Some((from_key, slot)) = source {
            slot.require_free(*symbol, amount)?;
            let mut s = slot;
            s.allocated = s.allocated.checked_sub(amount)?;
            source_next = Some((from_key.clone(), s));
            let from_prog = acct
                .allocated_by_program
                .get(&from_key.program)
                .copied()
                .unwrap_or(Money::ZERO);
            by_program.push((from_key.program, from_prog.checked_sub(amount)?));
        } else if amount.is_positive() {
            let available = allotment.allotted.checked_sub(allotment.allocated)?;
            if amount > available {
                return Err(exceeds(
                    Level::Allotment,
                    *symbol,
                    amount,
                    available.max(Money::ZERO),
                ));
            }
            allotment_next.allocated = allotment.allocated.checked_add(amount)?;
        } else {
            let withdrawn = amount.checked_neg()?;
            current.require_free(*symbol, withdrawn)?;
            allotment_next.allocated = allotment.allocated.checked_add(amount)?;
        }
        let prog_next = prior_prog.checked_add(amount)?;
        by_program.retain(|(p, _)| *p != key.program);
        by_program.push((key.program, prog_next));
        let mut next = current;
        next.allocated = current.allocated.checked_add(amount)?;
        let decision = if amount.is_positive() {
            gate_check(gate, symbol, key, date, Some(amount), None)?
        } else {
            None
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.allotments.insert(key.holder.clone(), allotment_next);
                    if let Some((k, s)) = source_next {
                        put_slot(&mut acct.allocations, &k, s);
                    }
                    put_slot(&mut acct.allocations, key, next);
                    for (program, value) in by_program {
                        acct.allocated_by_program.insert(program, value);
                    }
                }
            });
        Ok((decision, effect))
    }

    #[allow(clippy::too_many_arguments)]
    fn commit<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        key: &'c AllocationKey,
        amount: Money,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let acct = self.account(symbol)?;
        let slot = acct.allocation(key)?;
        if acct.commitments.contains_key(document) || acct.obligations.contains_key(document) {
            return Err(BudgetError::DocumentExists {
                account: *symbol,
                document: document.clone(),
                what: "a commitment or obligation".to_owned(),
            });
        }
        check_new_obligation(name, acct, date)?;
        check_purpose(acct, key.program)?;
        slot.require_free(*symbol, amount)?;
        let decision = gate_check(gate, symbol, key, date, Some(amount), Some(document))?;
        let mut next = slot;
        next.committed = slot.committed.checked_add(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Allotments, Ussgl::Commitments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, key, next);
                    acct.commitments.insert(
                        document.clone(),
                        CommitmentState {
                            key: key.clone(),
                            amount,
                        },
                    );
                    acct.gl = gl;
                }
            });
        Ok((decision, effect))
    }

    fn decommit<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        let commitment = acct.commitment(document)?;
        check_distributable(name, acct, date)?;
        if amount > commitment.amount {
            return Err(exceeds(
                Level::Commitment,
                *symbol,
                amount,
                commitment.amount,
            ));
        }
        let key = commitment.key.clone();
        let remaining = commitment.amount.checked_sub(amount)?;
        let mut slot = acct.allocations.get(&key).copied().unwrap_or_default();
        slot.committed = slot.committed.checked_sub(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Commitments, Ussgl::Allotments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, slot);
                    if remaining.is_zero() {
                        acct.commitments.remove(document);
                    } else if let Some(c) = acct.commitments.get_mut(document) {
                        c.amount = remaining;
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    #[allow(clippy::too_many_arguments)]
    fn obligate<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        instrument: Instrument,
        funding: &'c Funding,
        amount: Money,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let acct = self.account(symbol)?;
        if acct.obligations.contains_key(document) {
            return Err(BudgetError::DocumentExists {
                account: *symbol,
                document: document.clone(),
                what: "an obligation".to_owned(),
            });
        }
        let (key, commitment) = match funding {
            Funding::Commitment => {
                let c = acct.commitments.get(document).ok_or_else(|| {
                    BudgetError::UnknownCommitment {
                        account: *symbol,
                        document: document.clone(),
                    }
                })?;
                (&c.key, Some(c.amount))
            }
            Funding::Allocation { key } => {
                if acct.commitments.contains_key(document) {
                    return Err(BudgetError::DocumentExists {
                        account: *symbol,
                        document: document.clone(),
                        what: "a commitment (obligate it with funding from the commitment)"
                            .to_owned(),
                    });
                }
                (key, None)
            }
            Funding::Allotment { key } => {
                if acct.commitments.contains_key(document) {
                    return Err(BudgetError::DocumentExists {
                        account: *symbol,
                        document: document.clone(),
                        what: "a commitment (obligate it with funding from the commitment)"
                            .to_owned(),
                    });
                }
                (key, None)
            }
        };
        let direct = matches!(funding, Funding::Allotment { .. });
        let slot = if direct {
            if !acct.allotments.contains_key(&key.holder) {
                return Err(BudgetError::UnknownAllotment {
                    account: *symbol,
                    holder: key.holder.clone(),
                });
            }
            acct.allocations.get(key).copied().unwrap_or_default()
        } else {
            acct.allocation(key)?
        };
        check_new_obligation(name, acct, date)?;
        check_purpose(acct, key.program)?;
        let mut next = slot;
        let mut remaining_commitment = None;
        let mut direct_change = None;
        if direct {
            direct_change = Some(draw_on_allotment(acct, key, amount)?);
            next.allocated = slot.allocated.checked_add(amount)?;
        } else if let Some(committed) = commitment {
            if amount > committed {
                return Err(exceeds(Level::Commitment, *symbol, amount, committed));
            }
            next.committed = slot.committed.checked_sub(amount)?;
            remaining_commitment = Some(committed.checked_sub(amount)?);
        } else {
            slot.require_free(*symbol, amount)?;
        }
        next.obligated = slot.obligated.checked_add(amount)?;
        let decision = gate_check(gate, symbol, key, date, Some(amount), Some(document))?;
        let debit = if commitment.is_some() {
            Ussgl::Commitments
        } else {
            Ussgl::Allotments
        };
        let gl = acct.gl.post(debit, Ussgl::UnpaidObligations, amount)?;
        let key = key.clone();
        let obligation = ObligationState {
            key: key.clone(),
            instrument,
            fiscal_year: fiscal_year_of(name, date)?,
            obligated: amount,
            disbursed: Money::ZERO,
            direct,
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, next);
                    if let Some(change) = direct_change {
                        change.write(acct, &key);
                    }
                    match remaining_commitment {
                        Some(rest) if rest.is_zero() => {
                            acct.commitments.remove(document);
                        }
                        Some(rest) => {
                            if let Some(c) = acct.commitments.get_mut(document) {
                                c.amount = rest;
                            }
                        }
                        None => {}
                    }
                    acct.obligations.insert(document.clone(), obligation);
                    acct.gl = gl;
                }
            });
        Ok((decision, effect))
    }

    fn adjust<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        let obligation = acct.obligation(document)?;
        check_adjustable(name, acct, date)?;
        let slot = acct
            .allocations
            .get(&obligation.key)
            .copied()
            .unwrap_or_default();
        let prior_year = fiscal_year_of(name, date)? > obligation.fiscal_year;
        let mut next = slot;
        let gl;
        let mut direct_change = None;
        if amount.is_positive() {
            if obligation.direct {
                direct_change = Some(draw_on_allotment(acct, &obligation.key, amount)?);
                next.allocated = slot.allocated.checked_add(amount)?;
            } else {
                slot.require_free(*symbol, amount)?;
            }
            let debit = if prior_year {
                Ussgl::UpwardAdjustmentsPriorYear
            } else {
                Ussgl::Allotments
            };
            gl = acct.gl.post(debit, Ussgl::UnpaidObligations, amount)?;
        } else {
            let reduction = amount.checked_neg()?;
            let unpaid = obligation.obligated.checked_sub(obligation.disbursed)?;
            if reduction > unpaid {
                return Err(exceeds(Level::Obligation, *symbol, reduction, unpaid));
            }
            if prior_year {
                next.recoveries = slot.recoveries.checked_add(reduction)?;
            }
            if obligation.direct {
                direct_change = Some(draw_on_allotment(acct, &obligation.key, amount)?);
                next.allocated = slot.allocated.checked_add(amount)?;
            }
            let credit = if prior_year {
                Ussgl::Recoveries
            } else {
                Ussgl::Allotments
            };
            gl = acct.gl.post(Ussgl::UnpaidObligations, credit, reduction)?;
        }
        next.obligated = slot.obligated.checked_add(amount)?;
        let obligated = obligation.obligated.checked_add(amount)?;
        let key = obligation.key.clone();
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, next);
                    if let Some(change) = direct_change {
                        change.write(acct, &key);
                    }
                    if let Some(o) = acct.obligations.get_mut(document) {
                        o.obligated = obligated;
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    fn pay<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
        outlay: Outlay<'_>,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        let obligation = acct.obligation(document)?;
        check_adjustable(name, acct, date)?;
        let (signed, gl) = if let Outlay::Disburse(gate) = outlay {
            let unpaid = obligation.obligated.checked_sub(obligation.disbursed)?;
            if amount > unpaid {
                return Err(exceeds(Level::Obligation, *symbol, amount, unpaid));
            }
            expenditure_check(gate, symbol, &obligation.key, date, amount, document)?;
            let gl = acct
                .gl
                .post(Ussgl::UnpaidObligations, Ussgl::PaidObligations, amount)?;
            (amount, gl)
        } else {
            if amount > obligation.disbursed {
                return Err(exceeds(
                    Level::Disbursement,
                    *symbol,
                    amount,
                    obligation.disbursed,
                ));
            }
            let gl = acct
                .gl
                .post(Ussgl::PaidObligations, Ussgl::UnpaidObligations, amount)?;
            (amount.checked_neg()?, gl)
        };
        let disbursed = obligation.disbursed.checked_add(signed)?;
        let mut slot = acct
            .allocations
            .get(&obligation.key)
            .copied()
            .unwrap_or_default();
        slot.disbursed = slot.disbursed.checked_add(signed)?;
        let key = obligation.key.clone();
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, slot);
                    if let Some(o) = acct.obligations.get_mut(document) {
                        o.disbursed = disbursed;
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    fn transfer<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        from: &'c AccountSymbol,
        to: &'c AccountSymbol,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        if from == to {
            return Err(shape(name, ShapeError::SameSourceAndDestination));
        }
        let source = self.account(from)?;
        let dest = self.account(to)?;
        check_new_obligation(name, source, date)?;
        check_new_obligation(name, dest, date)?;
        let unapportioned = source.authority()?.checked_sub(source.apportioned)?;
        if amount > unapportioned {
            return Err(exceeds(Level::Appropriation, *from, amount, unapportioned));
        }
        let out_total = source.transfers_out.checked_add(amount)?;
        let in_total = dest.transfers_in.checked_add(amount)?;
        self.check_resources(*to, amount)?;
        let source_gl =
            source
                .gl
                .post(Ussgl::Unapportioned, Ussgl::TransfersCurrentYear, amount)?;
        let dest_gl = dest
            .gl
            .post(Ussgl::TransfersCurrentYear, Ussgl::Unapportioned, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(from) {
                    a.transfers_out = out_total;
                    a.gl = source_gl;
                }
                if let Some(a) = accounts.get_mut(to) {
                    a.transfers_in = in_total;
                    a.gl = dest_gl;
                }
            });
        Ok(effect)
    }

    fn rescind<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        check_distributable(name, acct, date)?;
        let unapportioned = acct.authority()?.checked_sub(acct.apportioned)?;
        if amount > unapportioned {
            return Err(exceeds(
                Level::Appropriation,
                *symbol,
                amount,
                unapportioned,
            ));
        }
        let rescinded = acct.rescinded.checked_add(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Unapportioned, Ussgl::Rescissions, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(symbol) {
                    a.rescinded = rescinded;
                    a.gl = gl;
                }
            });
        Ok(effect)
    }

    #[allow(clippy::too_many_arguments)]
    fn charge_to_current<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        cancelled: &'c AccountSymbol,
        document: &'c DocumentId,
        current: &'c AccountSymbol,
        key: &'c AllocationKey,
        amount: Money,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        if cancelled == current {
            return Err(shape(name, ShapeError::SameSourceAndDestination));
        }
        let old = self.account(cancelled)?;
        let original = old.obligation(document)?;
        let acct = self.account(current)?;
        let slot = acct.allocation(key)?;
        let existing = acct.obligations.get(document);
        if let Some(e) = existing {
            if e.key != *key {
                return Err(BudgetError::DocumentExists {
                    account: *current,
                    document: document.clone(),
                    what: "an obligation under another allocation".to_owned(),
                });
            }
        }
        let status = old.status(date);
        if status != AccountStatus::Cancelled {
            return Err(BudgetError::NotAvailable {
                action: name.to_owned(),
                account: *cancelled,
                period: cancelled.period(),
                status,
                date,
            });
        }
        check_new_obligation(name, acct, date)?;
        // Purpose: the current account must fund the same program as the original.
        check_purpose(acct, original.key.program)?;
        if key.program != original.key.program {
            return Err(BudgetError::Purpose {
                account: *current,
                program: key.program,
                allowed: vec![original.key.program],
            });
        }
        // Amount, first 1 percent of the current account's appropriations, rounded down to
        // the cent (1553(b)(2)).
        let base = if acct.full_year {
            acct.appropriated
        } else {
            acct.resolution.map_or(Money::ZERO, |r| r.amount)
        };
        let limit = base.checked_mul_ratio(1, 100, Rounding::TowardZero)?;
        let room = limit.checked_sub(acct.charged_to_current)?;
        if amount > room {
            return Err(exceeds(
                Level::ChargeToCurrentLimit,
                *current,
                amount,
                room.max(Money::ZERO),
            ));
        }
        // Then as to the cancelled account (1553(b)(1), "in amount"): what the document
        // still owed when the account closed, and beyond that (an upward adjustment) the
        // account's unobligated balance, shared by every document's adjustments.
        let closed_charges = closed_account_charges(old, document, amount)?;
        slot.require_free(*current, amount)?;
        let decision = gate_check(gate, current, key, date, Some(amount), Some(document))?;
        let mut next = slot;
        next.obligated = slot.obligated.checked_add(amount)?;
        let charged = acct.charged_to_current.checked_add(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Allotments, Ussgl::UnpaidObligations, amount)?;
        let obligation = match existing {
            Some(e) => ObligationState {
                obligated: e.obligated.checked_add(amount)?,
                ..e.clone()
            },
            None => ObligationState {
                key: key.clone(),
                instrument: original.instrument,
                fiscal_year: fiscal_year_of(name, date)?,
                obligated: amount,
                disbursed: Money::ZERO,
                direct: false,
            },
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(current) {
                    put_slot(&mut a.allocations, key, next);
                    a.obligations.insert(document.clone(), obligation);
                    a.charged_to_current = charged;
                    a.gl = gl;
                }
                if let Some(a) = accounts.get_mut(cancelled) {
                    a.charged_after_closing
                        .insert(document.clone(), closed_charges);
                }
            });
        Ok((decision, effect))
    }
}

/// Checks a charge of `amount` for `document` of the cancelled account `old` against what
/// the account could have paid when it closed (31 U.S.C. 1553(b)(1)): the document's
/// unliquidated balance, and beyond it (an upward adjustment) the account's unobligated
/// balance, which the adjustments of all its documents share. Returns the document's
/// charges after this one.
fn closed_account_charges(
    old: &AccountState,
    document: &DocumentId,
    amount: Money,
) -> Result<Money, BudgetError> {
    let owed = |doc: &DocumentId| -> Result<Money, BudgetError> {
        let o = old.obligation(doc)?;
        Ok(o.obligated.checked_sub(o.disbursed)?.max(Money::ZERO))
    };
    // What a document's charges took beyond what it owed: an upward adjustment.
    let adjustment = |doc: &DocumentId, charged: Money| -> Result<Money, BudgetError> {
        Ok(charged.checked_sub(owed(doc)?)?.max(Money::ZERO))
    };
    let mut adjustments = Money::ZERO;
    for (doc, charged) in &old.charged_after_closing {
        adjustments = adjustments.checked_add(adjustment(doc, *charged)?)?;
    }
    let before = old
        .charged_after_closing
        .get(document)
        .copied()
        .unwrap_or(Money::ZERO);
    let unobligated = old.gl.unobligated()?.max(Money::ZERO);
    let room = owed(document)?
        .checked_sub(before)?
        .max(Money::ZERO)
        .checked_add(unobligated.checked_sub(adjustments)?.max(Money::ZERO))?;
    if amount > room {
        return Err(exceeds(
            Level::ClosedAccountBalance,
            old.symbol,
            amount,
            room,
        ));
    }
    Ok(before.checked_add(amount)?)
}

impl AccountState {
    /// A copy of the scalar totals, for checking a change before writing it.
    fn clone_totals(&self) -> AccountState {
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
            collected: foldhash::HashSet::default(),
            gl: self.gl,
            allotments: Map::default(),
            allocations: Map::default(),
            commitments: Map::default(),
            obligations: Map::default(),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn new_account(
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
        collected: foldhash::HashSet::default(),
        gl,
        allotments: Map::default(),
        allocations: Map::default(),
        commitments: Map::default(),
        obligations: Map::default(),
    }
}

/// The version of [`Ledger::snapshot`]'s format.
const SNAPSHOT_FORMAT: u8 = 1;

#[derive(Serialize)]
struct SnapshotRef<'a> {
    format: u8,
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    accounts: Vec<&'a AccountState>,
    journal: super::journal::JournalParts,
}

#[derive(Deserialize)]
struct Snapshot {
    format: u8,
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    accounts: Vec<AccountState>,
    journal: super::journal::JournalParts,
}

/// Command ids to their (date, sequence), keyed by a 64-bit hash so that the index does
/// not copy every id; the rare colliding id is kept whole in `overflow`.
#[derive(Clone, Default)]
struct IdIndex {
    hasher: foldhash::fast::RandomState,
    /// Hash → (days from CE of the date, sequence), packed in 8 bytes.
    by_hash: Map<u64, Packed>,
    overflow: Map<CommandId, (NaiveDate, u64)>,
}

/// A (date, sequence) in 8 bytes; sequences beyond `u32::MAX` go to the overflow map.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Packed {
    days: i32,
    sequence: u32,
}

impl Packed {
    fn new((date, sequence): (NaiveDate, u64)) -> Option<Packed> {
        Some(Packed {
            days: chrono::Datelike::num_days_from_ce(&date),
            sequence: u32::try_from(sequence).ok()?,
        })
    }

    fn unpack(self) -> Option<(NaiveDate, u64)> {
        Some((
            NaiveDate::from_num_days_from_ce_opt(self.days)?,
            u64::from(self.sequence),
        ))
    }
}

impl IdIndex {
    fn get(&self, id: &CommandId, journal: &Journal) -> Option<(NaiveDate, u64)> {
        let hash = self.hasher.hash_one(id);
        if let Some((date, sequence)) = self.by_hash.get(&hash).and_then(|p| p.unpack()) {
            let same = journal
                .find(date, sequence)
                .and_then(|p| journal.id_at(p))
                .is_some_and(|found| found == *id);
            if same {
                return Some((date, sequence));
            }
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.get(id).copied()
    }

    /// Forgets `id`, recorded at `at` (an entry taken back by a refused batch).
    fn remove(&mut self, id: &CommandId, at: (NaiveDate, u64)) {
        let hash = self.hasher.hash_one(id);
        if self.by_hash.get(&hash).and_then(|p| p.unpack()) == Some(at) {
            self.by_hash.remove(&hash);
        } else {
            self.overflow.remove(id);
        }
    }

    /// Indexes `id`; the entry it names must already be in `journal`.
    fn insert(&mut self, id: &CommandId, at: (NaiveDate, u64), journal: &Journal) {
        let hash = self.hasher.hash_one(id);
        let Some(packed) = Packed::new(at) else {
            self.overflow.insert(id.clone(), at);
            return;
        };
        // One probe of the hash map: the slot is either free or checked and then reused.
        match self.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(packed);
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                let taken = slot
                    .get()
                    .unpack()
                    .is_some_and(|other| other != at && journal.find(other.0, other.1).is_some());
                if taken {
                    self.overflow.insert(id.clone(), at);
                } else {
                    slot.insert(packed);
                }
            }
        }
    }
}

/// The new allotment and Category B totals after an obligation drawn directly on an
/// allotment (positive `amount`) or returned to it (negative).
#[derive(Clone, Copy)]
struct AllotmentDraw {
    allotment: Allotment,
    by_program: Money,
}

impl AllotmentDraw {
    fn write(self, acct: &mut AccountState, key: &AllocationKey) {
        if let Some(a) = acct.allotments.get_mut(&key.holder) {
            *a = self.allotment;
        }
        acct.allocated_by_program
            .insert(key.program, self.by_program);
    }
}

/// Checks a draw of `amount` on `key.holder`'s allotment (and, for Category B accounts, on
/// the program's apportionment) and computes the totals to write.
fn draw_on_allotment(
    acct: &AccountState,
    key: &AllocationKey,
    amount: Money,
) -> Result<AllotmentDraw, BudgetError> {
    let allotment =
        acct.allotments
            .get(&key.holder)
            .copied()
            .ok_or_else(|| BudgetError::UnknownAllotment {
                account: acct.symbol,
                holder: key.holder.clone(),
            })?;
    let by_program = acct
        .allocated_by_program
        .get(&key.program)
        .copied()
        .unwrap_or(Money::ZERO);
    if amount.is_positive() {
        // The Category B apportionment is the higher level, so it is checked first
        // (DOMAIN.md §1.6).
        if !acct.by_program.is_empty() {
            let line = acct
                .by_program
                .get(&key.program)
                .copied()
                .unwrap_or(Money::ZERO);
            let available = line.checked_sub(by_program)?;
            if amount > available {
                return Err(exceeds(
                    Level::Apportionment,
                    acct.symbol,
                    amount,
                    available.max(Money::ZERO),
                ));
            }
        }
        let available = allotment.allotted.checked_sub(allotment.allocated)?;
        if amount > available {
            return Err(exceeds(
                Level::Allotment,
                acct.symbol,
                amount,
                available.max(Money::ZERO),
            ));
        }
    }
    Ok(AllotmentDraw {
        allotment: Allotment {
            allotted: allotment.allotted,
            allocated: allotment.allocated.checked_add(amount)?,
        },
        by_program: by_program.checked_add(amount)?,
    })
}

/// Writes an allocation's balances, cloning the key only for a new allocation.
fn put_slot(map: &mut Map<AllocationKey, Slot>, key: &AllocationKey, value: Slot) {
    match map.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            map.insert(key.clone(), value);
        }
    }
}

fn normalized(purposes: &[ProgramKind]) -> Vec<ProgramKind> {
    let mut v = purposes.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// The fiscal year of a command's date; a date outside the supported fiscal years is a
/// malformed command.
pub(crate) fn fiscal_year_of(action: &str, date: NaiveDate) -> Result<FiscalYear, BudgetError> {
    let fiscal_year = FiscalYear::containing(date);
    if fiscal_year.contains(date) {
        Ok(fiscal_year)
    } else {
        Err(shape(action, ShapeError::DateOutOfRange { date }))
    }
}

#[cold]
fn journal_error(position: usize, error: BudgetError) -> BudgetError {
    match at_entry(position, error) {
        missing @ BudgetError::Journal { .. } if missing_decision(&missing) => missing,
        error => BudgetError::Journal {
            position,
            problem: Box::new(JournalProblem::Rejected(error)),
        },
    }
}

/// The gate cannot know where the entry it checks stands: a missing decision is named at
/// `position`, the entry's place in the journal.
fn at_entry(position: usize, error: BudgetError) -> BudgetError {
    if missing_decision(&error) {
        BudgetError::Journal {
            position,
            problem: Box::new(JournalProblem::MissingDecision),
        }
    } else {
        error
    }
}

fn missing_decision(error: &BudgetError) -> bool {
    matches!(error, BudgetError::Journal { problem, .. } if **problem == JournalProblem::MissingDecision)
}

#[cold]
fn shape(action: &str, problem: ShapeError) -> BudgetError {
    BudgetError::Shape {
        action: action.to_owned(),
        problem,
    }
}

#[cold]
fn exceeds(
    level: Level,
    account: AccountSymbol,
    requested: Money,
    available: Money,
) -> BudgetError {
    BudgetError::Exceeds {
        level,
        account,
        requested,
        available,
    }
}

/// Shape checks that need no state.
fn check_shape(action: &Action) -> Result<(), BudgetError> {
    let name = action.name();
    let positive = |amount: &Money| {
        if amount.is_positive() {
            Ok(())
        } else {
            Err(shape(name, ShapeError::NotPositive { amount: *amount }))
        }
    };
    let nonzero = |amount: &Money| {
        if amount.is_zero() {
            Err(shape(name, ShapeError::Zero))
        } else {
            Ok(())
        }
    };
    let text = |field: &str, value: &str| {
        if value.trim().is_empty() {
            Err(shape(
                name,
                ShapeError::EmptyText {
                    field: field.to_owned(),
                },
            ))
        } else {
            Ok(())
        }
    };
    match action {
        Action::Appropriate {
            title,
            purposes,
            amount,
            law,
            ..
        } => {
            text("title", title)?;
            text("law", law)?;
            if purposes.is_empty() {
                return Err(shape(name, ShapeError::NoPurposes));
            }
            positive(amount)
        }
        Action::ContinuingResolution {
            title,
            purposes,
            annual_rate,
            law,
            ..
        } => {
            text("title", title)?;
            text("law", law)?;
            if purposes.is_empty() {
                return Err(shape(name, ShapeError::NoPurposes));
            }
            positive(annual_rate)
        }
        Action::Apportion { amount, .. }
        | Action::Allot { amount, .. }
        | Action::Allocate { amount, .. }
        | Action::AdjustObligation { amount, .. } => nonzero(amount),
        Action::Commit { amount, .. }
        | Action::Decommit { amount, .. }
        | Action::Obligate { amount, .. }
        | Action::Disburse { amount, .. }
        | Action::Refund { amount, .. } => positive(amount),
        Action::Transfer {
            from,
            to,
            amount,
            authority,
        } => {
            text("authority", authority)?;
            if from == to {
                return Err(shape(name, ShapeError::SameSourceAndDestination));
            }
            positive(amount)
        }
        Action::Reprogram {
            from,
            to,
            amount,
            authority,
            ..
        } => {
            text("authority", authority)?;
            if from == to {
                return Err(shape(name, ShapeError::SameSourceAndDestination));
            }
            if from.holder != to.holder {
                return Err(shape(name, ShapeError::DifferentHolders));
            }
            positive(amount)
        }
        Action::Rescind { amount, law, .. } => {
            text("law", law)?;
            positive(amount)
        }
        Action::ChargeToCurrent {
            cancelled,
            current,
            amount,
            ..
        } => {
            if cancelled == current {
                return Err(shape(name, ShapeError::SameSourceAndDestination));
            }
            positive(amount)
        }
        Action::Collect {
            amount, authority, ..
        } => {
            text("authority", authority)?;
            positive(amount)
        }
    }
}

/// An appropriation or resolution may be enacted before or during its period, not after.
fn check_enactable(name: &str, symbol: &AccountSymbol, date: NaiveDate) -> Result<(), BudgetError> {
    let status = symbol.period().status_on(date);
    match status {
        AccountStatus::NotYetAvailable | AccountStatus::Unexpired => Ok(()),
        AccountStatus::Expired | AccountStatus::Cancelled => Err(BudgetError::NotAvailable {
            action: name.to_owned(),
            account: *symbol,
            period: symbol.period(),
            status,
            date,
        }),
    }
}

fn check_enacted(name: &str, acct: &AccountState, date: NaiveDate) -> Result<(), BudgetError> {
    if date < acct.enacted {
        return Err(BudgetError::BeforeEnactment {
            action: name.to_owned(),
            account: acct.symbol,
            date,
            enacted: acct.enacted,
        });
    }
    Ok(())
}

/// Distribution, withdrawal and rescission: any time from enactment until cancellation.
fn check_distributable(
    name: &str,
    acct: &AccountState,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    check_enacted(name, acct, date)?;
    let status = acct.status(date);
    match status {
        AccountStatus::NotYetAvailable | AccountStatus::Unexpired | AccountStatus::Expired => {
            Ok(())
        }
        AccountStatus::Cancelled => Err(BudgetError::NotAvailable {
            action: name.to_owned(),
            account: acct.symbol,
            period: acct.symbol.period(),
            status,
            date,
        }),
    }
}

/// New obligations, commitments, transfers and reprogrammings: only while unexpired.
fn check_new_obligation(
    name: &str,
    acct: &AccountState,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    check_enacted(name, acct, date)?;
    let status = acct.status(date);
    if status == AccountStatus::Unexpired {
        return Ok(());
    }
    Err(BudgetError::NotAvailable {
        action: name.to_owned(),
        account: acct.symbol,
        period: acct.symbol.period(),
        status,
        date,
    })
}

/// Adjustments of and payments on existing obligations: unexpired or expired.
fn check_adjustable(name: &str, acct: &AccountState, date: NaiveDate) -> Result<(), BudgetError> {
    check_enacted(name, acct, date)?;
    let status = acct.status(date);
    if matches!(status, AccountStatus::Unexpired | AccountStatus::Expired) {
        return Ok(());
    }
    Err(BudgetError::NotAvailable {
        action: name.to_owned(),
        account: acct.symbol,
        period: acct.symbol.period(),
        status,
        date,
    })
}

fn check_purpose(acct: &AccountState, program: ProgramKind) -> Result<(), BudgetError> {
    if acct.purposes.contains(&program) {
        Ok(())
    } else {
        Err(BudgetError::Purpose {
            account: acct.symbol,
            program,
            allowed: acct.purposes.clone(),
        })
    }
}

/// `true` if `decision` answers a request about `partner`, `program` and `date`: a stored
/// decision about another partner, program or date does not allow an entry.
fn answers(
    decision: &Decision,
    partner: CountryCode,
    program: ProgramKind,
    date: NaiveDate,
) -> bool {
    let request = decision.request();
    request.partner == partner && request.program == program && request.date == date
}

/// The eligibility question for `partner` about funds of `account` under `key`, as known
/// on `recorded`.
fn gate_request(
    account: &AccountSymbol,
    key: &AllocationKey,
    partner: CountryCode,
    date: NaiveDate,
    recorded: NaiveDate,
    amount: Option<Money>,
    document: Option<&DocumentId>,
) -> EligibilityRequest {
    let mut request = EligibilityRequest::new(partner, key.program, date);
    request.known_on = Some(recorded);
    request.department = Department::from_agency_code(account.agency());
    request.amount = amount;
    request.document = document.map(|d| d.as_str().to_owned());
    request
}

/// Asks a live gate whether the disbursement may be spent ([`Stage::Expenditure`]), for
/// the partner of the obligation, when the check has rules that can refuse one (SFOPS
/// 7008: no funds "shall be obligated or expended"). Allowed disbursements keep no
/// decision, so replay (a stored gate) does not ask again.
fn expenditure_check(
    gate: Gate<'_>,
    account: &AccountSymbol,
    key: &AllocationKey,
    date: NaiveDate,
    amount: Money,
    document: &DocumentId,
) -> Result<(), BudgetError> {
    let (Gate::Live(check, recorded), Some(partner)) = (gate, key.partner) else {
        return Ok(());
    };
    if !check.checks_expenditures() {
        return Ok(());
    }
    let mut request = gate_request(
        account,
        key,
        partner,
        date,
        recorded,
        Some(amount),
        Some(document),
    );
    request.stage = Stage::Expenditure;
    let decision = check.decide(&request);
    if decision.outcome().allows() {
        Ok(())
    } else {
        Err(BudgetError::Ineligible {
            decision: Box::new(decision),
        })
    }
}

/// Asks the gate about a partner; entries without a partner need no decision.
fn gate_check(
    gate: Gate<'_>,
    account: &AccountSymbol,
    key: &AllocationKey,
    date: NaiveDate,
    amount: Option<Money>,
    document: Option<&DocumentId>,
) -> Result<Option<Arc<Decision>>, BudgetError> {
    let Some(partner) = key.partner else {
        return Ok(None);
    };
    match gate {
        Gate::Live(check, recorded) => {
            let request = gate_request(account, key, partner, date, recorded, amount, document);
            let decision = check.decide(&request);
            // Paired with the stored arm below: a check must answer the request it was
            // asked, or replay would refuse what was applied. A user's check can get this
            // wrong, so it is a typed error in every build.
            if !answers(&decision, partner, key.program, date) {
                return Err(BudgetError::WrongAnswer {
                    partner,
                    program: key.program,
                    date,
                });
            }
            if decision.outcome().allows() {
                Ok(Some(Arc::new(decision)))
            } else {
                Err(BudgetError::Ineligible {
                    decision: Box::new(decision),
                })
            }
        }
        Gate::Stored(Some(decision))
            if decision.outcome().allows() && answers(decision, partner, key.program, date) =>
        {
            Ok(Some(Arc::clone(decision)))
        }
        Gate::Stored(_) => Err(BudgetError::Journal {
            position: 0,
            problem: Box::new(JournalProblem::MissingDecision),
        }),
    }
}

#[cfg(test)]
mod equality_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Actor;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn actor() -> Actor {
        "budget-office".parse().unwrap()
    }

    fn account() -> AccountSymbol {
        "070-2008/2009-0800".parse().unwrap()
    }

    fn collect(id: &str, date: NaiveDate, document: &str, amount: &str) -> Command {
        Command::new(
            id.parse().unwrap(),
            date,
            actor(),
            Action::Collect {
                account: account(),
                document: document.parse().unwrap(),
                payer: "GBR".parse().unwrap(),
                amount: m(amount),
                authority: "6 U.S.C. 195c(d)".into(),
            },
        )
    }

    /// An FY2008/2009 research account with $1,000,000 appropriated and apportioned.
    fn ledger() -> Ledger {
        let mut ledger = Ledger::new(std::sync::Arc::new(crate::eligibility::AllowAll));
        let date = day(2008, 1, 2);
        for (id, action) in [
            (
                "a",
                Action::Appropriate {
                    account: account(),
                    title: "Research, Development, Acquisition and Operations".into(),
                    purposes: vec![ProgramKind::TechnologyCooperation],
                    amount: m("1000000"),
                    law: "P.L. 110-161".into(),
                },
            ),
            (
                "b",
                Action::Apportion {
                    account: account(),
                    category: Apportionment::ByPeriod { from: date },
                    amount: m("1000000"),
                },
            ),
        ] {
            ledger
                .apply(Command::new(id.parse().unwrap(), date, actor(), action))
                .unwrap();
        }
        ledger
    }

    #[test]
    fn a_collection_adds_unapportioned_authority_posted_4252_to_4450() {
        let mut ledger = ledger();
        ledger
            .apply(collect("c", day(2008, 3, 1), "GBR-1", "250000.50"))
            .unwrap();
        let acct = ledger.account(&account()).unwrap();
        assert_eq!(acct.collections, m("250000.50"));
        assert_eq!(acct.authority().unwrap(), m("1250000.50"));
        let tb = ledger.trial_balance(&account()).unwrap();
        assert_eq!(tb.balance(Ussgl::ReimbursementsCollected), m("250000.50"));
        assert_eq!(tb.balance(Ussgl::Unapportioned), m("-250000.50"));
        assert_eq!(tb.net().unwrap(), Money::ZERO);
        assert_eq!(tb.unobligated().unwrap(), m("1250000.50"));
        // The new authority is not yet apportioned: an allotment above the apportionment
        // is still refused, and an apportionment of it is accepted.
        let allot = |id: &str, amount: &str| {
            Command::new(
                id.parse().unwrap(),
                day(2008, 3, 2),
                actor(),
                Action::Allot {
                    account: account(),
                    holder: "ST".parse().unwrap(),
                    amount: m(amount),
                },
            )
        };
        let err = ledger.apply(allot("d", "1000000.01")).unwrap_err();
        assert!(matches!(
            err,
            BudgetError::Exceeds {
                level: Level::Apportionment,
                ..
            }
        ));
        ledger
            .apply(Command::new(
                "e".parse().unwrap(),
                day(2008, 3, 2),
                actor(),
                Action::Apportion {
                    account: account(),
                    category: Apportionment::ByPeriod {
                        from: day(2008, 3, 2),
                    },
                    amount: m("250000.50"),
                },
            ))
            .unwrap();
        ledger.apply(allot("f", "1250000.50")).unwrap();
        assert_eq!(
            Ledger::replay(
                ledger.journal(),
                std::sync::Arc::new(crate::eligibility::AllowAll)
            )
            .unwrap(),
            ledger
        );
        let json = serde_json::to_string(ledger.journal()).unwrap();
        let journal: Journal = serde_json::from_str(&json).unwrap();
        assert_eq!(
            Ledger::replay(&journal, std::sync::Arc::new(crate::eligibility::AllowAll)).unwrap(),
            ledger
        );
        // As of the day before the collection, it is not there.
        let before = ledger.as_of(day(2008, 2, 29), None).unwrap();
        assert_eq!(
            before.account(&account()).unwrap().authority().unwrap(),
            m("1000000")
        );
    }

    #[test]
    fn bad_collections_are_refused_in_precedence_and_change_nothing() {
        let mut ledger = ledger();
        ledger
            .apply(collect("c", day(2008, 3, 1), "GBR-1", "10"))
            .unwrap();
        let before = ledger.clone();
        // Shape: a non-positive amount, an empty authority.
        let err = ledger
            .apply(collect("z", day(2008, 3, 1), "GBR-2", "0"))
            .unwrap_err();
        assert!(matches!(
            err,
            BudgetError::Shape {
                problem: ShapeError::NotPositive { .. },
                ..
            }
        ));
        let mut empty = collect("y", day(2008, 3, 1), "GBR-2", "5");
        if let Action::Collect { authority, .. } = &mut empty.action {
            *authority = " ".into();
        }
        assert!(matches!(
            ledger.apply(empty).unwrap_err(),
            BudgetError::Shape {
                problem: ShapeError::EmptyText { .. },
                ..
            }
        ));
        // Existence: an unknown account, a document already collected.
        let mut unknown = collect("x", day(2008, 3, 1), "GBR-2", "5");
        if let Action::Collect { account, .. } = &mut unknown.action {
            *account = "070-2008-0801".parse().unwrap();
        }
        assert!(matches!(
            ledger.apply(unknown).unwrap_err(),
            BudgetError::UnknownAccount { .. }
        ));
        let err = ledger
            .apply(collect("w", day(2008, 3, 1), "GBR-1", "5"))
            .unwrap_err();
        assert!(matches!(err, BudgetError::DocumentExists { .. }));
        assert!(err.to_string().contains("a collection"), "{err}");
        // Time: the account expired on 2009-10-01, and is cancelled five years later.
        for (id, date, status) in [
            ("v", day(2009, 10, 1), AccountStatus::Expired),
            ("u", day(2014, 10, 1), AccountStatus::Cancelled),
        ] {
            let err = ledger.apply(collect(id, date, "GBR-3", "5")).unwrap_err();
            assert!(
                matches!(err, BudgetError::NotAvailable { status: s, .. } if s == status),
                "{err}"
            );
            assert_eq!(err.precedence(), 4);
        }
        // Before enactment (backdated): a time error too.
        let err = ledger
            .apply(collect("t", day(2007, 12, 1), "GBR-4", "5").recorded_on(day(2008, 3, 1)))
            .unwrap_err();
        assert!(matches!(err, BudgetError::BeforeEnactment { .. }), "{err}");
        assert_eq!(ledger, before);
    }

    #[test]
    fn a_repeated_collection_id_is_applied_once() {
        let mut ledger = ledger();
        let c = collect("c", day(2008, 3, 1), "GBR-1", "10");
        assert!(!ledger.apply(c.clone()).unwrap().duplicate);
        assert!(ledger.apply(c.clone()).unwrap().duplicate);
        assert_eq!(ledger.account(&account()).unwrap().collections, m("10"));
        let mut changed = c;
        if let Action::Collect { payer, .. } = &mut changed.action {
            *payer = "CAN".parse().unwrap();
        }
        assert!(matches!(
            ledger.apply(changed).unwrap_err(),
            BudgetError::CommandConflict { field, .. } if field == "action.payer"
        ));
    }

    /// The journal as JSON and the status of funds: what "unchanged" compares besides `==`.
    fn seen(ledger: &Ledger) -> (String, Vec<crate::budget::StatusRow>) {
        let json = serde_json::to_string(ledger.journal()).unwrap();
        let rows = ledger
            .status_of_funds(&crate::budget::StatusQuery::new(
                day(2009, 9, 30),
                &[crate::budget::Dimension::Account],
            ))
            .unwrap();
        (json, rows)
    }

    #[test]
    fn check_gives_the_receipt_apply_gives_and_changes_nothing() {
        let mut ledger = ledger();
        let before = ledger.clone();
        let command = collect("c", day(2008, 3, 1), "GBR-1", "10");
        let checked = ledger.check(&command).unwrap();
        assert_eq!(ledger, before);
        assert_eq!(seen(&ledger), seen(&before));
        assert_eq!(checked.sequence, 2);
        assert!(!checked.duplicate);
        assert_eq!(ledger.apply(command.clone()).unwrap(), checked);
        // A repeat is checked as a duplicate; a conflicting one is refused alike.
        let again = ledger.check(&command).unwrap();
        assert!(again.duplicate);
        assert_eq!(ledger.apply(command).unwrap(), again);
        let conflict = collect("c", day(2008, 3, 1), "GBR-1", "11");
        assert_eq!(
            ledger.check(&conflict).unwrap_err(),
            ledger.apply(conflict).unwrap_err()
        );
        // Backdated: checked by rebuilding, still changing nothing.
        let after = ledger.clone();
        let backdated = collect("d", day(2008, 2, 1), "GBR-2", "5").recorded_on(day(2008, 3, 1));
        let checked = ledger.check(&backdated).unwrap();
        assert_eq!(ledger, after);
        assert_eq!(ledger.apply(backdated).unwrap(), checked);
    }

    #[test]
    fn a_refused_batch_leaves_the_ledger_as_it_was() {
        let mut ledger = ledger();
        ledger
            .apply(collect("c0", day(2008, 3, 1), "GBR-0", "1"))
            .unwrap();
        let before = ledger.clone();
        let batch = vec![
            collect("c1", day(2008, 3, 2), "GBR-1", "10"),
            // Backdated, so the whole state is saved from here.
            collect("c2", day(2008, 2, 1), "GBR-2", "20").recorded_on(day(2008, 3, 2)),
            collect("c3", day(2008, 3, 3), "GBR-3", "30"),
            collect("c4", day(2008, 3, 3), "GBR-1", "40"),
        ];
        let err = ledger.apply_all(batch.clone()).unwrap_err();
        assert_eq!(err.index, 3);
        assert_eq!(err.command.as_str(), "c4");
        assert!(matches!(err.error, BudgetError::DocumentExists { .. }));
        assert_eq!(
            std::error::Error::source(&err).map(ToString::to_string),
            Some(err.error.to_string())
        );
        assert!(!err.to_string().contains(&err.error.to_string()));
        assert_eq!(ledger, before);
        assert_eq!(seen(&ledger), seen(&before));
        assert_eq!(ledger.check_all(&batch).unwrap_err(), err);
        // The ids of the refused batch are free again, and the sequence goes on from
        // where it was.
        let receipts = ledger.apply_all(batch[..3].to_vec()).unwrap();
        assert_eq!(
            receipts.iter().map(|r| r.sequence).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        assert_eq!(
            Ledger::replay(
                ledger.journal(),
                std::sync::Arc::new(crate::eligibility::AllowAll)
            )
            .unwrap(),
            ledger
        );
    }

    #[test]
    fn a_repeat_inside_a_batch_is_a_duplicate_and_the_first_refusal_is_named() {
        let mut ledger = ledger();
        let c1 = collect("c1", day(2008, 3, 2), "GBR-1", "10");
        let receipts = ledger.apply_all(vec![c1.clone(), c1.clone()]).unwrap();
        assert!(!receipts[0].duplicate);
        assert!(receipts[1].duplicate);
        assert_eq!(receipts[0].sequence, receipts[1].sequence);
        let before = ledger.clone();
        let clash = collect("c1", day(2008, 3, 2), "GBR-1", "11");
        let err = ledger
            .apply_all(vec![collect("c2", day(2008, 3, 2), "GBR-2", "1"), clash])
            .unwrap_err();
        assert_eq!((err.index, err.command.as_str()), (1, "c1"));
        assert!(matches!(err.error, BudgetError::CommandConflict { .. }));
        assert_eq!(ledger, before);
        assert_eq!(seen(&ledger), seen(&before));
        assert_eq!(ledger.apply_all(Vec::new()).unwrap(), Vec::new());
        assert_eq!(ledger.check_all(&[]).unwrap(), Vec::new());
    }
}
