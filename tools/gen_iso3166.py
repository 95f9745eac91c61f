#!/usr/bin/env python3
"""Generate src/partner/iso3166.rs: the ISO 3166-1 table with State Department regions.

Usage (from the repository root):

    pip install pycountry
    python3 tools/gen_iso3166.py > src/partner/iso3166.rs

Source of codes, numeric codes and English short names: the `pycountry` package, which
ships the Debian `iso-codes` database of ISO 3166-1 (every officially assigned entry; 249
at the time of writing). The package version is written into the generated file's header,
so a regenerated file shows in review which data release it came from. The table is
checked in; nothing is fetched at build time.

Added by hand (not in ISO 3166-1): Kosovo, `XKX` / `XK`, a user-assigned code that the
European Commission, the IMF and US foreign-assistance data use. It has no numeric code.

Regions are the six regional bureaus of the US Department of State (AF, EAP, EUR, NEA,
SCA, WHA), as listed below. Independent states follow the bureau that handles them, which
differs from plain geography in places: Egypt, Libya, Tunisia, Algeria, Morocco and
Western Sahara are NEA (not AF); Israel and the Palestinian territories are NEA; Iran is
NEA; the five Central Asian states are SCA; Turkey, Cyprus, Russia, Georgia, Armenia and
Azerbaijan are EUR; Canada is WHA; Mauritania and Sudan are AF.

Dependent territories have no desk of their own; each is put with the bureau whose
geographic region contains it, whose posts and regional programmes reach it:
  - Caribbean and South Atlantic territories (Puerto Rico, US Virgin Islands, the British,
    Dutch and French Caribbean, Bermuda, Falklands, South Georgia): WHA.
  - Pacific territories (Guam, American Samoa, Northern Marianas, the US Minor Outlying
    Islands, French Polynesia, New Caledonia, Wallis and Futuna, Cook Islands, Niue,
    Tokelau, Pitcairn, Norfolk, Christmas and Cocos Islands, Heard and McDonald Islands),
    Hong Kong and Macao: EAP.
  - Greenland, the Faroe Islands, Svalbard and Jan Mayen, Aland, Gibraltar and the Crown
    Dependencies (Guernsey, Jersey, Isle of Man): EUR.
  - Reunion, Mayotte, Saint Helena/Ascension/Tristan da Cunha, the French Southern
    Territories and Bouvet Island (South Atlantic, south of Africa): AF.
  - British Indian Ocean Territory (Chagos Archipelago, beside the Maldives): SCA.
  - Antarctica: no regional bureau covers it (the Bureau of Oceans and International
    Environmental and Scientific Affairs handles the Antarctic Treaty). We put it in EAP,
    because the US Antarctic Program's main gateway (McMurdo and South Pole stations) is
    Christchurch, New Zealand. This is a choice, not a State Department assignment.
"""
import sys

import pycountry

AF = """
AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COD COG CIV DJI GNQ ERI SWZ ETH GAB GMB GHA GIN
GNB KEN LSO LBR MDG MWI MLI MRT MUS MOZ NAM NER NGA RWA STP SEN SYC SLE SOM ZAF SSD SDN
TZA TGO UGA ZMB ZWE
REU MYT SHN ATF BVT
"""
NEA = """
DZA BHR EGY IRN IRQ ISR JOR KWT LBN LBY MAR OMN PSE QAT SAU SYR TUN ARE YEM
ESH
"""
SCA = """
AFG BGD BTN IND KAZ KGZ MDV NPL PAK LKA TJK TKM UZB
IOT
"""
EUR = """
ALB AND ARM AUT AZE BLR BEL BIH BGR HRV CYP CZE DNK EST FIN FRA GEO DEU GRC VAT HUN ISL
IRL ITA XKX LVA LIE LTU LUX MLT MDA MCO MNE NLD MKD NOR POL PRT ROU RUS SMR SRB SVK SVN
ESP SWE CHE TUR UKR GBR
ALA FRO GRL GIB GGY IMN JEY SJM
"""
EAP = """
AUS BRN KHM CHN FJI IDN JPN KIR PRK KOR LAO MYS MHL FSM MNG MMR NRU NZL PLW PNG PHL WSM
SGP SLB TWN THA TLS TON TUV VUT VNM
ASM GUM MNP UMI PYF NCL WLF COK NIU TKL PCN NFK CXR CCK HMD HKG MAC
ATA
"""
WHA = """
ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM
MEX NIC PAN PRY PER KNA LCA VCT SUR TTO USA URY VEN
AIA ABW BES BMU VGB CYM CUW FLK GUF GLP MTQ MSR PRI BLM MAF SPM SXM SGS TCA VIR
"""

REGIONS = [
    ("AF", "Africa", AF),
    ("EAP", "EastAsiaPacific", EAP),
    ("EUR", "EuropeEurasia", EUR),
    ("NEA", "NearEast", NEA),
    ("SCA", "SouthCentralAsia", SCA),
    ("WHA", "WesternHemisphere", WHA),
]

KOSOVO = ("XKX", "XK", None, "Kosovo")


def rust_str(text):
    """A Rust string literal (names are plain text; escape quotes and backslashes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    region = {}
    for abbreviation, _variant, codes in REGIONS:
        for code in codes.split():
            if code in region:
                sys.exit(f"{code} is listed in both {region[code]} and {abbreviation}")
            region[code] = abbreviation

    rows = [(c.alpha_3, c.alpha_2, int(c.numeric), c.name) for c in pycountry.countries]
    official = len(rows)
    rows.append(KOSOVO)
    rows.sort()

    missing = [r[0] for r in rows if r[0] not in region]
    unknown = sorted(set(region) - {r[0] for r in rows})
    if missing or unknown:
        sys.exit(f"regions do not match the table: missing {missing}, unknown {unknown}")
    if len(rows) > 256:
        sys.exit("CountryCode stores a u8 index: the table must have at most 256 rows")
    for column in (0, 1):
        values = [r[column] for r in rows]
        if len(set(values)) != len(values):
            sys.exit(f"duplicate codes in column {column}")

    try:
        from importlib.metadata import version

        source_version = version("pycountry")
    except Exception:  # pragma: no cover - metadata missing
        source_version = "unknown"

    out = []
    out.append(f"// @generated by tools/gen_iso3166.py from pycountry {source_version}")
    out.append("// (the Debian iso-codes database of ISO 3166-1); do not edit by hand.")
    out.append("")
    out.append(
        f"//! The ISO 3166-1 table: all {official} officially assigned entries plus Kosovo's"
    )
    out.append("//! user-assigned `XKX`, sorted by alpha-3, each with its State Department region.")
    out.append("")
    out.append("use super::country::Country;")
    out.append("use super::region::Region::{")
    out.append("    Africa as AF, EastAsiaPacific as EAP, EuropeEurasia as EUR, NearEast as NEA,")
    out.append("    SouthCentralAsia as SCA, WesternHemisphere as WHA,")
    out.append("};")
    out.append("")
    out.append("/// Every country, sorted by alpha-3 (a [`CountryCode`](super::CountryCode) is an")
    out.append("/// index into this array).")
    out.append(f"pub(super) static COUNTRIES: [Country; {len(rows)}] = TABLE;")
    out.append("")
    out.append("/// The rows of [`COUNTRIES`] as a constant, for lookups at compile time.")
    out.append("#[rustfmt::skip]")
    out.append(f"pub(super) const TABLE: [Country; {len(rows)}] = [")
    for a3, a2, num, name in rows:
        numeric = "None" if num is None else f"Some({num})"
        out.append(
            f'    Country::new("{a3}", "{a2}", {numeric}, {rust_str(name)}, {region[a3]}),'
        )
    out.append("];")
    out.append("")
    out.append("/// Alpha-2 codes, sorted, each with its row's index in [`COUNTRIES`].")
    out.append("#[rustfmt::skip]")
    out.append(f"pub(super) static BY_ALPHA2: [(&str, u8); {len(rows)}] = [")
    for a2, index in sorted((r[1], i) for i, r in enumerate(rows)):
        out.append(f'    ("{a2}", {index}),')
    out.append("];")
    print("\n".join(out))


if __name__ == "__main__":
    main()
