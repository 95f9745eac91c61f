//! Training (IMET-like): a course catalog, cost build-ups explained line by line, and
//! enrollments that move money through the ledger only after human-rights vetting.
//!
//! # Costs (DOMAIN.md §4, §10 rules 38, 39 and 41)
//!
//! - **Tuition** is priced at the incremental (additional) cost when the partner
//!   concurrently receives IMET or is a high-income country (AECA 21(a)(1)(C)), else at
//!   full cost. Both lists are the caller's effective-dated data ([`TuitionPricing`]).
//! - **Living allowance** for each day of a resident course: min(actual lodging, maximum
//!   lodging rate) + the meal rate + $11.00 of special incidentals; with free quarters
//!   and mess, $11.00 only (SAMM Table C10.T12). The rates are the caller's
//!   effective-dated data ([`RateTable`]); a course that runs across a rate change is
//!   priced day by day, one line per rate in force.
//! - **Mobile training teams**: per diem per member-day in country, airfare per member,
//!   and preparation per member-day ([`MobileTeam`]).
//! - Civilians may attend only a course that serves an expanded-IMET purpose
//!   ([`ExpandedPurpose`]).
//!
//! Every build-up is a [`CostBuildUp`]: lines with the arithmetic in words and a total
//! that is their exact sum. Amounts are [`Money`]; quantities are whole days and members,
//! so no line needs rounding.
//!
//! # The life of an enrollment, through the ledger's public commands
//!
//! ```text
//! Enrollment::enroll   Commit the estimate (the enrollment's DocumentId)   Committed
//! Enrollment::vet      the eligibility check, subjects = [unit, student]   (vetting recorded)
//! Enrollment::obligate Obligate from the commitment (Instrument::Enrollment),
//!                      only when unit and student are cleared and the
//!                      start date lies in the account's availability        Obligated
//! Enrollment::pay      Disburse actual costs, as they are billed
//! Enrollment::complete AdjustObligation down by what was not paid           Completed
//! Enrollment::release  refused or withdrawn: Decommit, or deobligate
//!                      what was not paid                                   Released
//! ```
//!
//! Each step applies one command to the caller's [`Ledger`] and changes the enrollment
//! only if the ledger accepts it; a refusal changes neither. A mobile training team order
//! is an enrollment whose trainee is a unit ([`Trainee::Unit`]), vetted as a unit.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, BudgetError, Command, CommandId, DocumentId,
    Funding, FundsHolder, Instrument, Ledger, Receipt,
};
use crate::eligibility::{
    Decision, EligibilityCheck, EligibilityRequest, FactKind, RequiredAction, Subject,
};
use crate::law::Citation;
use crate::money::{Money, MoneyError};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The special IMET incidental allowance per day, $11.00 (SAMM Table C10.T12, about
/// 2012): the default that [`DailyRates::new`] puts in every rate entry. A caller whose
/// source gives another amount sets it with [`DailyRates::with_incidentals`].
pub const IMET_INCIDENTALS_PER_DAY: Money = Money::from_cents(1_100);

/// The longest course length accepted, in days (two years, the longest professional
/// military education with language training runs about that).
pub const MAX_COURSE_DAYS: u32 = 731;

/// The longest course id accepted, in characters.
pub const MAX_COURSE_ID_LEN: usize = 32;

/// Why a training step was refused.
///
/// # Precedence
///
/// A step checks, and reports the first failure, in this order
/// ([`TrainingError::precedence`]): 1 the enrollment's state; 2 the shape of the input; 3 the existence of the course, the rates and the
/// kind of course; 4 time (the start date and the account's availability); 5 purpose and
/// vetting (civilians, clearance); 6 amount; 7 the ledger's own refusal, or a command id
/// the ledger had already applied. Arithmetic
/// failures (0) can only come from amounts out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum TrainingError {
    /// The step is not allowed in the enrollment's state.
    #[error("cannot {step} enrollment {document} while it is {state}")]
    WrongState {
        /// The enrollment.
        document: DocumentId,
        /// Its state.
        state: EnrollmentState,
        /// The step refused.
        step: TrainingStep,
    },
    /// The ledger command id had already been applied.
    #[error("ledger command {id} was already applied: give each training step a new command id")]
    DuplicateLedgerCommand {
        /// The command id.
        id: CommandId,
    },
    /// A course id that is empty, too long or not printable ASCII.
    #[error(
        "course id {input:?} is invalid: expected 1 to {max} printable ASCII characters without leading or trailing spaces"
    )]
    InvalidCourseId {
        /// The refused input.
        input: String,
        /// The longest allowed.
        max: usize,
    },
    /// A name that must be given is empty.
    #[error("the {field} must not be empty")]
    EmptyText {
        /// Which name.
        field: TextField,
    },
    /// A course length outside the accepted range.
    #[error("a course of {length} is not accepted: 1 to {max} days are allowed")]
    CourseLength {
        /// The length given.
        length: CourseLength,
        /// The longest allowed, in days.
        max: u32,
    },
    /// Incremental tuition above full tuition.
    #[error(
        "incremental tuition {incremental} exceeds full tuition {full}: it must be at most the full cost"
    )]
    TuitionOrder {
        /// The full tuition.
        full: Money,
        /// The incremental tuition.
        incremental: Money,
    },
    /// An amount that must not be negative is.
    #[error("the {field} of {amount} must not be negative")]
    NegativeAmount {
        /// Which amount.
        field: AmountField,
        /// The amount given.
        amount: Money,
    },
    /// An amount that must be greater than zero is not.
    #[error("the {field} of {amount} must be greater than zero")]
    NotPositive {
        /// Which amount.
        field: AmountField,
        /// The amount given.
        amount: Money,
    },
    /// A count (team members, days) that must be at least one is zero.
    #[error("the {field} must be at least one")]
    ZeroCount {
        /// Which count.
        field: CountField,
    },
    /// The catalog already holds a course with this id.
    #[error("course {course} is already in the catalog")]
    DuplicateCourse {
        /// The course id.
        course: CourseId,
    },
    /// The rate table already holds rates for this location and date.
    #[error("rates for {location} effective {effective_from} are already in the table")]
    DuplicateRates {
        /// The location.
        location: String,
        /// The effective date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        effective_from: NaiveDate,
    },
    /// The course is not in the catalog.
    #[error("course {course} is not in the catalog")]
    UnknownCourse {
        /// The course id.
        course: CourseId,
    },
    /// No rates are in force for the location on a day of the course.
    #[error(
        "no living-allowance rates for {location} are in force on {date}: add rates effective on or before it"
    )]
    NoRatesInForce {
        /// The location.
        location: String,
        /// The day.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// The rate entry in force has no meal rate of the kind the stay needs.
    #[error(
        "the rates for {location} effective {effective_from} have no {meal_rate} meal rate: add it with DailyRates::with_meal_rate"
    )]
    NoMealRate {
        /// The location.
        location: String,
        /// The entry's effective date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        effective_from: NaiveDate,
        /// The meal rate asked for.
        meal_rate: MealRate,
    },
    /// The course is of the wrong kind for the step.
    #[error("course {course} is a {kind} course: {expected}")]
    WrongCourseKind {
        /// The course.
        course: CourseId,
        /// Its kind.
        kind: CourseKind,
        /// What the step needs, in words.
        expected: CourseKindNeed,
    },
    /// The course starts outside the account's period of availability.
    #[error(
        "course start {start} is outside the period of availability of account {account} ({first_day} to {})",
        last_day.map_or_else(|| "no end".to_owned(), |d| d.to_string())
    )]
    StartOutsideAvailability {
        /// The start date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        start: NaiveDate,
        /// The account.
        account: AccountSymbol,
        /// The first day of availability.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        first_day: NaiveDate,
        /// The last day of availability (`None` for no-year money).
        #[serde(
            default,
            deserialize_with = "crate::fiscal::date_serde::deserialize_option"
        )]
        last_day: Option<NaiveDate>,
    },
    /// A civilian asked for a course that serves no expanded-IMET purpose.
    #[error(
        "course {course} does not admit civilians: only courses for defense resource management, civilian control of the military, military justice and human rights, or military and law-enforcement cooperation do"
    )]
    CiviliansNotAdmitted {
        /// The course.
        course: CourseId,
    },
    /// Obligation asked before the unit and the student were cleared on or before the
    /// obligation date.
    #[error(
        "enrollment {document} cannot be obligated on {date}: the unit is {unit} and the student is {}; both must be cleared by then",
        student.map_or_else(|| "not vetted (a unit trainee)".to_owned(), |s| s.to_string())
    )]
    NotCleared {
        /// The enrollment.
        document: DocumentId,
        /// The obligation date asked for.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The unit's vetting.
        unit: VettingStatus,
        /// The student's vetting (`None` for a unit trainee).
        student: Option<VettingStatus>,
    },
    /// A release for refusal in vetting when nobody was refused.
    #[error("enrollment {document} was not refused in vetting: release it as withdrawn instead")]
    NotRefused {
        /// The enrollment.
        document: DocumentId,
    },
    /// A payment larger than what remains unpaid on the obligation.
    #[error(
        "payment of {requested} on enrollment {document} exceeds the {unpaid} obligated and not yet paid"
    )]
    PaymentAboveUnpaid {
        /// The enrollment.
        document: DocumentId,
        /// The payment asked for.
        requested: Money,
        /// What remains unpaid.
        unpaid: Money,
    },
    /// The ledger refused the command.
    #[error("the ledger refused the training step")]
    Ledger(#[from] BudgetError),
    /// A day of the course falls outside the supported calendar.
    #[error("the course runs past the supported calendar")]
    Calendar,
    /// Arithmetic on money failed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
}

crate::wire::wire_serde!(TrainingError);

impl crate::wire::ErrorCode for TrainingError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, TrainingError::serialize)
    }
    fn precedence(&self) -> u8 {
        TrainingError::precedence(self)
    }
}

impl TrainingError {
    /// The error's place in the documented precedence: 1 state, 2 shape,
    /// 3 existence, 4 time, 5 purpose and vetting, 6 amount, 7 ledger, 0 arithmetic.
    ///
    /// ```
    /// use security_assistance::programs::training::{CourseId, TrainingError};
    /// let refused: Result<CourseId, TrainingError> = "".parse();
    /// assert_eq!(refused.err().map(|e| e.precedence()), Some(2));
    /// ```
    #[must_use]
    pub const fn precedence(&self) -> u8 {
        match self {
            TrainingError::WrongState { .. } => 1,
            TrainingError::InvalidCourseId { .. }
            | TrainingError::EmptyText { .. }
            | TrainingError::CourseLength { .. }
            | TrainingError::TuitionOrder { .. }
            | TrainingError::NegativeAmount { .. }
            | TrainingError::NotPositive { .. }
            | TrainingError::ZeroCount { .. }
            | TrainingError::DuplicateCourse { .. }
            | TrainingError::DuplicateRates { .. } => 2,
            TrainingError::UnknownCourse { .. }
            | TrainingError::NoRatesInForce { .. }
            | TrainingError::NoMealRate { .. }
            | TrainingError::WrongCourseKind { .. } => 3,
            TrainingError::StartOutsideAvailability { .. } => 4,
            TrainingError::CiviliansNotAdmitted { .. }
            | TrainingError::NotCleared { .. }
            | TrainingError::NotRefused { .. } => 5,
            TrainingError::PaymentAboveUnpaid { .. } => 6,
            TrainingError::Ledger(_) | TrainingError::DuplicateLedgerCommand { .. } => 7,
            TrainingError::Calendar | TrainingError::Money(_) => 0,
        }
    }
}

/// A name that must not be empty, named in [`TrainingError::EmptyText`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextField {
    /// A course title.
    Title,
    /// A school.
    School,
    /// The location whose rates apply.
    Location,
    /// A student's name.
    Student,
    /// A security-force unit.
    Unit,
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextField::Title => "course title",
            TextField::School => "school",
            TextField::Location => "rate location",
            TextField::Student => "student's name",
            TextField::Unit => "unit",
        })
    }
}

/// An amount named in [`TrainingError::NegativeAmount`] and [`TrainingError::NotPositive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AmountField {
    /// Tuition.
    Tuition,
    /// Travel.
    Travel,
    /// A lodging amount or rate.
    Lodging,
    /// A meal rate.
    Meals,
    /// The incidental allowance.
    Incidentals,
    /// A per diem rate.
    PerDiem,
    /// Airfare.
    Airfare,
    /// A preparation rate.
    Preparation,
    /// An enrollment's estimated cost.
    Estimate,
    /// A payment.
    Payment,
}

impl fmt::Display for AmountField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountField::Tuition => "tuition",
            AmountField::Travel => "travel",
            AmountField::Lodging => "lodging",
            AmountField::Meals => "meal rate",
            AmountField::Incidentals => "incidental allowance",
            AmountField::PerDiem => "per diem",
            AmountField::Airfare => "airfare",
            AmountField::Preparation => "preparation rate",
            AmountField::Estimate => "estimated cost",
            AmountField::Payment => "payment",
        })
    }
}

/// A count named in [`TrainingError::ZeroCount`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CountField {
    /// Members of a mobile training team.
    TeamMembers,
    /// Days in the partner country.
    DaysInCountry,
}

impl fmt::Display for CountField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CountField::TeamMembers => "number of team members",
            CountField::DaysInCountry => "number of days in country",
        })
    }
}

/// What a step needs of a course, named in [`TrainingError::WrongCourseKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CourseKindNeed {
    /// A student attends a resident course or an international program.
    StudentCourse,
    /// A unit is trained by a mobile training team.
    MobileTeamCourse,
}

impl fmt::Display for CourseKindNeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CourseKindNeed::StudentCourse => {
                "a student attends a resident course or an international program; units are trained by mobile training teams"
            }
            CourseKindNeed::MobileTeamCourse => {
                "a unit is trained by a mobile training team; students attend resident courses or international programs"
            }
        })
    }
}

/// A training step, named in [`TrainingError::WrongState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrainingStep {
    /// [`Enrollment::vet`].
    Vet,
    /// [`Enrollment::obligate`].
    Obligate,
    /// [`Enrollment::pay`].
    Pay,
    /// [`Enrollment::complete`].
    Complete,
    /// [`Enrollment::release`].
    Release,
}

impl fmt::Display for TrainingStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrainingStep::Vet => "vet",
            TrainingStep::Obligate => "obligate",
            TrainingStep::Pay => "pay",
            TrainingStep::Complete => "complete",
            TrainingStep::Release => "release",
        })
    }
}

/// The id of a course in the catalog, such as `"MLE-101"` or a MASL number.
///
/// Between 1 and [`MAX_COURSE_ID_LEN`] printable ASCII characters, without leading or
/// trailing spaces.
///
/// ```
/// use security_assistance::programs::training::CourseId;
/// let id: CourseId = "MLE-101".parse()?;
/// assert_eq!(id.as_str(), "MLE-101");
/// assert!(" MLE".parse::<CourseId>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CourseId(String);

impl CourseId {
    /// The id's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CourseId {
    type Err = TrainingError;

    /// # Errors
    ///
    /// [`TrainingError::InvalidCourseId`] for an empty or too long id, a character
    /// outside printable ASCII, or a leading or trailing space.
    fn from_str(s: &str) -> Result<CourseId, TrainingError> {
        let valid = !s.is_empty()
            && s.len() <= MAX_COURSE_ID_LEN
            && s.bytes().all(|b| (b' '..=b'~').contains(&b))
            && !s.starts_with(' ')
            && !s.ends_with(' ');
        if valid {
            Ok(CourseId(s.to_owned()))
        } else {
            Err(TrainingError::InvalidCourseId {
                input: s.to_owned(),
                max: MAX_COURSE_ID_LEN,
            })
        }
    }
}

impl fmt::Display for CourseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for CourseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CourseId({:?})", self.0)
    }
}

impl Serialize for CourseId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CourseId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CourseId, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How a course is delivered.
///
/// ```
/// use security_assistance::programs::training::CourseKind;
/// assert_eq!(CourseKind::MobileTrainingTeam.to_string(), "mobile training team");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CourseKind {
    /// A resident course at a school in the United States.
    Resident,
    /// A mobile training team sent to the partner country.
    MobileTrainingTeam,
    /// Support to an international program (a course abroad or a regional center).
    InternationalProgram,
}

impl fmt::Display for CourseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CourseKind::Resident => "resident",
            CourseKind::MobileTrainingTeam => "mobile training team",
            CourseKind::InternationalProgram => "international program",
        })
    }
}

/// The purposes of expanded IMET for which civilians may attend (DOMAIN.md §10 rule 41).
///
/// ```
/// use security_assistance::programs::training::ExpandedPurpose;
/// assert_eq!(ExpandedPurpose::MilitaryJustice.to_string(), "military justice and human rights");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExpandedPurpose {
    /// Defense resource management.
    DefenseResourceManagement,
    /// Civil-military relations and civilian control of the military.
    CivilianControl,
    /// Military justice and human rights.
    MilitaryJustice,
    /// Military and law-enforcement cooperation (counternarcotics).
    LawEnforcementCooperation,
}

impl fmt::Display for ExpandedPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExpandedPurpose::DefenseResourceManagement => "defense resource management",
            ExpandedPurpose::CivilianControl => "civilian control of the military",
            ExpandedPurpose::MilitaryJustice => "military justice and human rights",
            ExpandedPurpose::LawEnforcementCooperation => {
                "military and law-enforcement cooperation"
            }
        })
    }
}

/// A course's length, as the catalog gives it: in days or in weeks (seven days each).
///
/// ```
/// use security_assistance::programs::training::CourseLength;
/// assert_eq!(CourseLength::Weeks(4).days(), Some(28));
/// assert_eq!(CourseLength::Days(10).to_string(), "10 days");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CourseLength {
    /// A number of days.
    Days(u32),
    /// A number of weeks.
    Weeks(u32),
}

impl CourseLength {
    /// The length in days; `None` if it does not fit in a `u32`.
    #[must_use]
    pub const fn days(self) -> Option<u32> {
        match self {
            CourseLength::Days(days) => Some(days),
            CourseLength::Weeks(weeks) => weeks.checked_mul(7),
        }
    }
}

impl fmt::Display for CourseLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CourseLength::Days(1) => f.write_str("1 day"),
            CourseLength::Days(n) => write!(f, "{n} days"),
            CourseLength::Weeks(1) => f.write_str("1 week"),
            CourseLength::Weeks(n) => write!(f, "{n} weeks"),
        }
    }
}

/// A course's tuition at full cost and at incremental (additional) cost.
///
/// # Errors
///
/// [`Tuition::new`] refuses a negative amount ([`TrainingError::NegativeAmount`]) and an
/// incremental cost above the full cost ([`TrainingError::TuitionOrder`]).
///
/// ```
/// use security_assistance::programs::training::{Tuition, TuitionBasis};
/// let tuition = Tuition::new("14250".parse()?, "9870".parse()?)?;
/// assert_eq!(tuition.for_basis(TuitionBasis::Full), "14250".parse()?);
/// assert!(Tuition::new("100".parse()?, "100.01".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Tuition {
    full: Money,
    incremental: Money,
}

impl Tuition {
    /// Tuition of `full` at full cost and `incremental` at incremental cost.
    ///
    /// # Errors
    ///
    /// [`TrainingError::NegativeAmount`] for a negative amount;
    /// [`TrainingError::TuitionOrder`] when `incremental` exceeds `full`.
    pub fn new(full: Money, incremental: Money) -> Result<Tuition, TrainingError> {
        not_negative(AmountField::Tuition, full)?;
        not_negative(AmountField::Tuition, incremental)?;
        if incremental > full {
            return Err(TrainingError::TuitionOrder { full, incremental });
        }
        Ok(Tuition { full, incremental })
    }

    /// Tuition at full cost.
    #[must_use]
    pub const fn full(&self) -> Money {
        self.full
    }

    /// Tuition at incremental cost.
    #[must_use]
    pub const fn incremental(&self) -> Money {
        self.incremental
    }

    /// The tuition charged on `basis`.
    #[must_use]
    pub const fn for_basis(&self, basis: TuitionBasis) -> Money {
        match basis {
            TuitionBasis::Full => self.full,
            TuitionBasis::Incremental { .. } => self.incremental,
        }
    }
}

impl<'de> Deserialize<'de> for Tuition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tuition, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            full: Money,
            incremental: Money,
        }
        let f = Fields::deserialize(deserializer)?;
        Tuition::new(f.full, f.incremental).map_err(serde::de::Error::custom)
    }
}

/// A course in the catalog.
///
/// # Construction
///
/// [`Course::new`] checks the title, school and location are given, the length is 1 to
/// [`MAX_COURSE_DAYS`] days; [`Course::admitting_civilians_for`] names the expanded-IMET
/// purposes the course serves (none by default: military students only).
///
/// ```
/// use security_assistance::programs::training::*;
/// let course = Course::new("MLE-101".parse()?, "Maritime law enforcement",
///     "USCG Training Center Yorktown", "Yorktown, VA", CourseKind::Resident,
///     CourseLength::Weeks(4), Tuition::new("14250".parse()?, "9870".parse()?)?)?
///     .admitting_civilians_for([ExpandedPurpose::LawEnforcementCooperation]);
/// assert_eq!(course.days(), 28);
/// assert!(course.admits_civilians());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CourseFields", into = "CourseFields")]
pub struct Course {
    fields: CourseFields,
    days: u32,
}

/// A course as written in JSON; [`Course`] validates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFields {
    id: CourseId,
    title: String,
    school: String,
    location: String,
    kind: CourseKind,
    length: CourseLength,
    tuition: Tuition,
    #[serde(default)]
    civilian_purposes: BTreeSet<ExpandedPurpose>,
}

impl TryFrom<CourseFields> for Course {
    type Error = TrainingError;

    fn try_from(fields: CourseFields) -> Result<Course, TrainingError> {
        non_empty(TextField::Title, &fields.title)?;
        non_empty(TextField::School, &fields.school)?;
        non_empty(TextField::Location, &fields.location)?;
        let days = fields
            .length
            .days()
            .filter(|d| (1..=MAX_COURSE_DAYS).contains(d))
            .ok_or(TrainingError::CourseLength {
                length: fields.length,
                max: MAX_COURSE_DAYS,
            })?;
        Ok(Course { fields, days })
    }
}

impl From<Course> for CourseFields {
    fn from(course: Course) -> CourseFields {
        course.fields
    }
}

impl Course {
    /// A course with no civilian purposes.
    ///
    /// `location` names the rates that apply to its students' living allowance (the
    /// school's locality in a [`RateTable`]).
    ///
    /// # Errors
    ///
    /// [`TrainingError::EmptyText`] for an empty title, school or location;
    /// [`TrainingError::CourseLength`] for a length outside 1 to [`MAX_COURSE_DAYS`] days.
    pub fn new(
        id: CourseId,
        title: &str,
        school: &str,
        location: &str,
        kind: CourseKind,
        length: CourseLength,
        tuition: Tuition,
    ) -> Result<Course, TrainingError> {
        Course::try_from(CourseFields {
            id,
            title: title.to_owned(),
            school: school.to_owned(),
            location: location.to_owned(),
            kind,
            length,
            tuition,
            civilian_purposes: BTreeSet::new(),
        })
    }

    /// The same course, serving `purposes` of expanded IMET, for which civilians may
    /// attend (DOMAIN.md §10 rule 41).
    #[must_use]
    pub fn admitting_civilians_for(
        mut self,
        purposes: impl IntoIterator<Item = ExpandedPurpose>,
    ) -> Course {
        self.fields.civilian_purposes.extend(purposes);
        self
    }

    /// The course id.
    #[must_use]
    pub fn id(&self) -> &CourseId {
        &self.fields.id
    }

    /// The title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.fields.title
    }

    /// The school.
    #[must_use]
    pub fn school(&self) -> &str {
        &self.fields.school
    }

    /// The location whose living-allowance rates apply.
    #[must_use]
    pub fn location(&self) -> &str {
        &self.fields.location
    }

    /// How it is delivered.
    #[must_use]
    pub fn kind(&self) -> CourseKind {
        self.fields.kind
    }

    /// Its length as the catalog gives it.
    #[must_use]
    pub fn length(&self) -> CourseLength {
        self.fields.length
    }

    /// Its length in days (1 to [`MAX_COURSE_DAYS`]).
    #[must_use]
    pub fn days(&self) -> u32 {
        self.days
    }

    /// Its tuition.
    #[must_use]
    pub fn tuition(&self) -> Tuition {
        self.fields.tuition
    }

    /// The expanded-IMET purposes it serves.
    #[must_use]
    pub fn civilian_purposes(&self) -> &BTreeSet<ExpandedPurpose> {
        &self.fields.civilian_purposes
    }

    /// `true` if civilians may enroll: the course serves an expanded-IMET purpose.
    #[must_use]
    pub fn admits_civilians(&self) -> bool {
        !self.fields.civilian_purposes.is_empty()
    }

    fn needs(&self, need: CourseKindNeed) -> Result<(), TrainingError> {
        let fits = match (need, self.kind()) {
            (CourseKindNeed::StudentCourse, CourseKind::Resident)
            | (CourseKindNeed::StudentCourse, CourseKind::InternationalProgram)
            | (CourseKindNeed::MobileTeamCourse, CourseKind::MobileTrainingTeam) => true,
            (CourseKindNeed::StudentCourse, CourseKind::MobileTrainingTeam)
            | (CourseKindNeed::MobileTeamCourse, CourseKind::Resident)
            | (CourseKindNeed::MobileTeamCourse, CourseKind::InternationalProgram) => false,
        };
        if fits {
            Ok(())
        } else {
            Err(TrainingError::WrongCourseKind {
                course: self.id().clone(),
                kind: self.kind(),
                expected: need,
            })
        }
    }
}

/// The course catalog: courses by id. Serializes as a JSON list of courses.
///
/// ```
/// use security_assistance::programs::training::*;
/// let mut catalog = CourseCatalog::new();
/// catalog.add(Course::new("MLE-101".parse()?, "Maritime law enforcement", "USCG TRACEN",
///     "Yorktown, VA", CourseKind::Resident, CourseLength::Weeks(4),
///     Tuition::new("14250".parse()?, "9870".parse()?)?)?)?;
/// assert_eq!(catalog.get(&"MLE-101".parse()?)?.days(), 28);
/// assert!(catalog.get(&"MLE-102".parse()?).is_err());
/// let json = serde_json::to_string(&catalog)?;
/// assert_eq!(serde_json::from_str::<CourseCatalog>(&json)?, catalog);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<Course>", into = "Vec<Course>")]
pub struct CourseCatalog {
    courses: BTreeMap<CourseId, Course>,
}

impl TryFrom<Vec<Course>> for CourseCatalog {
    type Error = TrainingError;

    fn try_from(courses: Vec<Course>) -> Result<CourseCatalog, TrainingError> {
        let mut catalog = CourseCatalog::new();
        for course in courses {
            catalog.add(course)?;
        }
        Ok(catalog)
    }
}

impl From<CourseCatalog> for Vec<Course> {
    fn from(catalog: CourseCatalog) -> Vec<Course> {
        catalog.courses.into_values().collect()
    }
}

impl CourseCatalog {
    /// An empty catalog.
    #[must_use]
    pub fn new() -> CourseCatalog {
        CourseCatalog::default()
    }

    /// Adds `course`.
    ///
    /// # Errors
    ///
    /// [`TrainingError::DuplicateCourse`] if a course with its id is already there.
    pub fn add(&mut self, course: Course) -> Result<(), TrainingError> {
        if self.courses.contains_key(course.id()) {
            return Err(TrainingError::DuplicateCourse {
                course: course.id().clone(),
            });
        }
        self.courses.insert(course.id().clone(), course);
        Ok(())
    }

    /// The course with id `course`.
    ///
    /// # Errors
    ///
    /// [`TrainingError::UnknownCourse`] if there is none.
    pub fn get(&self, course: &CourseId) -> Result<&Course, TrainingError> {
        self.courses
            .get(course)
            .ok_or_else(|| TrainingError::UnknownCourse {
                course: course.clone(),
            })
    }

    /// The courses in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Course> {
        self.courses.values()
    }

    /// The number of courses.
    #[must_use]
    pub fn len(&self) -> usize {
        self.courses.len()
    }

    /// `true` if the catalog is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.courses.is_empty()
    }
}

/// Which meal rate applies to a student, by mess availability (SAMM Table C10.T12): the
/// local rate when no government mess is available, the government rate when all meals
/// are available in a government mess, the proportional rate when some are.
///
/// ```
/// use security_assistance::programs::training::MealRate;
/// assert_eq!(MealRate::Local.to_string(), "local");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MealRate {
    /// The local meal rate: no government mess.
    Local,
    /// The government meal rate: a government mess serves every meal.
    Government,
    /// The proportional meal rate: a government mess serves some meals.
    Proportional,
}

impl fmt::Display for MealRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MealRate::Local => "local",
            MealRate::Government => "government",
            MealRate::Proportional => "proportional",
        })
    }
}

/// Where and how a student stays, which decides the daily living allowance.
///
/// ```
/// use security_assistance::programs::training::{MealRate, Stay};
/// let stay = Stay::Paid { actual_lodging: "101.35".parse()?, meals: MealRate::Local };
/// assert_ne!(stay, Stay::FreeQuartersAndMess);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "stay")]
#[non_exhaustive]
pub enum Stay {
    /// The student pays `actual_lodging` a day (zero in free quarters without a mess) and
    /// eats at the `meals` rate.
    Paid {
        /// Actual lodging and utilities per day.
        actual_lodging: Money,
        /// The meal rate that applies.
        meals: MealRate,
    },
    /// Free government quarters and mess: the incidentals only.
    FreeQuartersAndMess,
}

/// The living-allowance rates for one location from one date: the maximum lodging rate,
/// the meal rates and the special incidentals, with their source. Caller data.
///
/// An entry is in force from `effective_from` until the next entry for the same location
/// in the [`RateTable`].
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::training::{DailyRates, MealRate, Stay};
/// use security_assistance::Citation;
/// let from = NaiveDate::from_ymd_opt(2007, 10, 1).ok_or("date")?;
/// let rates = DailyRates::new("Yorktown, VA", from, "98".parse()?, "64".parse()?,
///     Citation::new("JFTR", "Appendix A"))?;
/// // Lodging above the maximum is capped: 98 + 64 + 11.
/// let stay = Stay::Paid { actual_lodging: "120".parse()?, meals: MealRate::Local };
/// assert_eq!(rates.living_allowance(&stay)?, "173".parse()?);
/// // Free quarters and mess: the incidentals only.
/// assert_eq!(rates.living_allowance(&Stay::FreeQuartersAndMess)?, "11".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyRates {
    location: String,
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    effective_from: NaiveDate,
    max_lodging: Money,
    meals: BTreeMap<MealRate, Money>,
    incidentals: Money,
    source: Citation,
}

impl DailyRates {
    /// Rates for `location` from `effective_from`: `max_lodging` a day, the local meal
    /// rate `local_meals`, and the default incidentals [`IMET_INCIDENTALS_PER_DAY`].
    ///
    /// # Errors
    ///
    /// [`TrainingError::EmptyText`] for an empty location;
    /// [`TrainingError::NegativeAmount`] for a negative rate.
    pub fn new(
        location: &str,
        effective_from: NaiveDate,
        max_lodging: Money,
        local_meals: Money,
        source: Citation,
    ) -> Result<DailyRates, TrainingError> {
        non_empty(TextField::Location, location)?;
        not_negative(AmountField::Lodging, max_lodging)?;
        not_negative(AmountField::Meals, local_meals)?;
        Ok(DailyRates {
            location: location.to_owned(),
            effective_from,
            max_lodging,
            meals: BTreeMap::from([(MealRate::Local, local_meals)]),
            incidentals: IMET_INCIDENTALS_PER_DAY,
            source,
        })
    }

    /// The same rates with the `kind` meal rate set to `amount`.
    ///
    /// # Errors
    ///
    /// [`TrainingError::NegativeAmount`] for a negative amount.
    pub fn with_meal_rate(mut self, kind: MealRate, amount: Money) -> Result<Self, TrainingError> {
        not_negative(AmountField::Meals, amount)?;
        self.meals.insert(kind, amount);
        Ok(self)
    }

    /// The same rates with special incidentals of `amount` a day.
    ///
    /// # Errors
    ///
    /// [`TrainingError::NegativeAmount`] for a negative amount.
    pub fn with_incidentals(mut self, amount: Money) -> Result<Self, TrainingError> {
        not_negative(AmountField::Incidentals, amount)?;
        self.incidentals = amount;
        Ok(self)
    }

    /// The location.
    #[must_use]
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The first day in force.
    #[must_use]
    pub fn effective_from(&self) -> NaiveDate {
        self.effective_from
    }

    /// The maximum lodging rate per day.
    #[must_use]
    pub fn max_lodging(&self) -> Money {
        self.max_lodging
    }

    /// The `kind` meal rate per day, if the entry has one.
    #[must_use]
    pub fn meal_rate(&self, kind: MealRate) -> Option<Money> {
        self.meals.get(&kind).copied()
    }

    /// The special incidentals per day.
    #[must_use]
    pub fn incidentals(&self) -> Money {
        self.incidentals
    }

    /// Where the rates come from.
    #[must_use]
    pub fn source(&self) -> &Citation {
        &self.source
    }

    /// The daily living allowance for `stay` (DOMAIN.md §10 rule 38):
    /// min(actual lodging, maximum lodging) + meal rate + incidentals; with free quarters
    /// and mess, the incidentals only.
    ///
    /// # Errors
    ///
    /// [`TrainingError::NegativeAmount`] for negative actual lodging;
    /// [`TrainingError::NoMealRate`] when the entry lacks the meal rate the stay needs.
    pub fn living_allowance(&self, stay: &Stay) -> Result<Money, TrainingError> {
        match *stay {
            Stay::FreeQuartersAndMess => Ok(self.incidentals),
            Stay::Paid {
                actual_lodging,
                meals,
            } => {
                not_negative(AmountField::Lodging, actual_lodging)?;
                let meal = self
                    .meal_rate(meals)
                    .ok_or_else(|| TrainingError::NoMealRate {
                        location: self.location.clone(),
                        effective_from: self.effective_from,
                        meal_rate: meals,
                    })?;
                Ok(actual_lodging
                    .min(self.max_lodging)
                    .checked_add(meal)?
                    .checked_add(self.incidentals)?)
            }
        }
    }

    /// The allowance's arithmetic in words, for a cost line.
    fn explain(&self, stay: &Stay, daily: Money) -> String {
        match *stay {
            Stay::FreeQuartersAndMess => format!(
                "{daily} a day: free quarters and mess, incidentals only ({} rates from {})",
                self.location, self.effective_from
            ),
            Stay::Paid {
                actual_lodging,
                meals,
            } => format!(
                "{daily} a day = min(lodging {actual_lodging}, maximum {}) + {meals} meals {} + incidentals {} ({} rates from {})",
                self.max_lodging,
                self.meal_rate(meals).unwrap_or(Money::ZERO),
                self.incidentals,
                self.location,
                self.effective_from
            ),
        }
    }
}

/// The caller's effective-dated living-allowance rates, by location.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::training::{DailyRates, RateTable};
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let jftr = || Citation::new("JFTR", "Appendix A");
/// let mut table = RateTable::new();
/// table.add(DailyRates::new("Yorktown, VA", day(2007, 10, 1)?, "98".parse()?, "64".parse()?, jftr())?)?;
/// table.add(DailyRates::new("Yorktown, VA", day(2008, 10, 1)?, "104".parse()?, "66".parse()?, jftr())?)?;
/// assert_eq!(table.in_force("Yorktown, VA", day(2008, 9, 30)?)?.max_lodging(), "98".parse()?);
/// assert_eq!(table.in_force("Yorktown, VA", day(2008, 10, 1)?)?.max_lodging(), "104".parse()?);
/// assert!(table.in_force("Yorktown, VA", day(2007, 9, 30)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<DailyRates>", into = "Vec<DailyRates>")]
pub struct RateTable {
    rates: BTreeMap<(String, NaiveDate), DailyRates>,
}

impl TryFrom<Vec<DailyRates>> for RateTable {
    type Error = TrainingError;

    fn try_from(rates: Vec<DailyRates>) -> Result<RateTable, TrainingError> {
        let mut table = RateTable::new();
        for entry in rates {
            table.add(entry)?;
        }
        Ok(table)
    }
}

impl From<RateTable> for Vec<DailyRates> {
    fn from(table: RateTable) -> Vec<DailyRates> {
        table.rates.into_values().collect()
    }
}

impl RateTable {
    /// An empty table.
    #[must_use]
    pub fn new() -> RateTable {
        RateTable::default()
    }

    /// Adds an entry.
    ///
    /// # Errors
    ///
    /// [`TrainingError::DuplicateRates`] if the table has an entry for the same location
    /// and effective date.
    pub fn add(&mut self, rates: DailyRates) -> Result<(), TrainingError> {
        let key = (rates.location.clone(), rates.effective_from);
        if self.rates.contains_key(&key) {
            return Err(TrainingError::DuplicateRates {
                location: key.0,
                effective_from: key.1,
            });
        }
        self.rates.insert(key, rates);
        Ok(())
    }

    /// The entry for `location` in force on `date`: the latest one effective on or before
    /// it.
    ///
    /// # Errors
    ///
    /// [`TrainingError::NoRatesInForce`] if there is none.
    pub fn in_force(&self, location: &str, date: NaiveDate) -> Result<&DailyRates, TrainingError> {
        self.rates
            .range((location.to_owned(), NaiveDate::MIN)..=(location.to_owned(), date))
            .next_back()
            .map(|(_, rates)| rates)
            .ok_or_else(|| TrainingError::NoRatesInForce {
                location: location.to_owned(),
                date,
            })
    }
}

/// A country on a caller-supplied list from `from` until, not including, `to`, with the
/// source of the listing.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::training::CountryListing;
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let listing = CountryListing::new("JOR".parse()?, day(2007, 10, 1)?, Citation::new("CBJ", "FY2008"))
///     .until(day(2008, 10, 1)?);
/// assert!(listing.covers(day(2008, 9, 30)?));
/// assert!(!listing.covers(day(2008, 10, 1)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryListing {
    /// The country.
    pub country: CountryCode,
    /// The first day listed.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first day no longer listed (`None`: still listed).
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// Where the listing comes from.
    pub source: Citation,
}

impl CountryListing {
    /// `country` listed from `from`, open-ended.
    #[must_use]
    pub fn new(country: CountryCode, from: NaiveDate, source: Citation) -> CountryListing {
        CountryListing {
            country,
            from,
            to: None,
            source,
        }
    }

    /// The same listing, ending on `to` (the first day no longer listed).
    #[must_use]
    pub fn until(mut self, to: NaiveDate) -> CountryListing {
        self.to = Some(to);
        self
    }

    /// `true` if the listing covers `date`.
    #[must_use]
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date < to)
    }
}

/// Why tuition is at incremental cost.
///
/// ```
/// use security_assistance::programs::training::IncrementalReason;
/// assert_eq!(IncrementalReason::HighIncome.to_string(), "a high-income country");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IncrementalReason {
    /// The partner concurrently receives IMET.
    ConcurrentImet,
    /// The partner is a high-income country.
    HighIncome,
    /// Both.
    ConcurrentImetAndHighIncome,
}

impl fmt::Display for IncrementalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IncrementalReason::ConcurrentImet => "concurrently receiving IMET",
            IncrementalReason::HighIncome => "a high-income country",
            IncrementalReason::ConcurrentImetAndHighIncome => {
                "concurrently receiving IMET and a high-income country"
            }
        })
    }
}

/// Whether tuition is at full or incremental cost (DOMAIN.md §10 rule 39).
///
/// ```
/// use security_assistance::programs::training::{IncrementalReason, TuitionBasis};
/// let basis = TuitionBasis::Incremental { reason: IncrementalReason::ConcurrentImet };
/// assert_eq!(basis.to_string(), "incremental cost (concurrently receiving IMET)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "basis")]
#[non_exhaustive]
pub enum TuitionBasis {
    /// Full cost.
    Full,
    /// Incremental (additional) cost.
    Incremental {
        /// Why.
        reason: IncrementalReason,
    },
}

impl fmt::Display for TuitionBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TuitionBasis::Full => f.write_str("full cost"),
            TuitionBasis::Incremental { reason } => write!(f, "incremental cost ({reason})"),
        }
    }
}

/// The caller's data that decides the tuition basis (DOMAIN.md §10 rule 39, AECA
/// 21(a)(1)(C)): the partners concurrently receiving IMET and the high-income countries,
/// each an effective-dated list.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::training::*;
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let pricing = TuitionPricing::new()
///     .with_imet_recipient(CountryListing::new("JOR".parse()?, day(2007, 10, 1)?, Citation::new("CBJ", "FY2008")))
///     .with_high_income(CountryListing::new("SGP".parse()?, day(2007, 7, 1)?, Citation::new("World Bank", "FY2008")));
/// assert_eq!(pricing.basis("JOR".parse()?, day(2008, 3, 3)?),
///     TuitionBasis::Incremental { reason: IncrementalReason::ConcurrentImet });
/// assert_eq!(pricing.basis("BRA".parse()?, day(2008, 3, 3)?), TuitionBasis::Full);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuitionPricing {
    imet_recipients: Vec<CountryListing>,
    high_income: Vec<CountryListing>,
}

impl TuitionPricing {
    /// Empty lists: every partner pays full cost.
    #[must_use]
    pub fn new() -> TuitionPricing {
        TuitionPricing::default()
    }

    /// The same data with a listing of a partner receiving IMET.
    #[must_use]
    pub fn with_imet_recipient(mut self, listing: CountryListing) -> TuitionPricing {
        self.imet_recipients.push(listing);
        self
    }

    /// The same data with a listing of a high-income country.
    #[must_use]
    pub fn with_high_income(mut self, listing: CountryListing) -> TuitionPricing {
        self.high_income.push(listing);
        self
    }

    /// The tuition basis for `partner` on `date`.
    #[must_use]
    pub fn basis(&self, partner: CountryCode, date: NaiveDate) -> TuitionBasis {
        let listed =
            |list: &[CountryListing]| list.iter().any(|l| l.country == partner && l.covers(date));
        match (listed(&self.imet_recipients), listed(&self.high_income)) {
            (true, true) => TuitionBasis::Incremental {
                reason: IncrementalReason::ConcurrentImetAndHighIncome,
            },
            (true, false) => TuitionBasis::Incremental {
                reason: IncrementalReason::ConcurrentImet,
            },
            (false, true) => TuitionBasis::Incremental {
                reason: IncrementalReason::HighIncome,
            },
            (false, false) => TuitionBasis::Full,
        }
    }
}

/// What a cost line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CostItem {
    /// Tuition.
    Tuition,
    /// The student's round trip.
    Travel,
    /// The student's living allowance for a run of days under one rate entry.
    LivingAllowance,
    /// A mobile team's per diem.
    PerDiem,
    /// A mobile team's airfare.
    Airfare,
    /// A mobile team's preparation.
    Preparation,
}

impl fmt::Display for CostItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            CostItem::Tuition => "tuition",
            CostItem::Travel => "travel",
            CostItem::LivingAllowance => "living allowance",
            CostItem::PerDiem => "per diem",
            CostItem::Airfare => "airfare",
            CostItem::Preparation => "preparation",
        })
    }
}

/// One line of a cost build-up: what it is, its arithmetic in words, and its amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostLine {
    item: CostItem,
    explanation: String,
    amount: Money,
}

impl CostLine {
    /// What the line is for.
    #[must_use]
    pub fn item(&self) -> CostItem {
        self.item
    }

    /// How the amount was computed, in words.
    #[must_use]
    pub fn explanation(&self) -> &str {
        &self.explanation
    }

    /// The amount.
    #[must_use]
    pub fn amount(&self) -> Money {
        self.amount
    }
}

/// A cost build-up: its lines and their exact total. Only this module builds one
/// ([`resident_cost`], [`MobileTeam::cost`]); `Display` prints it as a table.
///
/// ```
/// use security_assistance::programs::training::{CostItem, MobileTeam};
/// let team = MobileTeam::new(2, 5, 1, "100".parse()?, "900".parse()?, "300".parse()?)?;
/// let cost = team.cost()?;
/// assert_eq!(cost.lines()[0].item(), CostItem::PerDiem);
/// assert_eq!(cost.total(), "3400".parse()?);
/// assert!(cost.to_string().contains("total"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostBuildUp {
    lines: Vec<CostLine>,
    total: Money,
}

impl CostBuildUp {
    fn of(lines: Vec<CostLine>) -> Result<CostBuildUp, TrainingError> {
        let total = Money::checked_sum(lines.iter().map(CostLine::amount))?;
        Ok(CostBuildUp { lines, total })
    }

    /// The lines, in order.
    #[must_use]
    pub fn lines(&self) -> &[CostLine] {
        &self.lines
    }

    /// The total: the exact sum of the lines.
    #[must_use]
    pub fn total(&self) -> Money {
        self.total
    }

    /// The sum of the lines for `item`.
    ///
    /// # Errors
    ///
    /// [`TrainingError::Money`] only if out of range.
    pub fn total_for(&self, item: CostItem) -> Result<Money, TrainingError> {
        Ok(Money::checked_sum(
            self.lines
                .iter()
                .filter(|l| l.item == item)
                .map(CostLine::amount),
        )?)
    }
}

impl<'de> Deserialize<'de> for CostBuildUp {
    /// Reads the lines and checks the total is their sum.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CostBuildUp, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            lines: Vec<CostLine>,
            total: Money,
        }
        let f = Fields::deserialize(deserializer)?;
        let built = CostBuildUp::of(f.lines).map_err(D::Error::custom)?;
        if built.total != f.total {
            return Err(D::Error::custom(format!(
                "cost build-up total {} is not the sum of its lines, {}",
                f.total, built.total
            )));
        }
        Ok(built)
    }
}

impl fmt::Display for CostBuildUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(
                f,
                "{:<17}{:>16}  {}",
                line.item,
                line.amount.to_string(),
                line.explanation
            )?;
        }
        write!(f, "{:<17}{:>16}", "total", self.total.to_string())
    }
}

/// The cost of one student in a resident course or an international program: tuition on
/// the partner's basis on the start date, round-trip travel, and the living allowance for
/// every day of the course under the rates in force that day.
///
/// The allowance runs from the start date for [`Course::days`] days (travel days are not
/// added; put them in `travel` if the invitational travel order pays them). Days under the
/// same rate entry make one line: a course that runs across a rate change has a line for
/// each entry.
///
/// # Worked example: a four-week resident course with lodging and meals
///
/// Jordan, concurrently receiving IMET, sends a student to the four-week (28-day) MLE-101
/// course at Yorktown, Virginia, starting 2008-09-15. Tuition is $14,250.00 full and
/// $9,870.00 incremental; the round trip costs $1,850.00; the student's lodging costs
/// $101.35 a night and there is no government mess. The (illustrative) rates for Yorktown
/// are a $98.00 maximum lodging rate and a $64.00 local meal rate from 2007-10-01, and
/// $104.00 and $66.00 from 2008-10-01; incidentals are $11.00.
///
/// | line | arithmetic | amount |
/// |---|---|---|
/// | tuition | incremental cost (Jordan concurrently receives IMET) | $9,870.00 |
/// | travel | round trip | $1,850.00 |
/// | living allowance | 2008-09-15 to 2008-09-30: 16 days × (min(101.35, 98.00) + 64.00 + 11.00 = $173.00) | $2,768.00 |
/// | living allowance | 2008-10-01 to 2008-10-12: 12 days × (min(101.35, 104.00) + 66.00 + 11.00 = $178.35) | $2,140.20 |
/// | **total** | | **$16,628.20** |
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::training::*;
/// use security_assistance::Citation;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let course = Course::new("MLE-101".parse()?, "Maritime law enforcement",
///     "USCG Training Center Yorktown", "Yorktown, VA", CourseKind::Resident,
///     CourseLength::Weeks(4), Tuition::new("14250".parse()?, "9870".parse()?)?)?;
/// let jftr = || Citation::new("JFTR", "Appendix A");
/// let mut rates = RateTable::new();
/// rates.add(DailyRates::new("Yorktown, VA", day(2007, 10, 1)?, "98".parse()?, "64".parse()?, jftr())?)?;
/// rates.add(DailyRates::new("Yorktown, VA", day(2008, 10, 1)?, "104".parse()?, "66".parse()?, jftr())?)?;
/// let pricing = TuitionPricing::new().with_imet_recipient(
///     CountryListing::new("JOR".parse()?, day(2007, 10, 1)?, Citation::new("CBJ", "FY2008")));
/// let stay = Stay::Paid { actual_lodging: "101.35".parse()?, meals: MealRate::Local };
///
/// let cost = resident_cost(&course, "JOR".parse()?, day(2008, 9, 15)?, "1850".parse()?,
///     &stay, &pricing, &rates)?;
/// let amounts: Vec<String> = cost.lines().iter().map(|l| l.amount().to_string()).collect();
/// assert_eq!(amounts, ["$9,870.00", "$1,850.00", "$2,768.00", "$2,140.20"]);
/// assert_eq!(cost.total(), "16628.20".parse()?);
/// assert!(cost.lines()[2].explanation().starts_with("2008-09-15 to 2008-09-30: 16 days × $173.00"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`TrainingError::NegativeAmount`] for negative travel or lodging;
/// [`TrainingError::WrongCourseKind`] for a mobile-training-team course;
/// [`TrainingError::NoRatesInForce`] or [`TrainingError::NoMealRate`] when a day of the
/// course has no rates; [`TrainingError::Calendar`] past the calendar's end.
pub fn resident_cost(
    course: &Course,
    partner: CountryCode,
    start: NaiveDate,
    travel: Money,
    stay: &Stay,
    pricing: &TuitionPricing,
    rates: &RateTable,
) -> Result<CostBuildUp, TrainingError> {
    not_negative(AmountField::Travel, travel)?;
    if let Stay::Paid { actual_lodging, .. } = *stay {
        not_negative(AmountField::Lodging, actual_lodging)?;
    }
    course.needs(CourseKindNeed::StudentCourse)?;
    let basis = pricing.basis(partner, start);
    let mut lines = vec![
        CostLine {
            item: CostItem::Tuition,
            explanation: format!("{basis}: {partner} on {start}"),
            amount: course.tuition().for_basis(basis),
        },
        CostLine {
            item: CostItem::Travel,
            explanation: "round trip on the invitational travel order".to_owned(),
            amount: travel,
        },
    ];
    lines.extend(living_allowance_lines(
        course.location(),
        start,
        course.days(),
        stay,
        rates,
    )?);
    CostBuildUp::of(lines)
}

/// One line per run of days under the same rate entry.
fn living_allowance_lines(
    location: &str,
    start: NaiveDate,
    days: u32,
    stay: &Stay,
    rates: &RateTable,
) -> Result<Vec<CostLine>, TrainingError> {
    // (the entry, its first day, its last day, the number of days)
    let mut runs: Vec<(&DailyRates, NaiveDate, NaiveDate, u32)> = Vec::new();
    for k in 0..days {
        let date = start
            .checked_add_days(Days::new(u64::from(k)))
            .ok_or(TrainingError::Calendar)?;
        let entry = rates.in_force(location, date)?;
        match runs.last_mut() {
            Some((current, _, last, count)) if *current == entry => {
                *last = date;
                *count = count.saturating_add(1);
            }
            _ => runs.push((entry, date, date, 1)),
        }
    }
    runs.into_iter()
        .map(|(entry, first, last, count)| {
            let daily = entry.living_allowance(stay)?;
            Ok(CostLine {
                item: CostItem::LivingAllowance,
                explanation: format!(
                    "{first} to {last}: {count} day{} × {}",
                    if count == 1 { "" } else { "s" },
                    entry.explain(stay, daily)
                ),
                amount: daily.checked_mul_int(i64::from(count))?,
            })
        })
        .collect()
}

/// A mobile training team: its size, its days in the partner country, the days it
/// prepares at home station, and its rates (caller data: the per diem of the partner
/// country's locality, the airfare quoted, and the team's cost per member-day of
/// preparation).
///
/// The cost is per diem × members × days in country + airfare × members + preparation
/// rate × members × preparation days; travel days are counted in the days in country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MobileTeam {
    members: u32,
    days_in_country: u32,
    preparation_days: u32,
    per_diem: Money,
    airfare: Money,
    preparation_rate: Money,
}

impl MobileTeam {
    /// A team of `members`, `days_in_country` days in the partner country and
    /// `preparation_days` days of preparation, at `per_diem` per member-day in country,
    /// `airfare` per member and `preparation_rate` per member-day of preparation.
    ///
    /// # Errors
    ///
    /// [`TrainingError::ZeroCount`] for no members or no days in country;
    /// [`TrainingError::NegativeAmount`] for a negative rate.
    ///
    /// ```
    /// use security_assistance::programs::training::MobileTeam;
    /// assert!(MobileTeam::new(0, 10, 2, "187".parse()?, "1265.40".parse()?, "412.50".parse()?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        members: u32,
        days_in_country: u32,
        preparation_days: u32,
        per_diem: Money,
        airfare: Money,
        preparation_rate: Money,
    ) -> Result<MobileTeam, TrainingError> {
        if members == 0 {
            return Err(TrainingError::ZeroCount {
                field: CountField::TeamMembers,
            });
        }
        if days_in_country == 0 {
            return Err(TrainingError::ZeroCount {
                field: CountField::DaysInCountry,
            });
        }
        not_negative(AmountField::PerDiem, per_diem)?;
        not_negative(AmountField::Airfare, airfare)?;
        not_negative(AmountField::Preparation, preparation_rate)?;
        Ok(MobileTeam {
            members,
            days_in_country,
            preparation_days,
            per_diem,
            airfare,
            preparation_rate,
        })
    }

    /// Team members.
    #[must_use]
    pub fn members(&self) -> u32 {
        self.members
    }

    /// Days in the partner country.
    #[must_use]
    pub fn days_in_country(&self) -> u32 {
        self.days_in_country
    }

    /// Preparation days at home station.
    #[must_use]
    pub fn preparation_days(&self) -> u32 {
        self.preparation_days
    }

    /// The team's cost, line by line.
    ///
    /// # Worked example: a ten-day mobile training team
    ///
    /// Three instructors spend ten days in Colombia at a $187.00 per diem, fly at
    /// $1,265.40 each, and prepare for four days at $412.50 per member-day:
    ///
    /// | line | arithmetic | amount |
    /// |---|---|---|
    /// | per diem | 3 members × 10 days × $187.00 | $5,610.00 |
    /// | airfare | 3 members × $1,265.40 | $3,796.20 |
    /// | preparation | 3 members × 4 days × $412.50 | $4,950.00 |
    /// | **total** | | **$14,356.20** |
    ///
    /// ```
    /// use security_assistance::programs::training::MobileTeam;
    /// let team = MobileTeam::new(3, 10, 4, "187".parse()?, "1265.40".parse()?, "412.50".parse()?)?;
    /// let cost = team.cost()?;
    /// let amounts: Vec<String> = cost.lines().iter().map(|l| l.amount().to_string()).collect();
    /// assert_eq!(amounts, ["$5,610.00", "$3,796.20", "$4,950.00"]);
    /// assert_eq!(cost.total(), "14356.20".parse()?);
    /// assert_eq!(cost.lines()[0].explanation(), "3 members × 10 days × $187.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`TrainingError::Money`] only if out of range.
    pub fn cost(&self) -> Result<CostBuildUp, TrainingError> {
        let members = i64::from(self.members);
        // OK because both factors are u32: the product fits in an i64.
        let member_days = members.saturating_mul(i64::from(self.days_in_country));
        let preparation = members.saturating_mul(i64::from(self.preparation_days));
        CostBuildUp::of(vec![
            CostLine {
                item: CostItem::PerDiem,
                explanation: format!(
                    "{} members × {} days × {}",
                    self.members, self.days_in_country, self.per_diem
                ),
                amount: self.per_diem.checked_mul_int(member_days)?,
            },
            CostLine {
                item: CostItem::Airfare,
                explanation: format!("{} members × {}", self.members, self.airfare),
                amount: self.airfare.checked_mul_int(members)?,
            },
            CostLine {
                item: CostItem::Preparation,
                explanation: format!(
                    "{} members × {} days × {}",
                    self.members, self.preparation_days, self.preparation_rate
                ),
                amount: self.preparation_rate.checked_mul_int(preparation)?,
            },
        ])
    }
}

/// Who is trained.
///
/// ```
/// use security_assistance::programs::training::Trainee;
/// let student = Trainee::Student { name: "Capt. A. Haddad".into(), unit: "RJN Coast Guard".into(), civilian: false };
/// let team = Trainee::Unit { name: "ARC Caribe".into() };
/// assert_ne!(student, team);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "trainee")]
#[non_exhaustive]
pub enum Trainee {
    /// One student in a resident course or an international program: the student and
    /// the student's security-force unit are both vetted.
    Student {
        /// The student's name.
        name: String,
        /// The student's security-force unit.
        unit: String,
        /// Whether the student is a civilian.
        civilian: bool,
    },
    /// A unit trained in its country by a mobile training team: the unit is vetted.
    Unit {
        /// The unit's name.
        name: String,
    },
}

impl Trainee {
    fn unit(&self) -> &str {
        match self {
            Trainee::Student { unit, .. } => unit,
            Trainee::Unit { name } => name,
        }
    }

    /// The subjects vetted: the unit, then the student if any.
    fn subjects(&self) -> Vec<Subject> {
        match self {
            Trainee::Student { name, unit, .. } => vec![
                Subject::Unit(unit.clone()),
                Subject::Individual(name.clone()),
            ],
            Trainee::Unit { name } => vec![Subject::Unit(name.clone())],
        }
    }
}

/// Where the vetting of one subject stands, with the date of the answer.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::training::VettingStatus;
/// let on = NaiveDate::from_ymd_opt(2008, 2, 1).ok_or("date")?;
/// assert!(VettingStatus::Cleared { on }.is_cleared_by(on));
/// assert!(!VettingStatus::Cleared { on }.is_cleared_by(on.pred_opt().ok_or("date")?));
/// assert_eq!(VettingStatus::Refused { on }.to_string(), "refused on 2008-02-01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum VettingStatus {
    /// Not yet answered.
    Pending,
    /// Cleared on `on`.
    Cleared {
        /// The date of the clearance.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        on: NaiveDate,
    },
    /// Refused on `on`.
    Refused {
        /// The date of the refusal.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        on: NaiveDate,
    },
}

impl VettingStatus {
    /// `true` if cleared on or before `date`.
    #[must_use]
    pub fn is_cleared_by(self, date: NaiveDate) -> bool {
        match self {
            VettingStatus::Cleared { on } => on <= date,
            VettingStatus::Pending | VettingStatus::Refused { .. } => false,
        }
    }

    /// `true` if refused.
    #[must_use]
    pub fn is_refused(self) -> bool {
        match self {
            VettingStatus::Refused { .. } => true,
            VettingStatus::Pending | VettingStatus::Cleared { .. } => false,
        }
    }
}

impl fmt::Display for VettingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VettingStatus::Pending => f.write_str("pending"),
            VettingStatus::Cleared { on } => write!(f, "cleared on {on}"),
            VettingStatus::Refused { on } => write!(f, "refused on {on}"),
        }
    }
}

/// Why an enrollment's money was released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReleaseReason {
    /// The unit or the student was refused in vetting.
    RefusedInVetting,
    /// The partner withdrew the trainee, or the course could not be funded.
    Withdrawn,
}

impl fmt::Display for ReleaseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReleaseReason::RefusedInVetting => "refused in vetting",
            ReleaseReason::Withdrawn => "withdrawn",
        })
    }
}

/// Where an enrollment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "state")]
#[non_exhaustive]
pub enum EnrollmentState {
    /// The estimate is committed; vetting may be pending.
    Committed,
    /// Obligated after vetting cleared the unit and the student.
    Obligated,
    /// Released: decommitted, or deobligated except what was paid.
    Released {
        /// Why.
        reason: ReleaseReason,
    },
    /// Completed: actual costs paid, the rest deobligated.
    Completed,
}

impl fmt::Display for EnrollmentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnrollmentState::Committed => f.write_str("committed"),
            EnrollmentState::Obligated => f.write_str("obligated"),
            EnrollmentState::Released { reason } => write!(f, "released ({reason})"),
            EnrollmentState::Completed => f.write_str("completed"),
        }
    }
}

/// What a caller asks to enroll: the document, the partner, the course and its start,
/// the trainee, and where the money comes from.
///
/// The allocation charged is the funds holder's training allocation to the partner:
/// `AllocationKey::new(holder, ProgramKind::Training, Some(partner))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    /// The enrollment's document id (the invitational travel order or the team order).
    pub document: DocumentId,
    /// The partner country.
    pub partner: CountryCode,
    /// The course.
    pub course: CourseId,
    /// The first day of the course (of the team's time in country).
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub start: NaiveDate,
    /// Who is trained.
    pub trainee: Trainee,
    /// The account charged.
    pub account: AccountSymbol,
    /// The funds holder whose training allocation to the partner is charged.
    pub holder: FundsHolder,
    /// The date of enrollment: the commitment's date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub enrolled_on: NaiveDate,
}

/// A student's enrollment, or a mobile training team order, from commitment to
/// completion through the ledger's public commands (see the [module](self) docs).
///
/// ```
/// use std::sync::Arc;
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Ledger};
/// use security_assistance::eligibility::{Engine, Facts, RuleSet};
/// use security_assistance::programs::training::*;
/// use security_assistance::ProgramKind;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let account = "011-2008-1081".parse()?;
/// let engine = Arc::new(Engine::new(Facts::new(), RuleSet::builtin()));
/// let mut ledger = Ledger::new(engine.clone());
/// let key = AllocationKey::new("DSCA".parse()?, ProgramKind::Training, Some("JOR".parse()?));
/// for (i, action) in [
///     Action::Appropriate { account, title: "IMET".into(), purposes: vec![ProgramKind::Training],
///         amount: "1000000".parse()?, law: "P.L. 110-161".into() },
///     Action::Apportion { account, category: Apportionment::ByPeriod { from: day(2007, 10, 1)? },
///         amount: "1000000".parse()? },
///     Action::Allot { account, holder: "DSCA".parse()?, amount: "1000000".parse()? },
///     Action::Allocate { account, key, amount: "50000".parse()? },
/// ].into_iter().enumerate() {
///     ledger.apply(Command::new(format!("setup-{i}").parse()?, day(2007, 12, 26)?, "pm".parse()?, action))?;
/// }
/// let mut catalog = CourseCatalog::new();
/// catalog.add(Course::new("MTT-NCO".parse()?, "NCO development", "WHINSEC", "Bogota",
///     CourseKind::MobileTrainingTeam, CourseLength::Days(10),
///     Tuition::new("0".parse()?, "0".parse()?)?)?)?;
/// let estimate = MobileTeam::new(3, 10, 4, "187".parse()?, "1265.40".parse()?, "412.50".parse()?)?.cost()?;
/// let request = EnrollmentRequest {
///     document: "JO-T-MTT1".parse()?, partner: "JOR".parse()?, course: "MTT-NCO".parse()?,
///     start: day(2008, 3, 3)?, trainee: Trainee::Unit { name: "JAF 71st Battalion".into() },
///     account, holder: "DSCA".parse()?, enrolled_on: day(2008, 1, 10)?,
/// };
/// let (mut order, _) = Enrollment::enroll(request, &catalog, estimate, &mut ledger,
///     "e1".parse()?, "pm".parse()?)?;
/// order.vet(engine.as_ref(), day(2008, 2, 1)?)?;
/// order.obligate(&mut ledger, day(2008, 2, 4)?, "e2".parse()?, "pm".parse()?)?;
/// order.pay(&mut ledger, day(2008, 3, 20)?, "13900".parse()?, "e3".parse()?, "pm".parse()?)?;
/// order.complete(&mut ledger, day(2008, 3, 31)?, "e4".parse()?, "pm".parse()?)?;
/// assert_eq!(order.state(), EnrollmentState::Completed);
/// let balance = ledger.obligation(&account, order.document()).ok_or("obligation")?;
/// assert_eq!(balance.obligated, "13900".parse()?); // 14,356.20 less 456.20 deobligated
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrollment {
    document: DocumentId,
    partner: CountryCode,
    course: CourseId,
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    start: NaiveDate,
    trainee: Trainee,
    account: AccountSymbol,
    key: AllocationKey,
    estimate: CostBuildUp,
    state: EnrollmentState,
    unit_vetting: VettingStatus,
    student_vetting: Option<VettingStatus>,
    decision: Option<Decision>,
}

impl Enrollment {
    /// Enrolls the trainee: checks the request against the catalog and commits the
    /// estimate's total in `ledger` as command `id` by `actor`, dated the enrollment date.
    ///
    /// # Errors
    ///
    /// In precedence order: [`TrainingError::EmptyText`] for an empty student or unit name,
    /// [`TrainingError::NotPositive`] for an estimate of zero;
    /// [`TrainingError::UnknownCourse`], [`TrainingError::WrongCourseKind`] (a student in
    /// a mobile-team course or a unit in a student course);
    /// [`TrainingError::CiviliansNotAdmitted`] (DOMAIN.md §10 rule 41);
    /// [`TrainingError::Ledger`] when the ledger refuses the commitment, or
    /// [`TrainingError::DuplicateLedgerCommand`] when `id` was already applied. Nothing
    /// changes on an error.
    pub fn enroll(
        request: EnrollmentRequest,
        catalog: &CourseCatalog,
        estimate: CostBuildUp,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<(Enrollment, Receipt), TrainingError> {
        match &request.trainee {
            Trainee::Student { name, unit, .. } => {
                non_empty(TextField::Student, name)?;
                non_empty(TextField::Unit, unit)?;
            }
            Trainee::Unit { name } => non_empty(TextField::Unit, name)?,
        }
        if !estimate.total().is_positive() {
            return Err(TrainingError::NotPositive {
                field: AmountField::Estimate,
                amount: estimate.total(),
            });
        }
        let course = catalog.get(&request.course)?;
        let student_vetting = match &request.trainee {
            Trainee::Student { civilian, .. } => {
                course.needs(CourseKindNeed::StudentCourse)?;
                if *civilian && !course.admits_civilians() {
                    return Err(TrainingError::CiviliansNotAdmitted {
                        course: course.id().clone(),
                    });
                }
                Some(VettingStatus::Pending)
            }
            Trainee::Unit { .. } => {
                course.needs(CourseKindNeed::MobileTeamCourse)?;
                None
            }
        };
        let key = AllocationKey::new(
            request.holder.clone(),
            ProgramKind::Training,
            Some(request.partner),
        );
        let receipt = post(
            ledger,
            id,
            request.enrolled_on,
            actor,
            Action::Commit {
                account: request.account,
                document: request.document.clone(),
                key: key.clone(),
                amount: estimate.total(),
            },
        )?;
        Ok((
            Enrollment {
                document: request.document,
                partner: request.partner,
                course: request.course,
                start: request.start,
                trainee: request.trainee,
                account: request.account,
                key,
                estimate,
                state: EnrollmentState::Committed,
                unit_vetting: VettingStatus::Pending,
                student_vetting,
                decision: None,
            },
            receipt,
        ))
    }

    /// Vets the unit and, for a student, the student (the Leahy laws, DOMAIN.md §10 rule
    /// 40) with `check` on `date`, records the answer for each, and keeps the decision.
    ///
    /// The request is for training to the partner on `date` with `subjects` = the unit,
    /// then the student, the estimate as amount and the enrollment as document. A subject
    /// named in a finding that blocks (credible information of gross violations, with no
    /// exception) is refused; a blocking finding that names no subject (a partner-wide
    /// prohibition) refuses both; a decision that still requires vetting leaves both
    /// pending; otherwise both are cleared on `date`. Vetting may be repeated while the
    /// enrollment is committed.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`] unless committed.
    pub fn vet(
        &mut self,
        check: &dyn EligibilityCheck,
        date: NaiveDate,
    ) -> Result<&Decision, TrainingError> {
        self.expect_state(TrainingStep::Vet, &[EnrollmentState::Committed])?;
        let mut request = EligibilityRequest::new(self.partner, ProgramKind::Training, date);
        request.known_on = Some(date);
        request.subjects = self.trainee.subjects();
        request.amount = Some(self.estimate.total());
        request.document = Some(self.document.as_str().to_owned());
        let decision = check.decide(&request);
        let (unit, student) = vetting_answers(&decision, &self.trainee, date);
        self.unit_vetting = unit;
        if self.student_vetting.is_some() {
            self.student_vetting = Some(student);
        }
        Ok(self.decision.insert(decision))
    }

    /// Obligates the enrollment from its commitment on `date` (`Action::Obligate`,
    /// `Instrument::Enrollment`, funded by the commitment) as command `id` by `actor`.
    ///
    /// # Errors
    ///
    /// In precedence order: [`TrainingError::WrongState`] unless committed;
    /// [`TrainingError::StartOutsideAvailability`] when the course starts outside the
    /// account's period of availability; [`TrainingError::NotCleared`] unless the unit
    /// and the student were cleared on or before `date`; [`TrainingError::Ledger`] when
    /// the ledger refuses, [`TrainingError::DuplicateLedgerCommand`]. Nothing changes on
    /// an error.
    pub fn obligate(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, TrainingError> {
        self.expect_state(TrainingStep::Obligate, &[EnrollmentState::Committed])?;
        let period = self.account.period();
        if !period.contains(self.start) {
            return Err(TrainingError::StartOutsideAvailability {
                start: self.start,
                account: self.account,
                first_day: period.first_day(),
                last_day: period.last_day(),
            });
        }
        let cleared = self.unit_vetting.is_cleared_by(date)
            && self.student_vetting.is_none_or(|s| s.is_cleared_by(date));
        if !cleared {
            return Err(TrainingError::NotCleared {
                document: self.document.clone(),
                date,
                unit: self.unit_vetting,
                student: self.student_vetting,
            });
        }
        let receipt = post(
            ledger,
            id,
            date,
            actor,
            Action::Obligate {
                account: self.account,
                document: self.document.clone(),
                instrument: Instrument::Enrollment,
                funding: Funding::Commitment,
                amount: self.estimate.total(),
                object_class: None,
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
        )?;
        self.state = EnrollmentState::Obligated;
        Ok(receipt)
    }

    /// Pays `amount` of actual cost on `date` (`Action::Disburse`) as command `id`.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`] unless obligated; [`TrainingError::NotPositive`];
    /// [`TrainingError::PaymentAboveUnpaid`] above what is obligated and unpaid;
    /// [`TrainingError::Ledger`] when the ledger refuses,
    /// [`TrainingError::DuplicateLedgerCommand`].
    pub fn pay(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        amount: Money,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, TrainingError> {
        self.expect_state(TrainingStep::Pay, &[EnrollmentState::Obligated])?;
        if !amount.is_positive() {
            return Err(TrainingError::NotPositive {
                field: AmountField::Payment,
                amount,
            });
        }
        let unpaid = self.unpaid(ledger)?;
        if amount > unpaid {
            return Err(TrainingError::PaymentAboveUnpaid {
                document: self.document.clone(),
                requested: amount,
                unpaid,
            });
        }
        post(
            ledger,
            id,
            date,
            actor,
            Action::Disburse {
                account: self.account,
                document: self.document.clone(),
                amount,
            },
        )
    }

    /// Completes the enrollment on `date`: deobligates what was obligated and not paid
    /// (`Action::AdjustObligation`, negative) as command `id`. Returns `None`, with no
    /// command, when everything obligated was paid.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`] unless obligated; [`TrainingError::Ledger`],
    /// [`TrainingError::DuplicateLedgerCommand`].
    pub fn complete(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Option<Receipt>, TrainingError> {
        self.expect_state(TrainingStep::Complete, &[EnrollmentState::Obligated])?;
        let receipt = self.deobligate_unpaid(ledger, date, id, actor)?;
        self.state = EnrollmentState::Completed;
        Ok(receipt)
    }

    /// Releases the money of an enrollment refused in vetting or withdrawn, on `date`, as
    /// command `id`: a committed enrollment is decommitted in full
    /// (`Action::Decommit`); an obligated one is deobligated except what was already paid
    /// (`Action::AdjustObligation`), with no command when nothing is left.
    ///
    /// # Errors
    ///
    /// [`TrainingError::WrongState`] once released or completed;
    /// [`TrainingError::NotRefused`] for [`ReleaseReason::RefusedInVetting`] when neither
    /// the unit nor the student was refused; [`TrainingError::Ledger`],
    /// [`TrainingError::DuplicateLedgerCommand`].
    pub fn release(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        reason: ReleaseReason,
        id: CommandId,
        actor: Actor,
    ) -> Result<Option<Receipt>, TrainingError> {
        self.expect_state(
            TrainingStep::Release,
            &[EnrollmentState::Committed, EnrollmentState::Obligated],
        )?;
        let refused = self.unit_vetting.is_refused()
            || self.student_vetting.is_some_and(VettingStatus::is_refused);
        match reason {
            ReleaseReason::RefusedInVetting if !refused => {
                return Err(TrainingError::NotRefused {
                    document: self.document.clone(),
                });
            }
            ReleaseReason::RefusedInVetting | ReleaseReason::Withdrawn => {}
        }
        let receipt = if self.state == EnrollmentState::Committed {
            Some(post(
                ledger,
                id,
                date,
                actor,
                Action::Decommit {
                    account: self.account,
                    document: self.document.clone(),
                    amount: self.estimate.total(),
                },
            )?)
        } else {
            self.deobligate_unpaid(ledger, date, id, actor)?
        };
        self.state = EnrollmentState::Released { reason };
        Ok(receipt)
    }

    fn deobligate_unpaid(
        &self,
        ledger: &mut Ledger,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Option<Receipt>, TrainingError> {
        let unpaid = self.unpaid(ledger)?;
        if !unpaid.is_positive() {
            return Ok(None);
        }
        Ok(Some(post(
            ledger,
            id,
            date,
            actor,
            Action::AdjustObligation {
                account: self.account,
                document: self.document.clone(),
                amount: unpaid.checked_neg()?,
            },
        )?))
    }

    /// What the ledger holds obligated and not yet paid on this enrollment.
    fn unpaid(&self, ledger: &Ledger) -> Result<Money, TrainingError> {
        let balance = ledger.obligation(&self.account, &self.document).ok_or(
            BudgetError::UnknownObligation {
                account: self.account,
                document: self.document.clone(),
            },
        )?;
        Ok(balance.obligated.checked_sub(balance.disbursed)?)
    }

    fn expect_state(
        &self,
        step: TrainingStep,
        allowed: &[EnrollmentState],
    ) -> Result<(), TrainingError> {
        if allowed.contains(&self.state) {
            Ok(())
        } else {
            Err(TrainingError::WrongState {
                document: self.document.clone(),
                state: self.state,
                step,
            })
        }
    }

    /// The enrollment's document id: the commitment's and the obligation's.
    #[must_use]
    pub fn document(&self) -> &DocumentId {
        &self.document
    }

    /// The partner country.
    #[must_use]
    pub fn partner(&self) -> CountryCode {
        self.partner
    }

    /// The course.
    #[must_use]
    pub fn course(&self) -> &CourseId {
        &self.course
    }

    /// The first day of the course.
    #[must_use]
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Who is trained.
    #[must_use]
    pub fn trainee(&self) -> &Trainee {
        &self.trainee
    }

    /// The account charged.
    #[must_use]
    pub fn account(&self) -> AccountSymbol {
        self.account
    }

    /// The allocation charged.
    #[must_use]
    pub fn key(&self) -> &AllocationKey {
        &self.key
    }

    /// The estimate committed and obligated, line by line.
    #[must_use]
    pub fn estimate(&self) -> &CostBuildUp {
        &self.estimate
    }

    /// Where the enrollment stands.
    #[must_use]
    pub fn state(&self) -> EnrollmentState {
        self.state
    }

    /// The unit's vetting.
    #[must_use]
    pub fn unit_vetting(&self) -> VettingStatus {
        self.unit_vetting
    }

    /// The student's vetting; `None` for a unit trained by a mobile team.
    #[must_use]
    pub fn student_vetting(&self) -> Option<VettingStatus> {
        self.student_vetting
    }

    /// The latest vetting decision, with every finding.
    #[must_use]
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }
}

/// The answers for the unit and the student from a vetting decision (see
/// [`Enrollment::vet`]).
fn vetting_answers(
    decision: &Decision,
    trainee: &Trainee,
    date: NaiveDate,
) -> (VettingStatus, VettingStatus) {
    let blocking: Vec<_> = decision.findings().iter().filter(|f| f.blocks()).collect();
    if !blocking.is_empty() {
        let names = |subject: &Subject| {
            blocking.iter().any(|f| {
                f.facts.iter().any(|fact| {
                    matches!(&fact.kind, FactKind::GrossViolations { subject: s } if s == subject)
                })
            })
        };
        let partner_wide = blocking.iter().any(|f| {
            !f.facts
                .iter()
                .any(|fact| matches!(fact.kind, FactKind::GrossViolations { .. }))
        });
        let unit = Subject::Unit(trainee.unit().to_owned());
        let unit_refused = partner_wide || names(&unit);
        let student_refused = partner_wide
            || match trainee {
                Trainee::Student { name, .. } => names(&Subject::Individual(name.clone())),
                Trainee::Unit { .. } => false,
            };
        let answer = |refused: bool| {
            if refused {
                VettingStatus::Refused { on: date }
            } else {
                VettingStatus::Cleared { on: date }
            }
        };
        // A blocking decision refuses somebody: if no finding names either subject (a
        // custom check), both are refused.
        if !unit_refused && !student_refused {
            return (
                VettingStatus::Refused { on: date },
                VettingStatus::Refused { on: date },
            );
        }
        return (answer(unit_refused), answer(student_refused));
    }
    let still_required = decision
        .required_actions()
        .iter()
        .any(|a| matches!(a, RequiredAction::Vetting));
    if still_required {
        return (VettingStatus::Pending, VettingStatus::Pending);
    }
    (
        VettingStatus::Cleared { on: date },
        VettingStatus::Cleared { on: date },
    )
}

/// Applies one command; a duplicate id is an error rather than a silent no-op.
fn post(
    ledger: &mut Ledger,
    id: CommandId,
    date: NaiveDate,
    actor: Actor,
    action: Action,
) -> Result<Receipt, TrainingError> {
    super::post(ledger, Command::new(id, date, actor, action))
}

fn non_empty(field: TextField, text: &str) -> Result<(), TrainingError> {
    if text.trim().is_empty() {
        Err(TrainingError::EmptyText { field })
    } else {
        Ok(())
    }
}

fn not_negative(field: AmountField, amount: Money) -> Result<(), TrainingError> {
    if amount.is_negative() {
        Err(TrainingError::NegativeAmount { field, amount })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
