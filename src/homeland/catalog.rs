//! The menu of goods and services.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::CatalogError;
use super::standards::{StandardRef, Standards, valid_id};
use super::{Agency, Delivery, Domain, MissionArea};
use crate::money::Money;

/// What kind of good or service an offering is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// Equipment.
    Equipment,
    /// Logistics.
    Logistics,
    /// Training.
    Training,
    /// Technical support.
    TechnicalSupport,
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Category::Equipment => "equipment",
            Category::Logistics => "logistics",
            Category::Training => "training",
            Category::TechnicalSupport => "technical support",
        })
    }
}

/// One good or service on the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offering {
    /// A short unique id, such as `"USCG-PORT-VESSEL"`.
    pub id: String,
    /// A readable name.
    pub name: String,
    /// Equipment, logistics, training or technical support.
    pub category: Category,
    /// The mission area it serves.
    pub mission: MissionArea,
    /// The domain it serves.
    pub domain: Domain,
    /// The agency that delivers it.
    pub agency: Agency,
    /// The cost of one unit.
    pub unit_cost: Money,
    /// How it is delivered.
    pub delivery: Delivery,
    /// The international standards it builds toward, with the part of each where known
    /// (empty, and absent from JSON, when it builds toward none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<StandardRef>,
}

/// The menu: a validated list of offerings, kept sorted by id, whose references to
/// standards name standards of the table it was validated against.
///
/// ```
/// use security_assistance::homeland::{Agency, Catalog, Category, Delivery, Domain, MissionArea, Offering, StandardRef, Standards};
///
/// let standards = Standards::builtin();
/// let catalog = Catalog::new(vec![Offering {
///     id: "TSA-SCREEN".into(),
///     name: "passenger screening course".into(),
///     category: Category::Training,
///     mission: MissionArea::AviationSecurity,
///     domain: Domain::Air,
///     agency: Agency::TransportationSecurityAdministration,
///     unit_cost: "12500".parse()?,
///     delivery: Delivery::Enrollment,
///     standards: vec![StandardRef::to("ICAO-ANNEX-17").part("chapter 4")],
/// }], &standards)?;
/// let json = catalog.to_json()?;
/// assert_eq!(Catalog::from_json(&json, &standards)?, catalog);
/// assert!(Catalog::from_json(r#"{"offerings": [{"id": ""}]}"#, &standards).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    offerings: Vec<Offering>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    offerings: Vec<Offering>,
}

impl Catalog {
    /// The longest offering id.
    pub const ID_MAX: usize = 32;

    /// A catalog of `offerings`, validated against the table of `standards` and sorted by
    /// id.
    ///
    /// # Errors
    ///
    /// In this order, for the first offering (in the given order) that fails:
    /// [`CatalogError::InvalidId`] unless the id has 1 to [`Catalog::ID_MAX`] ASCII
    /// letters, digits, `-` or `_`; [`CatalogError::NonPositiveCost`] unless the unit cost
    /// is positive; [`CatalogError::DomainMismatch`] unless the domain fits the mission area
    /// ([`Domain::fits`]); [`CatalogError::UnknownStandard`] (naming the table's ids) for a
    /// reference to a standard not in `standards`, [`CatalogError::StandardMissionMismatch`]
    /// for one whose standard does not serve the offering's mission area; then
    /// [`CatalogError::DuplicateId`] for the first repeated id.
    ///
    /// ```
    /// use security_assistance::homeland::{Agency, Catalog, CatalogError, Category, Delivery, Domain, MissionArea, Offering, StandardRef, Standards};
    /// use security_assistance::Money;
    ///
    /// let mut bad = Offering {
    ///     id: "CBP-X".into(), name: "x".into(), category: Category::Equipment,
    ///     mission: MissionArea::BorderControl, domain: Domain::Land,
    ///     agency: Agency::CustomsAndBorderProtection, unit_cost: Money::ZERO,
    ///     delivery: Delivery::Grant, standards: Vec::new(),
    /// };
    /// let standards = Standards::builtin();
    /// assert!(matches!(Catalog::new(vec![bad.clone()], &standards), Err(CatalogError::NonPositiveCost { .. })));
    /// bad.unit_cost = "100".parse()?;
    /// bad.standards = vec![StandardRef::to("WCO-SAFE-2005")];
    /// let err = Catalog::new(vec![bad], &standards).unwrap_err();
    /// assert!(matches!(err, CatalogError::UnknownStandard { ref known, .. } if known.contains(&"WCO-SAFE".to_owned())));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        mut offerings: Vec<Offering>,
        standards: &Standards,
    ) -> Result<Catalog, CatalogError> {
        for o in &offerings {
            if !valid_id(&o.id, Catalog::ID_MAX) {
                return Err(CatalogError::InvalidId {
                    id: o.id.clone(),
                    max: Catalog::ID_MAX,
                });
            }
            if !o.unit_cost.is_positive() {
                return Err(CatalogError::NonPositiveCost {
                    id: o.id.clone(),
                    cost: o.unit_cost,
                });
            }
            if !o.domain.fits(o.mission) {
                return Err(CatalogError::DomainMismatch {
                    id: o.id.clone(),
                    mission: o.mission,
                    domain: o.domain,
                });
            }
            for r in &o.standards {
                let Some(standard) = standards.get(&r.standard) else {
                    return Err(CatalogError::UnknownStandard {
                        offering: o.id.clone(),
                        standard: r.standard.clone(),
                        known: standards.ids(),
                    });
                };
                if !standard.serves(o.mission) {
                    return Err(CatalogError::StandardMissionMismatch {
                        offering: o.id.clone(),
                        standard: r.standard.clone(),
                        mission: o.mission,
                    });
                }
            }
        }
        let mut seen = BTreeSet::new();
        for o in &offerings {
            if !seen.insert(o.id.as_str()) {
                return Err(CatalogError::DuplicateId { id: o.id.clone() });
            }
        }
        offerings.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalog { offerings })
    }

    /// Loads a catalog from JSON of the form `{"offerings": [...]}` and validates it as
    /// [`Catalog::new`] does against `standards`. An offering without `"standards"` builds
    /// toward none (catalogs written before standards were modeled still load).
    ///
    /// # Errors
    ///
    /// [`CatalogError::Json`] if the text is not such JSON (unknown fields, unknown enum
    /// names and malformed amounts included), then the errors of [`Catalog::new`].
    ///
    /// ```
    /// use security_assistance::homeland::{Catalog, CatalogError, Standards};
    /// let err = Catalog::from_json("{\"offerings\": 3}", &Standards::builtin()).unwrap_err();
    /// assert!(matches!(&err, CatalogError::Json(cause) if cause.line() == Some(1)));
    /// ```
    pub fn from_json(text: &str, standards: &Standards) -> Result<Catalog, CatalogError> {
        let raw: RawCatalog = serde_json::from_str(text)
            .map_err(|e| CatalogError::Json(crate::wire::Cause::json(&e)))?;
        Catalog::new(raw.offerings, standards)
    }

    /// The catalog as pretty-printed JSON, offerings sorted by id.
    ///
    /// # Errors
    ///
    /// [`CatalogError::Json`] if serialization fails (it does not for valid catalogs).
    pub fn to_json(&self) -> Result<String, CatalogError> {
        serde_json::to_string_pretty(self)
            .map_err(|e| CatalogError::Json(crate::wire::Cause::json(&e)))
    }

    /// The offerings, sorted by id.
    #[must_use]
    pub fn offerings(&self) -> &[Offering] {
        &self.offerings
    }

    /// The offering with `id`, if any.
    ///
    /// ```
    /// use security_assistance::homeland::Catalog;
    /// let catalog = Catalog::new(Vec::new(), &security_assistance::homeland::Standards::builtin())?;
    /// assert!(catalog.get("TSA-SCREEN").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Offering> {
        self.offerings
            .binary_search_by(|o| o.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.offerings.get(i))
    }
}
