//! The obligations of a checkpoint (format 6 on) as one compact section, so that loading
//! them is reading small integers rather than parsing texts.
//!
//! At a million entries a ledger holds about half a million obligations, and in the
//! serde form of the accounts each one is a map entry of texts: its document id parsed
//! and validated, its allocation key's funds holder parsed, three amounts parsed from
//! decimal strings. The section written here keeps, per account, its distinct allocation
//! keys once and each obligation as the index of its key; documents and funds holders as
//! numbers into the journal's symbol table (which the checkpoint holds anyway, so a loaded
//! document id shares the journal's text); amounts as whole cents in the journal's compact
//! integer encoding ([`Compact`] for [`Money`]), exact: reading refuses an amount that is
//! not a whole number of cents rather than round it.

use std::borrow::Cow;

use super::state::{AccountState, ObligationState};
use crate::budget::command::{AllocationKey, Instrument};
use crate::budget::direct_reimbursable::DirectOrReimbursable;
use crate::budget::ids::DocumentId;
use crate::budget::journal::{Compact, Reader, Symbols, put_u64};
use crate::budget::object_class::ObjectClass;
use crate::fiscal::FiscalYear;
use crate::money::Money;

/// `account` without its obligations (written apart by [`write_obligations`]), every
/// other field copied. The fields are named one by one, so a field added to
/// [`AccountState`] does not compile here until it is copied too.
pub(super) fn without_obligations(account: &AccountState) -> Cow<'_, AccountState> {
    if account.obligations.is_empty() {
        return Cow::Borrowed(account);
    }
    let AccountState {
        symbol,
        title,
        purposes,
        enacted,
        appropriated,
        full_year,
        resolution,
        transfers_in,
        transfers_out,
        rescinded,
        apportioned,
        by_period,
        by_program,
        allocated_by_program,
        allotted,
        charged_to_current,
        charged_after_closing,
        collections,
        collected,
        gl,
        allotments,
        allocations,
        commitments,
        obligations: _,
        credit,
        justified,
    } = account;
    Cow::Owned(AccountState {
        symbol: *symbol,
        title: title.clone(),
        purposes: purposes.clone(),
        enacted: *enacted,
        appropriated: *appropriated,
        full_year: *full_year,
        resolution: *resolution,
        transfers_in: *transfers_in,
        transfers_out: *transfers_out,
        rescinded: *rescinded,
        apportioned: *apportioned,
        by_period: by_period.clone(),
        by_program: by_program.clone(),
        allocated_by_program: allocated_by_program.clone(),
        allotted: *allotted,
        charged_to_current: *charged_to_current,
        charged_after_closing: charged_after_closing.clone(),
        collections: *collections,
        collected: collected.clone(),
        gl: *gl,
        allotments: allotments.clone(),
        allocations: allocations.clone(),
        commitments: commitments.clone(),
        obligations: super::Map::default(),
        credit: credit.clone(),
        justified: justified.clone(),
    })
}

/// Bit 0 of an obligation's flags: funded directly from the allotment.
const DIRECT: u8 = 1;
/// Bit 1: financed by reimbursements ([`DirectOrReimbursable::Reimbursable`]).
const REIMBURSABLE: u8 = 2;

/// The obligations of `accounts`, in their order: for each account the number of its
/// distinct allocation keys, the keys, the number of its obligations, then each
/// obligation (document, key index, instrument, fiscal year, obligated, disbursed,
/// recoveries, flags, object class). Documents and funds holders are interned in
/// `symbols`, the journal's table as the checkpoint writes it.
pub(super) fn write_obligations(accounts: &[&AccountState], symbols: &mut Symbols) -> Vec<u8> {
    let mut out = Vec::new();
    for account in accounts {
        let mut keys: Vec<&AllocationKey> = Vec::new();
        let mut key_index: super::Map<&AllocationKey, u64> = super::Map::default();
        for obligation in account.obligations.values() {
            key_index.entry(&obligation.key).or_insert_with(|| {
                let index = keys.len() as u64;
                keys.push(&obligation.key);
                index
            });
        }
        put_u64(&mut out, keys.len() as u64);
        for key in &keys {
            key.put(&mut out, symbols);
        }
        put_u64(&mut out, account.obligations.len() as u64);
        for (document, o) in &account.obligations {
            document.put(&mut out, symbols);
            put_u64(&mut out, key_index.get(&o.key).copied().unwrap_or(u64::MAX));
            o.instrument.put(&mut out, symbols);
            o.fiscal_year.put(&mut out, symbols);
            for amount in [o.obligated, o.disbursed, o.recoveries] {
                amount.put(&mut out, symbols);
            }
            let flags = if o.direct { DIRECT } else { 0 }
                | if o.financed_by.is_direct() {
                    0
                } else {
                    REIMBURSABLE
                };
            out.push(flags);
            put_u64(&mut out, u64::from(o.object_class.code()));
        }
    }
    out
}

/// Reads [`write_obligations`]' section into `accounts` (in the same order, loaded
/// without obligations), with `symbols` the journal's table read from the same
/// checkpoint.
///
/// # Errors
///
/// What is wrong, naming the account: a key index or symbol out of range, an unknown
/// instrument, fiscal year, object class or flag, an amount not in whole cents, a
/// document twice, or bytes left over.
pub(super) fn read_obligations(
    bytes: &[u8],
    accounts: &mut [AccountState],
    symbols: &Symbols,
) -> Result<(), String> {
    let mut r = Reader::new(bytes);
    for account in accounts.iter_mut() {
        let wrong = |what: &str| {
            format!(
                "the checkpoint's obligations of account {}: {what}",
                account.symbol
            )
        };
        let count = |n: Option<u64>| n.and_then(|n| usize::try_from(n).ok());
        let n_keys = count(r.u64()).ok_or_else(|| wrong("no key count"))?;
        // Each key takes at least three bytes: a count beyond the bytes is refused
        // before anything is reserved for it.
        if n_keys > bytes.len() {
            return Err(wrong("more keys than bytes"));
        }
        let mut keys = Vec::with_capacity(n_keys);
        for _ in 0..n_keys {
            keys.push(AllocationKey::get(&mut r, symbols).ok_or_else(|| wrong("a bad key"))?);
        }
        let n = count(r.u64()).ok_or_else(|| wrong("no obligation count"))?;
        if n > bytes.len() {
            return Err(wrong("more obligations than bytes"));
        }
        account.obligations.reserve(n);
        for _ in 0..n {
            let (document, state) = obligation(&mut r, &keys, symbols)
                .ok_or_else(|| wrong("an unreadable obligation"))?;
            match account.obligations.entry(document) {
                std::collections::hash_map::Entry::Occupied(twice) => {
                    return Err(wrong(&format!("document {} twice", twice.key())));
                }
                std::collections::hash_map::Entry::Vacant(new) => {
                    new.insert(state);
                }
            }
        }
    }
    if r.is_done() {
        Ok(())
    } else {
        Err("bytes after the checkpoint's obligations".to_owned())
    }
}

/// One obligation written by [`write_obligations`].
fn obligation(
    r: &mut Reader<'_>,
    keys: &[AllocationKey],
    symbols: &Symbols,
) -> Option<(DocumentId, ObligationState)> {
    let document = DocumentId::get(r, symbols)?;
    let key = keys.get(usize::try_from(r.u64()?).ok()?)?.clone();
    let instrument = Instrument::get(r, symbols)?;
    let fiscal_year = FiscalYear::get(r, symbols)?;
    let obligated = r.exact_money()?;
    let disbursed = r.exact_money()?;
    let recoveries: Money = r.exact_money()?;
    let flags = r.byte()?;
    if flags & !(DIRECT | REIMBURSABLE) != 0 {
        return None;
    }
    let object_class = ObjectClass::from_stored(u16::try_from(r.u64()?).ok()?)?;
    Some((
        document,
        ObligationState {
            key,
            instrument,
            fiscal_year,
            obligated,
            disbursed,
            direct: flags & DIRECT != 0,
            object_class,
            recoveries,
            financed_by: if flags & REIMBURSABLE == 0 {
                DirectOrReimbursable::Direct
            } else {
                DirectOrReimbursable::Reimbursable
            },
        },
    ))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::super::Ledger;
    use super::*;
    use crate::budget::{Action, Apportionment, Command, Funding};
    use crate::purpose::ProgramKind;

    fn day(offset: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2008, 1, 2)
            .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(offset))))
            .unwrap()
    }

    fn account() -> crate::budget::AccountSymbol {
        "011-2008/2009-1082".parse().unwrap()
    }

    fn key(k: u8) -> AllocationKey {
        let holder = ["DSCA", "DSCA-EUR"][usize::from(k % 2)];
        let program = [ProgramKind::Financing, ProgramKind::Training][usize::from(k / 2 % 2)];
        let partner = [Some("JOR"), Some("EGY"), None][usize::from(k / 4 % 3)];
        AllocationKey::new(
            holder.parse().unwrap(),
            program,
            partner.map(|p| p.parse().unwrap()),
        )
    }

    fn command(id: String, date: NaiveDate, action: Action) -> Command {
        Command::new(id.parse().unwrap(), date, "bench".parse().unwrap(), action)
    }

    /// An FY 2008/2009 account for two programs, allotted to two holders and allocated
    /// under twelve keys, with a collection that reimbursable obligations can spend.
    fn setup() -> Vec<Command> {
        let big = Money::from_cents(1_000_000_000);
        let mut actions = vec![
            Action::Appropriate {
                account: account(),
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing, ProgramKind::Training],
                amount: big,
                law: "P.L. 110-161".into(),
            },
            Action::Apportion {
                account: account(),
                category: Apportionment::ByPeriod { from: day(0) },
                amount: big,
            },
        ];
        for holder in ["DSCA", "DSCA-EUR"] {
            actions.push(Action::Allot {
                account: account(),
                holder: holder.parse().unwrap(),
                amount: Money::from_cents(400_000_000),
            });
        }
        for k in 0..12 {
            actions.push(Action::Allocate {
                account: account(),
                key: key(k),
                amount: Money::from_cents(30_000_000),
            });
        }
        actions
            .into_iter()
            .enumerate()
            .map(|(i, a)| command(format!("s{i}"), day(0), a))
            .collect()
    }

    /// What, on which document, under which key, how much, how many days after the start,
    /// and a choice of instrument, object class and funding source.
    type Step = (u8, u8, u8, u32, u32, u8);

    fn to_command(i: usize, (kind, doc, k, amount, offset, choice): Step) -> Command {
        let document: DocumentId = format!("D{doc}").parse().unwrap();
        let cents = i64::from(amount % 2_000_000).saturating_add(1);
        let amount = Money::from_cents(cents);
        let action = match kind % 5 {
            0 | 1 => Action::Obligate {
                account: account(),
                document,
                instrument: [
                    Instrument::GrantAgreement,
                    Instrument::Loan,
                    Instrument::Lease,
                ][usize::from(choice % 3)],
                funding: Funding::Allocation { key: key(k) },
                amount,
                object_class: (choice & 4 != 0).then(|| {
                    ObjectClass::ALL[usize::from(choice)
                        .checked_rem(ObjectClass::ALL.len())
                        .unwrap()]
                }),
                financed_by: if choice & 8 == 0 {
                    DirectOrReimbursable::Direct
                } else {
                    DirectOrReimbursable::Reimbursable
                },
            },
            2 => Action::AdjustObligation {
                account: account(),
                document,
                amount: Money::from_cents(cents.wrapping_div(-4).wrapping_sub(1)),
            },
            3 => Action::Disburse {
                account: account(),
                document,
                amount,
            },
            _ => Action::Collect {
                account: account(),
                document: format!("C{doc}").parse().unwrap(),
                payer: "GBR".parse().unwrap(),
                amount,
                authority: "22 U.S.C. 2392(d)".into(),
            },
        };
        // Dates in both fiscal years of the account: downward adjustments in 2009 of
        // obligations of 2008 are recoveries.
        command(format!("c{i}"), day(offset % 500), action)
    }

    /// The setup and `steps` applied in date order (refusals ignored).
    fn build(steps: &[Step]) -> Ledger {
        let mut ledger = Ledger::allow_all();
        for c in setup() {
            ledger.apply(c).unwrap();
        }
        let mut commands: Vec<Command> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| to_command(i, *s))
            .collect();
        commands.sort_by_key(|c| c.date);
        for c in commands {
            let _ = ledger.apply(c);
        }
        ledger
    }

    fn steps() -> impl Strategy<Value = Vec<Step>> {
        prop::collection::vec(
            (
                any::<u8>(),
                0u8..40,
                0u8..12,
                any::<u32>(),
                0u32..1000,
                any::<u8>(),
            ),
            1..150,
        )
    }

    fn read(bytes: &[u8], ledger: &Ledger) -> Result<Ledger, String> {
        Ledger::from_snapshot(bytes, ledger.eligibility()).map(|(read, _)| read)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A checkpoint of the current format (the obligations in their compact section,
        /// format 6 on; the amounts justified in theirs, format 7 on; the entries' dates,
        /// sequences and offsets in theirs, format 8) reads back to an equal ledger, as one
        /// of format 5 (the obligations inside the accounts), 6 and 7 do, and holds
        /// nothing the accounts do not.
        #[test]
        fn a_compact_checkpoint_reads_back_equal_as_format_5_does(steps in steps()) {
            let ledger = build(&steps);
            let compact = ledger.snapshot().unwrap();
            let old = ledger.snapshot_as(5).unwrap();
            let six = ledger.snapshot_as(6).unwrap();
            let seven = ledger.snapshot_as(7).unwrap();
            prop_assert_eq!(compact.first(), Some(&8));
            prop_assert_eq!(six.first(), Some(&6));
            prop_assert_eq!(seven.first(), Some(&7));
            prop_assert!(read(&seven, &ledger).unwrap() == ledger);
            prop_assert!(compact.len() < seven.len());
            let from_compact = read(&compact, &ledger).unwrap();
            prop_assert!(from_compact == ledger);
            prop_assert!(from_compact.accounts == ledger.accounts);
            prop_assert!(read(&old, &ledger).unwrap() == ledger);
            prop_assert!(read(&six, &ledger).unwrap() == ledger);
            prop_assert!(compact.len() < six.len());
            // The index of ids and the texts' index are built when first needed, not
            // while loading; once built they find every entry and text of the checkpoint:
            // each command again is a duplicate (the same receipt), a command under an
            // entry's id that differs is refused, and a new command on the checkpoint's
            // documents interns no text twice.
            let mut loaded = from_compact.clone();
            prop_assert!(!loaded.by_id.is_built());
            let texts = loaded.journal.symbols().text_count();
            for entry in ledger.journal().iter() {
                let again = loaded.apply(entry.command.clone()).unwrap();
                prop_assert!(again.duplicate);
                prop_assert_eq!(again.sequence, entry.sequence);
            }
            prop_assert!(loaded.by_id.is_built());
            if let Some(last) = ledger.journal().iter().last() {
                let mut changed = last.command.clone();
                changed.date = day(600);
                let conflict = matches!(
                    loaded.apply(changed),
                    Err(crate::budget::BudgetError::CommandConflict { .. })
                );
                prop_assert!(conflict);
            }
            let mut live = ledger.clone();
            for (i, step) in steps.iter().enumerate().take(20) {
                // On the last day the steps use: appended, after every entry.
                let step = to_command(i.wrapping_add(1000), *step);
                let command = command(step.id.to_string(), day(499), step.action);
                prop_assert_eq!(
                    live.apply(command.clone()).map_err(|e| e.to_string()),
                    loaded.apply(command).map_err(|e| e.to_string())
                );
            }
            prop_assert!(live == loaded);
            prop_assert_eq!(
                live.journal.symbols().text_count(),
                loaded.journal.symbols().text_count()
            );
            prop_assert!(loaded.journal.symbols().text_count() >= texts);
            // Every byte is needed: the checkpoint cut short anywhere is refused.
            for cut in [1, 2, compact.len() / 2] {
                prop_assert!(read(&compact[..compact.len().wrapping_sub(cut)], &ledger).is_err());
            }
        }
    }

    /// The workload above holds what the section encodes apart from the defaults: keys
    /// with and without a partner, reimbursable obligations, recoveries, object classes
    /// given, and amounts with cents.
    #[test]
    fn the_workload_reaches_every_field_of_the_section() {
        let steps: Vec<Step> = (0..600u32)
            .map(|i| {
                let i8 = u8::try_from(i % 256).unwrap();
                (
                    i8 % 5,
                    u8::try_from(i % 40).unwrap(),
                    i8 % 12,
                    i.wrapping_mul(7919),
                    i.wrapping_mul(13) % 1000,
                    i8.wrapping_mul(37),
                )
            })
            .collect();
        let ledger = build(&steps);
        let obligations: Vec<&ObligationState> = ledger
            .accounts
            .values()
            .flat_map(|a| a.obligations.values())
            .collect();
        assert!(obligations.iter().any(|o| o.key.partner.is_none()));
        assert!(obligations.iter().any(|o| o.key.partner.is_some()));
        assert!(obligations.iter().any(|o| !o.financed_by.is_direct()));
        assert!(obligations.iter().any(|o| o.recoveries.is_positive()));
        assert!(obligations.iter().any(|o| o.disbursed.is_positive()));
        assert!(
            obligations
                .iter()
                .any(|o| o.obligated.to_cents().unwrap() % 100 != 0)
        );
        let read = read(&ledger.snapshot().unwrap(), &ledger).unwrap();
        assert_eq!(read, ledger);
        assert_eq!(read.accounts, ledger.accounts);
    }

    /// The amounts justified to the Congress (format 7) read back with their accounts; a
    /// format-6 checkpoint, which has no place for them, would lose them, and a section
    /// naming an account the checkpoint does not hold is refused.
    #[test]
    fn justifications_read_back_from_their_own_section() {
        let mut ledger = build(&[(0, 1, 3, 500, 10, 0)]);
        for (i, partner) in [Some("JOR"), None].into_iter().enumerate() {
            ledger
                .apply(command(
                    format!("j{i}"),
                    day(20),
                    Action::Justify {
                        account: account(),
                        program: ProgramKind::Training,
                        partner: partner.map(|p| p.parse().unwrap()),
                        amount: Money::from_cents(123_456),
                        level_653a: partner.map(|_| Money::from_cents(99)),
                        source: "FY2008 CBJ".into(),
                    },
                ))
                .unwrap();
        }
        let bytes = ledger.snapshot().unwrap();
        let back = read(&bytes, &ledger).unwrap();
        assert_eq!(back, ledger);
        assert_eq!(back.accounts, ledger.accounts);
        let justified = &back.accounts[&account()].justified;
        assert_eq!(justified.len(), 2);
        let old = read(&ledger.snapshot_as(6).unwrap(), &ledger).unwrap();
        assert!(old.accounts[&account()].justified.is_empty());
        assert_ne!(old, ledger);
        // The section of another ledger, whose account this checkpoint does not hold.
        let mut other = Ledger::allow_all();
        other.apply(setup().remove(0)).unwrap();
        let symbol: crate::budget::AccountSymbol = "011-2008/2009-1081".parse().unwrap();
        // Format 7, where the justifications are the last section (format 8 writes the
        // entries' dates, sequences and offsets after them).
        let mut accounts_only = other.snapshot_as(7).unwrap();
        // `other`'s checkpoint with its empty section (one byte) replaced by one naming 1081.
        let cut = accounts_only.len() - 1;
        accounts_only.truncate(cut);
        let section: Vec<(
            crate::budget::AccountSymbol,
            &super::super::state::Justifications,
        )> = vec![(symbol, &ledger.accounts[&account()].justified)];
        accounts_only.extend(postcard::to_stdvec(&section).unwrap());
        let error = read(&accounts_only, &other).unwrap_err();
        assert!(error.contains("does not hold"), "{error}");
        // A section naming the same account twice.
        let mut doubled = other.snapshot_as(7).unwrap();
        doubled.truncate(cut);
        let justified = &ledger.accounts[&account()].justified;
        let twice = vec![(account(), justified), (account(), justified)];
        doubled.extend(postcard::to_stdvec(&twice).unwrap());
        let error = read(&doubled, &other).unwrap_err();
        assert!(error.contains("twice"), "{error}");
    }

    /// A section that does not fit its accounts is refused with what is wrong: a key
    /// index beyond the keys, a document twice, bytes left over.
    #[test]
    fn a_section_that_does_not_fit_is_refused() {
        let ledger = build(&[(0, 1, 3, 500, 10, 0), (0, 2, 4, 700, 20, 0)]);
        let accounts: Vec<&AccountState> = ledger.accounts.values().collect();
        let mut symbols = ledger.journal.symbols().clone();
        let good = write_obligations(&accounts, &mut symbols);
        let empty = || -> Vec<AccountState> {
            accounts
                .iter()
                .map(|a| without_obligations(a).into_owned())
                .collect()
        };
        let mut filled = empty();
        read_obligations(&good, &mut filled, &symbols).unwrap();
        assert_eq!(
            filled.first().map(|a| &a.obligations),
            accounts.first().map(|a| &a.obligations)
        );
        let mut longer = good.clone();
        longer.push(0);
        let error = read_obligations(&longer, &mut empty(), &symbols).unwrap_err();
        assert!(error.contains("bytes after"), "{error}");
        // Reading into accounts that already hold the obligations finds each twice.
        let error = read_obligations(&good, &mut filled, &symbols).unwrap_err();
        assert!(error.contains("twice"), "{error}");
        let error = read_obligations(&good[..good.len().wrapping_sub(1)], &mut empty(), &symbols)
            .unwrap_err();
        assert!(error.contains("unreadable obligation"), "{error}");
        // An account with no key and one obligation naming key 0.
        let mut symbols = Symbols::default();
        let mut out = Vec::new();
        put_u64(&mut out, 0);
        put_u64(&mut out, 1);
        "D1".parse::<DocumentId>()
            .unwrap()
            .put(&mut out, &mut symbols);
        put_u64(&mut out, 0);
        let mut one = vec![without_obligations(accounts[0]).into_owned()];
        let error = read_obligations(&out, &mut one, &symbols).unwrap_err();
        assert!(error.contains("unreadable obligation"), "{error}");
        assert!(one[0].obligations.is_empty());
    }

    /// Amounts are read exactly: whole cents, or a decimal that is a whole number of
    /// cents; one with a fraction of a cent is refused, never rounded.
    #[test]
    fn an_amount_is_read_in_whole_cents_or_refused() {
        let mut symbols = Symbols::default();
        let mut out = Vec::new();
        Money::from_cents(-12_345).put(&mut out, &mut symbols);
        assert_eq!(
            Reader::new(&out).exact_money(),
            Some(Money::from_cents(-12_345))
        );
        for (text, read) in [
            ("1.5", Some(Money::from_cents(150))),
            ("1.005", None),
            ("-0.001", None),
        ] {
            let mut out = vec![1];
            out.extend_from_slice(&text.parse::<Decimal>().unwrap().serialize());
            assert_eq!(Reader::new(&out).exact_money(), read, "{text}");
        }
        assert_eq!(Reader::new(&[2, 0]).exact_money(), None);
    }

    /// A key or obligation count beyond the section's bytes (which could not hold them)
    /// is refused before anything is reserved for it; a count the bytes could only just
    /// number is read until the bytes run out, and refused for what is then missing.
    #[test]
    fn a_count_beyond_the_section_is_refused_before_anything_is_reserved() {
        let ledger = build(&[(0, 1, 3, 500, 10, 0)]);
        let accounts: Vec<&AccountState> = ledger.accounts.values().collect();
        let symbols = Symbols::default();
        let one = || vec![without_obligations(accounts[0]).into_owned()];
        let huge = u64::MAX >> 1;
        let mut out = Vec::new();
        put_u64(&mut out, huge);
        let error = read_obligations(&out, &mut one(), &symbols).unwrap_err();
        assert!(error.contains("more keys than bytes"), "{error}");
        let mut out = Vec::new();
        put_u64(&mut out, 0);
        put_u64(&mut out, huge);
        let error = read_obligations(&out, &mut one(), &symbols).unwrap_err();
        assert!(error.contains("more obligations than bytes"), "{error}");
        // One key counted in a one-byte section, two obligations in a two-byte one.
        let error = read_obligations(&[1], &mut one(), &symbols).unwrap_err();
        assert!(error.contains("a bad key"), "{error}");
        let error = read_obligations(&[0, 2], &mut one(), &symbols).unwrap_err();
        assert!(error.contains("unreadable obligation"), "{error}");
    }
}
