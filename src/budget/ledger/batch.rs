//! Batches: every command or none ([`Ledger::apply_all`]), and their dry runs.

use chrono::NaiveDate;

use super::Receipt;
use super::{AccountState, Ledger, Map};
use crate::budget::command::Command;
use crate::budget::error::{BatchError, BudgetError};
use crate::budget::ids::AccountSymbol;

/// What [`Ledger::apply_all`] needs to take back a refused batch.
pub(crate) struct Undo {
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    /// Every account, as before the first backdated command of the batch.
    whole: Option<Map<AccountSymbol, AccountState>>,
    /// Accounts as before the batch first touched them (`None`: did not exist).
    saved: Vec<(AccountSymbol, Option<AccountState>)>,
    /// The entries the batch recorded, in order, by (date, sequence): each one's id is
    /// read back from the journal when it is taken back.
    recorded: Vec<(NaiveDate, u64)>,
    /// The checkpoints before the batch (shared, not copied).
    checkpoints: super::Checkpoints,
}

impl Undo {
    /// Saves what applying `command` to `ledger` may change.
    pub(super) fn save(&mut self, ledger: &Ledger, command: &Command) {
        if self.whole.is_some() {
            return;
        }
        if ledger.backdates(command) {
            self.whole = Some(ledger.accounts.clone());
            return;
        }
        let action = &command.action;
        for symbol in action.account().into_iter().chain(action.other_account()) {
            if !self.saved.iter().any(|(s, _)| *s == symbol) {
                self.saved
                    .push((symbol, ledger.accounts.get(&symbol).cloned()));
            }
        }
    }
}

impl Ledger {
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
    /// let mut ledger = Ledger::allow_all();
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
    /// assert_eq!(ledger, Ledger::allow_all());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BatchError`] with the first command refused, its place in the batch and why.
    pub fn apply_all(&mut self, commands: Vec<Command>) -> Result<Vec<Receipt>, BatchError> {
        self.run_batch(&commands, false, &mut |_, _| {})
            .map(|(receipts, _)| receipts)
    }

    /// Applies a batch as [`Ledger::apply_all`] does and keeps, besides the receipts,
    /// what takes the whole batch back ([`Ledger::take_back`]): the write-ahead path
    /// applies a batch once, appends what it added, and takes it back only if the append
    /// fails. Costs the commands plus a copy of the accounts they touch (the whole state
    /// from the first backdated command on), where [`Ledger::check_all`] (which has only
    /// `&self`) copies the whole ledger.
    ///
    /// `recorded` is called with each entry the batch records, as it is recorded (the
    /// command's place in `commands` and its receipt), so that the entries can be written
    /// while the rest apply; if the batch is refused, the entries it was called with are
    /// taken back.
    pub(crate) fn apply_all_undoable(
        &mut self,
        commands: &[Command],
        recorded: &mut dyn FnMut(usize, &Receipt),
    ) -> Result<(Vec<Receipt>, Undo), BatchError> {
        self.run_batch(commands, true, recorded)
    }

    /// Applies `commands` all or none: the first refusal takes back every command
    /// before it. Returns the receipts and what takes the batch back; with `save_last`
    /// false the last command is not saved (it cannot be taken back), as `apply` refuses
    /// it without changing anything. `recorded` is called with each new entry.
    pub(super) fn run_batch(
        &mut self,
        commands: &[Command],
        save_last: bool,
        recorded: &mut dyn FnMut(usize, &Receipt),
    ) -> Result<(Vec<Receipt>, Undo), BatchError> {
        let mut undo = Undo {
            next_sequence: self.next_sequence,
            last_recorded: self.last_recorded,
            whole: None,
            saved: Vec::new(),
            recorded: Vec::new(),
            checkpoints: self.checkpoints.clone(),
        };
        let mut receipts = Vec::with_capacity(commands.len());
        for (index, command) in commands.iter().enumerate() {
            if save_last || index.saturating_add(1) < commands.len() {
                undo.save(self, command);
            }
            match self.apply_ref(command) {
                Ok(receipt) => {
                    if !receipt.duplicate {
                        undo.recorded.push((receipt.date, receipt.sequence));
                        recorded(index, &receipt);
                    }
                    receipts.push(receipt);
                }
                Err(error) => {
                    self.take_back(undo);
                    return Err(BatchError {
                        index,
                        command: command.id.clone(),
                        error,
                    });
                }
            }
        }
        Ok((receipts, undo))
    }

    /// Takes back what a batch applied, given what [`Ledger::run_batch`] saved before it.
    pub(crate) fn take_back(&mut self, undo: Undo) {
        for &(date, sequence) in undo.recorded.iter().rev() {
            if let Some(position) = self.journal.find(date, sequence) {
                if let Some(id) = self.journal.id_text_at(position) {
                    self.by_id.remove(id, (date, sequence));
                }
                self.journal.remove_at(position);
            }
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
        self.checkpoints = undo.checkpoints;
    }
}
