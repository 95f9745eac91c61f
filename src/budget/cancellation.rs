//! Cancellation of a fixed account (31 U.S.C. 1552(a)): "On September 30th of the 5th
//! fiscal year after the period of availability for obligation of a fixed appropriation
//! account ends, the account shall be closed and any remaining balance (whether obligated
//! or unobligated) in the account shall be canceled and thereafter shall not be available
//! for obligation or expenditure for any purpose."
//!
//! # The closing entries
//!
//! USSGL account 435000 "Canceled Authority" is used "in an expired TAFS that is canceling
//! (i.e., the fifth year of the expired phase)" (USSGL FAQ, fiscal.treasury.gov/ussgl/
//! faqs.html; the entries are in the USSGL implementation guidance's cancellation
//! scenario). On the closing day every remaining status balance is debited and 435000 is
//! credited (DOMAIN.md §1.11: "cancellation: debit 4650, 4801, 4901; credit 4350"). The
//! ledger posts no year-end expiry entry, so an expired account's unobligated balance still
//! rests where it was left (4450, 4510, 4610, 4700, recoveries in 4871, less upward
//! adjustments in 4881) rather than in 4650; those are the accounts the closing entries
//! clear, with the unpaid obligations in 4801 (the ledger keeps no delivered-unpaid 4901).
//!
//! The closing entries appear in the account's trial balance from its closing day
//! ([`Cancellation::trial_balance`]): every status account at zero, 435000 carrying the
//! total cancelled as a credit, the resource accounts as they were, and the whole still
//! balancing to zero. The ledger's own state is never changed by them (the account simply
//! refuses every command from the next day), so [`Ledger::trial_balance`] shows the
//! balances the entries cleared.
//!
//! # The SF-133 of the cancelling year
//!
//! The unobligated balance cancelled is reported on line 1029 "Other balances withdrawn to
//! Treasury", negative, among the adjustments to the unobligated balance brought forward
//! (lines 1010–1042, OMB Circular A-11 Appendix F; DoD's monthly SF-133s report it there as
//! "Amounts Returned to Treasury from Canceling Accounts"), so that line 1910 no longer
//! counts it and line 2490 ends the year at zero.
//!
//! The unpaid obligations cancelled leave the obligated balance on their own line,
//! [`SF133_LINE_OBLIGATIONS_CANCELLED`], negative, so that line 3050 (unpaid obligations,
//! end of year) ends the year at zero with the chart after the closing entries and the
//! roll-forward 3050 = 3000 + 3010 + 3020 + 3040 + that line still holds. They are not
//! shown as recoveries: a recovery is a downward adjustment posted to USSGL 4871, which
//! DATA Act File B reports and Broker rule A35 ties to File A, and the closing entry posts
//! none. **Unconfirmed:** A-11 Appendix F's change-in-obligated-balance lines confirmed
//! here are 3000, 3010, 3011, 3020, 3040, 3041 and 3050 (as the Budget Appendix prints
//! them); no line for a canceling account's unpaid obligations was found, so the line
//! number and title are the crate's, said as such.
//!
//! The statement is the account's last: no later period reports it (the DATA Act files
//! leave it out from the next fiscal year).

use chrono::NaiveDate;

use super::error::BudgetError;
use super::ids::AccountSymbol;
use super::ledger::Ledger;
use super::status::{Sf133, Sf133Line};
use super::ussgl::{TrialBalance, Ussgl};
use crate::fiscal::FiscalYear;
use crate::money::Money;

/// USSGL account 435000 "Canceled Authority", credited by every closing entry of a
/// [`Cancellation`] (see the module notes for the source).
pub const CANCELED_AUTHORITY: u32 = 435_000;

/// The SF-133 line that carries the unobligated balance withdrawn when an account cancels:
/// 1029 "Other balances withdrawn to Treasury" (see [`Cancellation`]).
pub const SF133_LINE_WITHDRAWN: u16 = 1029;

/// The title of [`SF133_LINE_WITHDRAWN`].
const SF133_TITLE_WITHDRAWN: &str = "Other balances withdrawn to Treasury";

/// The SF-133 line that carries the unpaid obligations cancelled when an account cancels
/// (negative), in the change in obligated balance. The number and title are the crate's:
/// OMB Circular A-11 Appendix F was not found to define one (module notes).
pub const SF133_LINE_OBLIGATIONS_CANCELLED: u16 = 3032;

/// The title of [`SF133_LINE_OBLIGATIONS_CANCELLED`].
const SF133_TITLE_OBLIGATIONS_CANCELLED: &str =
    "Unpaid obligations cancelled, canceling account (31 U.S.C. 1552(a))";

/// One closing entry: debit `debit` by `amount`, credit USSGL 435000
/// ([`CANCELED_AUTHORITY`]). A negative amount credits `debit` instead (4881, upward
/// adjustments, carries a debit balance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosingEntry {
    /// The status account cleared.
    pub debit: Ussgl,
    /// Its balance on the closing day, credit positive.
    pub amount: Money,
}

/// The cancellation of a fixed account on its closing day, 30 September of the fifth
/// fiscal year after its period of availability (31 U.S.C. 1552(a)): what was cancelled
/// and the closing entries that cancelled it (module notes: sources, USSGL accounts and
/// the SF-133 line).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Command, Ledger};
/// use security_assistance::{FiscalYear, ProgramKind};
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let account = "011-2008-1081".parse()?;
/// let mut ledger = Ledger::allow_all();
/// ledger.apply(Command::new("a".parse()?, day(2008, 1, 2)?, "me".parse()?, Action::Appropriate {
///     account, title: "IMET".into(), purposes: vec![ProgramKind::Training],
///     amount: "85000000".parse()?, law: "P.L. 110-161".into() }))?;
/// // FY2008 money closes on 30 September 2013.
/// assert!(ledger.cancellation(&account, day(2013, 9, 29)?)?.is_none());
/// let closed = ledger.cancellation(&account, day(2013, 9, 30)?)?.ok_or("cancelled")?;
/// assert_eq!(closed.closing_day, day(2013, 9, 30)?);
/// assert_eq!(closed.unobligated, "85000000".parse()?);
/// let statement = ledger.sf133(&account, FiscalYear::new(2013)?, day(2013, 9, 30)?)?;
/// assert_eq!(statement.line(1029), Some("-85000000".parse()?));
/// assert_eq!(statement.line(2490), Some("0".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The account cancelled.
    pub account: AccountSymbol,
    /// The closing day (30 September); the account is cancelled from the next day.
    pub closing_day: NaiveDate,
    /// The unobligated balance cancelled (SF-133 line 1029, negative there).
    pub unobligated: Money,
    /// The unpaid obligations cancelled (USSGL 4801). An obligation still owed is paid,
    /// if at all, from a current account (31 U.S.C. 1553(b), `Action::ChargeToCurrent`).
    pub unpaid_obligations: Money,
    /// The closing entries, each crediting USSGL 435000; they sum to
    /// `unobligated + unpaid_obligations`.
    pub entries: Vec<ClosingEntry>,
    /// The account's trial balance at the end of the closing day, after the closing
    /// entries: every status account the entries clear at zero,
    /// [`Ussgl::CanceledAuthority`] credited with `unobligated + unpaid_obligations`, the
    /// resource accounts unchanged, net zero.
    pub trial_balance: TrialBalance,
}

/// The status accounts a closing entry clears, in number order.
const CLEARED: [Ussgl; 7] = [
    Ussgl::Unapportioned,
    Ussgl::Apportionments,
    Ussgl::Allotments,
    Ussgl::Commitments,
    Ussgl::UnpaidObligations,
    Ussgl::Recoveries,
    Ussgl::UpwardAdjustmentsPriorYear,
];

impl Ledger {
    /// The cancellation of `account` if it has closed by `as_of` (its closing day, 30
    /// September of the fifth fiscal year after its period, is on or before `as_of`):
    /// the balances cancelled and the closing entries, from the account as it stood at
    /// the end of the closing day. `None` before then, and for a no-year account, which
    /// 31 U.S.C. 1552(a) does not close.
    ///
    /// The ledger refuses every command on the account from the next day (see
    /// [`AccountStatus::Cancelled`](crate::fiscal::AccountStatus::Cancelled)).
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownAccount`] if the account does not exist on its closing day,
    /// or a replay error.
    pub fn cancellation(
        &self,
        account: &AccountSymbol,
        as_of: NaiveDate,
    ) -> Result<Option<Cancellation>, BudgetError> {
        let Some(closing_day) = account.period().closes_on() else {
            return Ok(None);
        };
        if as_of < closing_day {
            return Ok(None);
        }
        let gl = self.as_known(closing_day, None)?.trial_balance(account)?;
        let mut entries = Vec::new();
        let mut closed = gl;
        for debit in CLEARED {
            let amount = gl.balance(debit).checked_neg()?;
            if !amount.is_zero() {
                entries.push(ClosingEntry { debit, amount });
                closed = closed.post(debit, Ussgl::CanceledAuthority, amount)?;
            }
        }
        Ok(Some(Cancellation {
            account: *account,
            closing_day,
            unobligated: gl.unobligated()?,
            unpaid_obligations: gl.balance(Ussgl::UnpaidObligations).checked_neg()?,
            entries,
            trial_balance: closed,
        }))
    }
}

/// The SF-133 of the fiscal year `account` closes in, through its closing day, shows the
/// unobligated balance withdrawn on line 1029 (module notes): lines 1910, 2490 and 2500 no
/// longer count it. Any other statement is returned unchanged.
pub(super) fn withdraw_on_sf133(
    ledger: &Ledger,
    mut statement: Sf133,
    fiscal_year: FiscalYear,
) -> Result<Sf133, BudgetError> {
    let Some(closing) = statement.account.period().closes_on() else {
        return Ok(statement);
    };
    if closing != fiscal_year.last_day() {
        return Ok(statement);
    }
    let Some(cancelled) = ledger.cancellation(&statement.account, statement.as_of)? else {
        return Ok(statement);
    };
    let withdrawn = cancelled.unobligated.checked_neg()?;
    let obligations_cancelled = cancelled.unpaid_obligations.checked_neg()?;
    for line in &mut statement.lines {
        if matches!(line.line, 1910 | 2490 | 2500) {
            line.amount = line.amount.checked_add(withdrawn)?;
        }
        if line.line == 3050 {
            line.amount = line.amount.checked_add(obligations_cancelled)?;
        }
    }
    insert_line(
        &mut statement,
        SF133_LINE_WITHDRAWN,
        SF133_TITLE_WITHDRAWN,
        withdrawn,
    );
    insert_line(
        &mut statement,
        SF133_LINE_OBLIGATIONS_CANCELLED,
        SF133_TITLE_OBLIGATIONS_CANCELLED,
        obligations_cancelled,
    );
    Ok(statement)
}

/// Inserts `line` in number order.
fn insert_line(statement: &mut Sf133, line: u16, title: &str, amount: Money) {
    let at = statement
        .lines
        .iter()
        .position(|l| l.line > line)
        .unwrap_or(statement.lines.len());
    statement.lines.insert(
        at,
        Sf133Line {
            line,
            title: title.to_owned(),
            amount,
        },
    );
}
