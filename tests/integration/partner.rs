//! Partner countries through the public API only: codes, regions and dated groups.

use std::collections::{BTreeSet, HashSet};

use chrono::{Days, NaiveDate};
use security_assistance::{CountryCode, Group, Region};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn code(alpha3: &str) -> CountryCode {
    alpha3.parse().unwrap()
}

#[test]
fn the_table_holds_every_iso_entry_and_kosovo_once() {
    let all: Vec<CountryCode> = CountryCode::all().collect();
    assert_eq!(all.len(), 250);
    let alpha3: HashSet<&str> = all.iter().map(|c| c.alpha3()).collect();
    let alpha2: HashSet<&str> = all.iter().map(|c| c.alpha2()).collect();
    let numeric: HashSet<u16> = all.iter().filter_map(|c| c.numeric()).collect();
    assert_eq!(alpha3.len(), 250);
    assert_eq!(alpha2.len(), 250);
    assert_eq!(
        numeric.len(),
        249,
        "every entry but Kosovo has a distinct numeric code"
    );
    assert!(alpha3.contains("XKX"));
    // `all` is sorted, and `Ord` agrees with alphabetical order.
    assert!(
        all.windows(2)
            .all(|w| w[0] < w[1] && w[0].alpha3() < w[1].alpha3())
    );
}

#[test]
fn every_code_round_trips_through_text_and_json() {
    for country in CountryCode::all() {
        assert_eq!(country.to_string().parse::<CountryCode>().unwrap(), country);
        assert_eq!(
            country
                .alpha3()
                .to_lowercase()
                .parse::<CountryCode>()
                .unwrap(),
            country
        );
        assert_eq!(CountryCode::from_alpha2(country.alpha2()).unwrap(), country);
        assert_eq!(
            CountryCode::from_alpha2(&country.alpha2().to_lowercase()).unwrap(),
            country
        );
        let json = serde_json::to_string(&country).unwrap();
        assert_eq!(json, format!("\"{}\"", country.alpha3()));
        assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap(), country);
        assert!(!country.name().is_empty());
        assert!(Region::ALL.contains(&country.region()));
    }
}

#[test]
fn invalid_codes_are_refused() {
    for bad in ["ZZZ", "", "JO", "JORD", "J0R", "jo r", "UK"] {
        let err = bad.parse::<CountryCode>().unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("unknown country code"), "{message}");
        assert!(
            message.contains("JOR"),
            "the message shows an example: {message}"
        );
        assert!(!message.ends_with('.'));
    }
    assert!(serde_json::from_str::<CountryCode>("\"ZZZ\"").is_err());
    assert!(serde_json::from_str::<CountryCode>("400").is_err());
    assert!(CountryCode::from_alpha2("UK").is_err());
}

#[test]
fn a_map_keyed_by_country_survives_json() {
    let map: std::collections::BTreeMap<CountryCode, u32> =
        [(code("JOR"), 1), (code("EGY"), 2), (code("XKX"), 3)]
            .into_iter()
            .collect();
    let json = serde_json::to_string(&map).unwrap();
    assert_eq!(json, r#"{"EGY":2,"JOR":1,"XKX":3}"#);
    let back: std::collections::BTreeMap<CountryCode, u32> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, map);
}

#[test]
fn regions_match_the_state_department() {
    assert_eq!(code("JOR").region(), Region::NearEast);
    assert_eq!(code("EGY").region(), Region::NearEast);
    assert_eq!(code("MAR").region(), Region::NearEast);
    assert_eq!(code("AFG").region(), Region::SouthCentralAsia);
    assert_eq!(code("UZB").region(), Region::SouthCentralAsia);
    assert_eq!(code("TUR").region(), Region::EuropeEurasia);
    assert_eq!(code("GRL").region(), Region::EuropeEurasia);
    assert_eq!(code("PRI").region(), Region::WesternHemisphere);
    assert_eq!(code("PYF").region(), Region::EastAsiaPacific);
    assert_eq!(code("NGA").region(), Region::Africa);
    for region in Region::ALL {
        assert_eq!(region.abbreviation().parse::<Region>().unwrap(), region);
        let json = serde_json::to_string(&region).unwrap();
        assert_eq!(serde_json::from_str::<Region>(&json).unwrap(), region);
        assert!(CountryCode::all().any(|c| c.region() == region));
    }
    assert_eq!(Region::WesternHemisphere.abbreviation(), "WHA");
    assert_eq!(
        serde_json::to_string(&Region::SouthCentralAsia).unwrap(),
        "\"south_central_asia\""
    );
}

#[test]
fn nato_on_the_day_before_of_and_after_each_accession() {
    let accessions: Vec<(CountryCode, NaiveDate)> = Group::Nato
        .memberships()
        .map(|row| (row.country(), row.from()))
        .collect();
    assert_eq!(accessions.len(), 32);
    for (country, from) in accessions {
        let before = from.checked_sub_days(Days::new(1)).unwrap();
        let after = from.checked_add_days(Days::new(1)).unwrap();
        assert!(
            !Group::Nato.is_member(country, before),
            "{country} on {before}"
        );
        assert!(Group::Nato.is_member(country, from), "{country} on {from}");
        assert!(
            Group::Nato.is_member(country, after),
            "{country} on {after}"
        );
    }
    assert!(Group::Nato.is_member(code("FIN"), day(2023, 4, 4)));
    assert!(!Group::Nato.is_member(code("FIN"), day(2023, 4, 3)));
    assert!(Group::Nato.is_member(code("SWE"), day(2024, 3, 7)));
    assert!(!Group::Nato.is_member(code("SWE"), day(2024, 3, 6)));
    assert_eq!(Group::Nato.members_on(day(1949, 8, 24)).count(), 12);
    assert_eq!(Group::Nato.members_on(day(2025, 1, 1)).count(), 32);
}

#[test]
fn major_non_nato_allies_over_time() {
    let mnna = Group::MajorNonNatoAlly;
    let afghanistan = code("AFG");
    let row = mnna
        .memberships()
        .find(|r| r.country() == afghanistan)
        .unwrap();
    let revoked = row.to().unwrap();
    assert!(mnna.is_member(afghanistan, revoked.pred_opt().unwrap()));
    assert!(!mnna.is_member(afghanistan, revoked));
    assert!(mnna.is_member(code("JOR"), day(2008, 3, 1)));
    assert!(
        !mnna.is_member(code("GBR"), day(2008, 3, 1)),
        "NATO members are not MNNAs"
    );
    let members: BTreeSet<&str> = mnna
        .members_on(day(2025, 1, 1))
        .map(|c| c.alpha3())
        .collect();
    for expected in [
        "ARG", "AUS", "BRA", "COL", "EGY", "ISR", "JPN", "KEN", "KOR", "QAT",
    ] {
        assert!(members.contains(expected), "{expected}");
    }
    assert!(!members.contains("AFG"));
}

#[test]
fn aeca_36b_favored_group() {
    let favored = Group::Aeca36bFavored;
    assert!(!favored.is_member(code("KOR"), day(2008, 10, 14)));
    assert!(favored.is_member(code("KOR"), day(2008, 10, 15)));
    assert!(!favored.is_member(code("ISR"), day(2010, 10, 7)));
    assert!(favored.is_member(code("ISR"), day(2010, 10, 8)));
    for year in [1990, 2000, 2008, 2010, 2024] {
        assert!(favored.is_member(code("GBR"), day(year, 6, 30)));
        assert!(favored.is_member(code("JPN"), day(year, 6, 30)));
        assert!(!favored.is_member(code("EGY"), day(year, 6, 30)));
    }
    // A NATO member is favored exactly while it is a NATO member.
    assert!(!favored.is_member(code("SWE"), day(2024, 3, 6)));
    assert!(favored.is_member(code("SWE"), day(2024, 3, 7)));
    let evidence = favored.membership_on(code("SWE"), day(2024, 3, 7)).unwrap();
    assert_eq!(evidence.group(), Group::Nato);
    assert!(!evidence.source().is_empty());
}

#[test]
fn every_membership_row_has_a_source() {
    for group in Group::ALL {
        for row in group.memberships() {
            assert_eq!(row.group(), group);
            assert!(!row.source().is_empty());
            if !row.is_confirmed() {
                assert!(
                    row.source().starts_with("partly confirmed:")
                        || row.source().starts_with("unconfirmed:"),
                    "{row:?}"
                );
            }
        }
    }
    let json = serde_json::to_string(&Group::MajorNonNatoAlly).unwrap();
    assert_eq!(json, "\"major_non_nato_ally\"");
    assert_eq!(
        serde_json::from_str::<Group>(&json).unwrap(),
        Group::MajorNonNatoAlly
    );
}
