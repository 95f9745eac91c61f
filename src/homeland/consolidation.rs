//! Consolidation: moving a program into the homeland account.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::allocation::compose_id;
use super::error::HomelandError;
use crate::budget::{AccountSymbol, Action, Actor, Command, CommandId};
use crate::money::Money;

/// A program moving from another agency's account into the homeland account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consolidation {
    /// The losing account.
    pub from: AccountSymbol,
    /// The homeland account.
    pub to: AccountSymbol,
    /// The law that authorizes the transfer, such as "P.L. 107-296 sec. 1511".
    pub authority: String,
    /// The command id.
    pub id: String,
    /// The date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// Who issues it.
    pub actor: Actor,
}

/// The `Transfer` command that moves `amount` of the program's unobligated balance from
/// `c.from` to `c.to`, citing `c.authority`. The caller reads the unobligated balance from
/// the ledger (for example [`Ledger::status_of_funds`](crate::budget::Ledger::status_of_funds)) and applies the command; the
/// ledger checks the balance.
///
/// # Errors
///
/// [`HomelandError::NegativeAmount`] unless the amount is positive;
/// [`HomelandError::Id`] if `c.id` is not a valid command id.
///
/// ```
/// use security_assistance::homeland::{consolidate, Consolidation};
/// use security_assistance::budget::Action;
///
/// let c = Consolidation {
///     from: "019-2008/2009-1121".parse()?, to: "070-2008/2009-0100".parse()?,
///     authority: "P.L. 107-296 sec. 1511".into(), id: "CONS-1".into(),
///     date: chrono::NaiveDate::from_ymd_opt(2008, 2, 1).ok_or("date")?,
///     actor: "OMB".parse()?,
/// };
/// let command = consolidate(&c, "2500000".parse()?)?;
/// assert!(matches!(command.action, Action::Transfer { .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn consolidate(c: &Consolidation, amount: Money) -> Result<Command, HomelandError> {
    if !amount.is_positive() {
        return Err(HomelandError::NegativeAmount {
            what: "the consolidated balance".to_owned(),
            amount,
        });
    }

    Ok(Command::new(
        compose_id::<CommandId>(&c.id)?,
        c.date,
        c.actor.clone(),
        Action::Transfer {
            from: c.from,
            to: c.to,
            amount,
            authority: c.authority.clone(),
        },
    ))
}
