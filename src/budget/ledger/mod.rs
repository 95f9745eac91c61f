//! The ledger: state, the command checks, the journal and replay.
//!
//! This file holds the [`Ledger`] type, its public API and the walk of one command
//! (`Ledger::execute`): identity, shape, authority (`delegation/`, under a delegated
//! policy), then the handler of the action, which checks
//! existence, time, purpose, amount and eligibility in that order (see [`BudgetError`]).
//! The handlers live beside it by concern:
//!
//! | file | concern |
//! |---|---|
//! | `shape.rs` | checks that need no state, and the purpose check |
//! | `lifecycle.rs` | time: enactment, expiry, closing, cancellation; charges to current accounts |
//! | `authority.rs` | budget authority: appropriations, resolutions, transfers, rescissions, collections |
//! | `distribution.rs` | apportionment, allotment, allocation and reprogramming |
//! | `documents.rs` | commitments, obligations and their adjustments |
//! | `payments.rs` | disbursements and refunds |
//! | `credit.rs` | credit reform: financing accounts, loans, reestimates, reconciliation |
//! | `gate.rs` | the eligibility gate |
//! | `state.rs` | the balances of an account |
//! | `batch.rs` | batches: all or none, and their dry runs |
//! | `history.rs` | replay, restore, backdating, as-of views and checkpoints |
//! | `index.rs` | the index of command ids |

mod authority;
mod batch;
mod checkpoints;
mod credit;
mod distribution;
mod documents;
mod gate;
mod history;
mod index;
mod lifecycle;
mod payments;
mod shape;
mod snapshot;
mod state;

pub(crate) use batch::Undo;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::command::{Action, AllocationKey, Command, Instrument};
use super::delegation::Authority;
use super::direct_reimbursable::DirectOrReimbursable;
use super::error::BudgetError;
use super::ids::{AccountSymbol, CommandId, DocumentId};
use super::journal::Journal;
use super::object_class::ObjectClass;
use super::sequence;
use super::ussgl::TrialBalance;
use crate::eligibility::{Decision, EligibilityCheck};
use crate::fiscal::FiscalYear;
use crate::money::Money;

use authority::resolution;
use checkpoints::{Checkpoint, Checkpoints};
use gate::Gate;
use index::IdIndex;
use payments::Outlay;
use shape::check_shape;
pub(crate) use state::AccountState;

/// The ledger's hash maps: foldhash with a random seed per map.
pub(crate) type Map<K, V> = foldhash::HashMap<K, V>;

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
        with = "crate::budget::journal::shared"
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
    /// What it buys (OMB Circular A-11 section 83.6): the object class its
    /// [`Action::Obligate`] gave, or its instrument's
    /// ([`Instrument::default_object_class`]). Its adjustments, payments and refunds are
    /// of the same class.
    pub object_class: ObjectClass,
    /// Its downward adjustments in fiscal years after the one it was recorded in: the
    /// recoveries of prior-year obligations it accounts for (USSGL 4871).
    pub recoveries: Money,
    /// What finances it: the source its [`Action::Obligate`] gave, direct when it gave
    /// none ([`DirectOrReimbursable`]). Its adjustments, payments and refunds are of the same
    /// source.
    pub financed_by: DirectOrReimbursable,
}

/// Every account's state, by symbol.
pub(crate) type Accounts = Map<AccountSymbol, AccountState>;

/// The symbols of the budgetary accounts among `accounts`, sorted: what
/// [`Ledger::accounts`] lists.
pub(crate) fn budgetary(accounts: &Accounts) -> Vec<AccountSymbol> {
    let mut symbols: Vec<_> = accounts
        .values()
        .filter(|a| !a.is_financing())
        .map(|a| a.symbol)
        .collect();
    symbols.sort_unstable();
    symbols
}

/// The writes of a command that passed every check: [`Ledger::execute`] computes them
/// without changing anything, and applying them cannot fail.
type Effect<'c> = Box<dyn FnOnce(&mut Map<AccountSymbol, AccountState>) + 'c>;

/// What every handler is told of the command it checks: the action's name (for errors),
/// the effective date and the gate to ask (handlers that ask no one ignore it).
#[derive(Clone, Copy)]
struct Step<'g> {
    name: &'static str,
    date: NaiveDate,
    gate: Gate<'g>,
}

impl Step<'_> {
    fn new<'g>(command: &Command, gate: Gate<'g>) -> Step<'g> {
        Step {
            name: command.action.name(),
            date: command.date,
            gate,
        }
    }
}

/// The result of a handler that asks the gate nothing: no decision to keep.
fn ungated(
    effect: Result<Effect<'_>, BudgetError>,
) -> Result<(Option<Arc<Decision>>, Effect<'_>), BudgetError> {
    effect.map(|effect| (None, effect))
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
/// let mut ledger = Ledger::allow_all();
/// let actor: security_assistance::budget::Actor = "budget-office".parse()?;
/// let steps = [
///     Action::Appropriate { account, title: "FMF".into(), purposes: vec![ProgramKind::Financing],
///         amount: "1000000".parse()?, law: "P.L. 110-161".into() },
///     Action::Apportion { account, category: Apportionment::ByPeriod { from: day(1, 2)? },
///         amount: "1000000".parse()? },
///     Action::Allot { account, holder: "DSCA".parse()?, amount: "800000".parse()? },
///     Action::Allocate { account, key: key.clone(), amount: "500000".parse()? },
///     Action::Obligate { account, document: "JO-D-GAA".parse()?, instrument: Instrument::GrantAgreement,
///         funding: Funding::Allocation { key: key.clone() }, amount: "300000".parse()?, object_class: None, financed_by: Default::default() },
///     Action::Disburse { account, document: "JO-D-GAA".parse()?, amount: "120000".parse()? },
/// ];
/// for (i, action) in steps.into_iter().enumerate() {
///     ledger.apply(Command::new(format!("c{i}").parse()?, day(1, 2)?, actor.clone(), action))?;
/// }
/// // An obligation above the allocation is refused, and names the level.
/// let too_much = Action::Obligate { account, document: "JO-D-GAB".parse()?,
///     instrument: Instrument::GrantAgreement, funding: Funding::Allocation { key },
///     amount: "200000.01".parse()?, object_class: None, financed_by: Default::default() };
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
    /// The accounts after every so many entries, for history without replay (not part of
    /// the ledger's value: equal ledgers may hold different checkpoints).
    checkpoints: Checkpoints,
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    eligibility: Arc<dyn EligibilityCheck + Send + Sync>,
    /// The policy and the delegation register (`delegation/`).
    authority: Authority,
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
    /// Two ledgers are equal when their journals, every balance and their policies are
    /// equal; the eligibility checks they hold are not compared.
    fn eq(&self, other: &Ledger) -> bool {
        self.authority.policy() == other.authority.policy()
            && self.journal == other.journal
            && self.accounts == other.accounts
            && self.next_sequence == other.next_sequence
            && self.last_recorded == other.last_recorded
    }
}

impl Ledger {
    /// An empty ledger that consults `check` before every allocation and obligation to a
    /// partner. There is no constructor that is silent about the check: a ledger that needs
    /// none says so with [`Ledger::allow_all`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use security_assistance::budget::Ledger;
    /// use security_assistance::eligibility::AllowAll;
    /// let ledger = Ledger::new(Arc::new(AllowAll));
    /// assert!(ledger.journal().is_empty());
    /// assert_eq!(ledger, Ledger::allow_all());
    /// ```
    #[must_use]
    pub fn new(check: Arc<dyn EligibilityCheck + Send + Sync>) -> Ledger {
        Ledger {
            accounts: Map::default(),
            journal: Journal::default(),
            by_id: IdIndex::default(),
            checkpoints: Checkpoints::default(),
            next_sequence: 0,
            last_recorded: None,
            eligibility: check,
            authority: Authority::default(),
        }
    }

    /// An empty ledger with every eligibility question answered yes
    /// ([`AllowAll`](crate::eligibility::AllowAll)): for tests, and for embedders who check
    /// eligibility elsewhere. Its allocations and obligations to partners still keep a
    /// decision in the journal, one that names the allow-all rule set. A ledger that is the
    /// gate takes its check with [`Ledger::new`].
    ///
    /// ```
    /// use security_assistance::budget::Ledger;
    /// let ledger = Ledger::allow_all();
    /// assert!(ledger.journal().is_empty());
    /// ```
    #[must_use]
    pub fn allow_all() -> Ledger {
        Ledger::new(Arc::new(crate::eligibility::AllowAll))
    }

    /// The eligibility gate.
    pub(crate) fn eligibility(&self) -> Arc<dyn EligibilityCheck + Send + Sync> {
        Arc::clone(&self.eligibility)
    }

    /// An empty ledger with the same eligibility gate.
    pub(crate) fn empty_like(&self) -> Ledger {
        let mut empty = Ledger::new(Arc::clone(&self.eligibility));
        // The delegations known now, for a backdated command checked on the copy.
        empty.authority = self.authority.pinned_at(self.next_sequence);
        empty
    }

    /// The policy and delegation register.
    pub(crate) fn authority(&self) -> &Authority {
        &self.authority
    }

    /// Replaces the policy and delegation register.
    pub(crate) fn set_authority(&mut self, authority: Authority) {
        self.authority = authority;
    }

    /// Replaces the eligibility gate for commands applied from now on; entries already in
    /// the journal keep the decisions that allowed them.
    pub fn set_eligibility(&mut self, check: Arc<dyn EligibilityCheck + Send + Sync>) {
        self.eligibility = check;
    }

    /// Keeps at most `max` in-memory checkpoints (4 unless told; 0 for none): copies of
    /// every account taken every so many entries, the spacing doubling as the journal
    /// grows so that no more than `max` are kept. The ledger as of a past date
    /// ([`Ledger::as_of`], and every report at a past date) and a backdated command start
    /// from the nearest one instead of the journal's first entry. Each costs a copy of the
    /// accounts in memory, and taking it a copy in time; measured in `PERFORMANCE.md`.
    pub fn keep_checkpoints(&mut self, max: usize) {
        self.checkpoints.limit(max);
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

    /// The symbols of every budgetary account, sorted: every account but the
    /// non-budgetary financing accounts of credit reform ([`Ledger::financing_accounts`]),
    /// whose collections and payments are a means of financing and count in no budget
    /// total (2 U.S.C. 661c(d)(3)).
    #[must_use]
    pub fn accounts(&self) -> Vec<AccountSymbol> {
        budgetary(&self.accounts)
    }

    /// The balances of the obligation recorded on `document` in `account`, if there is one.
    ///
    /// ```
    /// use security_assistance::budget::Ledger;
    /// let ledger = Ledger::allow_all();
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
        Some(o.balance())
    }

    /// `true` when `document` is obligated in `account` (what [`Ledger::obligation`] tells
    /// without building the balance).
    pub(crate) fn has_obligation(&self, account: &AccountSymbol, document: &DocumentId) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|a| a.obligations.contains_key(document))
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
            .map(|(document, o)| (document.clone(), o.balance()))
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
        self.apply_ref(&command)
    }

    /// [`Ledger::apply`] of a borrowed command: the journal keeps its own encoding of the
    /// command, so a batch applies its commands without copying them.
    pub(crate) fn apply_ref(&mut self, command: &Command) -> Result<Receipt, BudgetError> {
        if let Some(receipt) = self.admit(command)? {
            return Ok(receipt);
        }
        let decision = if self.backdates(command) {
            let (accounts, decision, checkpoints) = self.rebuild_with(command, true)?;
            self.accounts = accounts;
            self.checkpoints = checkpoints;
            decision
        } else {
            let check = Arc::clone(&self.eligibility);
            self.run(command, Gate::Live(&*check, command.recorded))?
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
    /// let mut ledger = Ledger::allow_all();
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
            self.rebuild_with(command, false)?.1
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

    fn record(&mut self, command: &Command, decision: Option<Arc<Decision>>) -> Receipt {
        let sequence = self.next_sequence;
        self.authority.note(command, sequence);
        self.next_sequence = self.next_sequence.saturating_add(1);
        self.last_recorded = Some(command.recorded);
        let receipt = Receipt {
            command: command.id.clone(),
            sequence,
            date: command.date,
            decision: decision.clone(),
            duplicate: false,
        };
        // Keep (date, sequence) order; a backdated entry goes after every entry of its date.
        let appends = self
            .journal
            .last_date()
            .is_none_or(|last| last <= command.date);
        let position = if appends {
            self.journal.len()
        } else {
            self.journal.count_through(command.date)
        };
        self.journal
            .insert_at(position, sequence, command, decision.as_ref());
        // The receipt's copy of the id serves the index, which hashes it (and keeps it only
        // in the rare case of a hash collision).
        self.by_id
            .insert(&receipt.command, (receipt.date, sequence), &self.journal);
        let count = self.journal.len();
        if appends && self.checkpoints.due(count) {
            self.checkpoints.push(Checkpoint {
                position: count,
                recorded: self.last_recorded,
                accounts: Arc::new(self.accounts.clone()),
            });
        }
        receipt
    }

    pub(crate) fn account(&self, symbol: &AccountSymbol) -> Result<&AccountState, BudgetError> {
        self.accounts
            .get(symbol)
            .ok_or(BudgetError::UnknownAccount { account: *symbol })
    }

    /// Checks `command` against the current state and, if every check passes, returns the
    /// decision that allowed it and its writes, for [`Ledger::run`] to apply (or a dry run
    /// to drop). Nothing is written here: checking costs what the command touches.
    ///
    /// The walk of every command: identity and the recorded clock came first
    /// ([`Ledger::admit`]); here its shape and date, then the handler of its action, which
    /// checks existence, time, purpose, amount and eligibility in that order.
    fn execute<'c>(
        &self,
        command: &'c Command,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let action = &command.action;
        let step = Step::new(command, gate);
        check_shape(action, step.date)?;
        // Authority, after shape and before everything the handlers check (`delegation/`).
        // Entries read back from a journal or a store were checked when applied.
        if let Gate::Live(..) = gate {
            let horizon = self.authority.horizon(self.next_sequence);
            self.authority.admit(command, horizon).map_err(|problem| {
                BudgetError::Unauthorized {
                    action: action.name().to_owned(),
                    actor: command.actor.clone(),
                    problem: Box::new(problem),
                }
            })?;
        }
        self.check_credit(action)?;
        let amount = action.amount();
        match action {
            Action::Appropriate {
                account,
                title,
                purposes,
                ..
            } => ungated(self.appropriate(step, *account, title, purposes, amount)),
            Action::ContinuingResolution {
                account,
                title,
                purposes,
                through,
                seasonal_limit,
                ..
            } => {
                let resolution = resolution(step, account, amount, *through, *seasonal_limit)?;
                ungated(self.continuing_resolution(step, *account, title, purposes, resolution))
            }
            Action::Apportion {
                account, category, ..
            } => ungated(self.apportion(step, account, *category, amount)),
            Action::Allot {
                account, holder, ..
            } => ungated(self.allot(step, account, holder, amount)),
            Action::Allocate { account, key, .. } => {
                self.allocate(step, account, key, amount, None)
            }
            Action::Reprogram {
                account,
                from,
                to,
                notified,
                ..
            } => self.allocate(step, account, to, amount, Some((from, *notified))),
            Action::Commit {
                account,
                document,
                key,
                ..
            } => self.commit(step, account, document, key, amount),
            Action::Decommit {
                account, document, ..
            } => ungated(self.decommit(step, account, document, amount)),
            Action::Obligate {
                account,
                document,
                instrument,
                funding,
                object_class,
                financed_by,
                ..
            } => {
                let class = object_class.unwrap_or(instrument.default_object_class());
                self.obligate(
                    step,
                    account,
                    document,
                    (*instrument, class, *financed_by),
                    funding,
                    amount,
                )
            }
            Action::AdjustObligation {
                account, document, ..
            } => ungated(self.adjust(step, account, document, amount)),
            Action::Disburse {
                account, document, ..
            } => ungated(self.pay(step, account, document, amount, Outlay::Disburse(gate))),
            Action::Refund {
                account, document, ..
            } => ungated(self.pay(step, account, document, amount, Outlay::Refund)),
            Action::Transfer { from, to, .. } => ungated(self.transfer(step, from, to, amount)),
            Action::Rescind { account, .. } => ungated(self.rescind(step, account, amount)),
            Action::ChargeToCurrent {
                cancelled,
                document,
                current,
                key,
                ..
            } => self.charge_to_current(step, cancelled, document, current, key, amount),
            Action::Collect {
                account, document, ..
            } => ungated(self.collect(step, account, document, amount, None)),
            Action::CollectEarned {
                account,
                document,
                earned,
                ..
            } => ungated(self.collect(step, account, document, amount, Some(*earned))),
            Action::ReverseCollection {
                account, document, ..
            } => ungated(self.reverse_collection(step, account, document, amount)),
            Action::OpenFinancingAccount {
                account,
                program,
                title,
                law,
                kind,
            } => {
                ungated(self.open_financing_account(step, (*account, *kind), *program, title, law))
            }
            Action::ObligateLoan {
                account,
                financing,
                document,
                funding,
                principal,
                subsidy_rate,
                rounding,
                rate_source,
            } => self.obligate_loan(
                step,
                (account, *financing),
                document,
                funding,
                *principal,
                (*subsidy_rate, *rounding),
                rate_source,
            ),
            Action::DisburseLoan {
                financing,
                document,
                ..
            } => ungated(self.disburse_loan(step, financing, document, amount)),
            Action::CollectLoan {
                financing,
                document,
                principal,
                interest,
            } => ungated(self.collect_loan(financing, document, *principal, *interest)),
            Action::RepayTreasury {
                financing,
                cohort,
                principal,
                interest,
            } => ungated(self.repay_treasury(financing, *cohort, *principal, *interest)),
            Action::UpwardReestimate {
                account,
                financing,
                cohort,
                document,
                ..
            } => ungated(self.upward_reestimate(
                step,
                (*account, financing),
                *cohort,
                document,
                amount,
            )),
            Action::DownwardReestimate {
                financing,
                cohort,
                receipt,
                ..
            } => ungated(self.downward_reestimate(financing, *cohort, *receipt, amount)),
            Action::CollectGuaranteeFee {
                financing,
                document,
                ..
            } => ungated(self.collect_guarantee_fee(financing, document, amount)),
            Action::PayDefaultClaim {
                financing,
                document,
                ..
            } => ungated(self.pay_default_claim(financing, document, amount)),
            Action::Justify {
                account,
                program,
                partner,
                amount,
                level_653a,
                source,
            } => ungated(self.justify(account, (*program, *partner), *amount, *level_653a, source)),
            // The register notes them when they are recorded; no balance changes.
            Action::Delegate { .. } | Action::Revoke { .. } => Ok((None, Box::new(|_| {}))),
        }
    }
}

#[cfg(test)]
mod equality_tests;

#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod tests;
