//! XML output through `quick-xml`, shared by the IATI export and the SVG picture.
//!
//! Every text and attribute value is escaped: the five markup characters by
//! [`quick_xml::escape::escape`], and tab, line feed and carriage return as character
//! references, so that a parser's whitespace normalization (XML 1.0 §2.11 and §3.3.3) gives
//! back exactly the text that was written. Characters that XML 1.0 cannot carry at all,
//! even as references (the `Char` production, §2.2: most C0 controls, U+FFFE and U+FFFF),
//! are refused with [`ReportError::XmlCharacter`] naming the field, never dropped or
//! replaced.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::escape::escape;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::ReportError;

/// Whether XML 1.0 allows `c` in a document (the `Char` production of §2.2; Rust's `char`
/// already excludes the surrogates).
const fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Refuses a text that XML 1.0 cannot carry, naming `field`.
pub(super) fn check(field: &str, text: &str) -> Result<(), ReportError> {
    match text.chars().find(|c| !allowed(*c)) {
        None => Ok(()),
        Some(c) => Err(ReportError::XmlCharacter {
            field: field.to_owned(),
            code: u32::from(c),
        }),
    }
}

/// `text` escaped for an attribute value or element content (see the module notes).
fn escaped(text: &str) -> Cow<'_, str> {
    let markup = escape(text);
    if !markup.contains(['\t', '\n', '\r']) {
        return markup;
    }
    let mut out = String::with_capacity(markup.len().saturating_add(8));
    for c in markup.chars() {
        match c {
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// An XML document being written to memory, indented by two spaces.
pub(super) struct Xml {
    writer: Writer<Vec<u8>>,
}

fn failed(e: std::io::Error) -> ReportError {
    ReportError::Xml(crate::wire::Cause::io(&e))
}

impl Xml {
    /// A new document; with `declaration`, it starts with `<?xml version="1.0" encoding="UTF-8"?>`.
    pub(super) fn new(declaration: bool) -> Result<Xml, ReportError> {
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
        if declaration {
            writer
                .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
                .map_err(failed)?;
        }
        Ok(Xml { writer })
    }

    fn tag<'a>(name: &'a str, attributes: &[(&'a str, &str)]) -> BytesStart<'a> {
        let mut start = BytesStart::new(name);
        for (key, value) in attributes {
            start.push_attribute(Attribute {
                key: quick_xml::name::QName(key.as_bytes()),
                value: Cow::Owned(escaped(value).into_owned().into_bytes()),
            });
        }
        start
    }

    /// Opens `<name attributes...>`.
    pub(super) fn open(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
    ) -> Result<(), ReportError> {
        self.writer
            .write_event(Event::Start(Self::tag(name, attributes)))
            .map_err(failed)
    }

    /// Closes `</name>`.
    pub(super) fn close(&mut self, name: &str) -> Result<(), ReportError> {
        self.writer
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(failed)
    }

    /// Writes `<name attributes.../>`.
    pub(super) fn empty(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
    ) -> Result<(), ReportError> {
        self.writer
            .write_event(Event::Empty(Self::tag(name, attributes)))
            .map_err(failed)
    }

    /// Writes `<name attributes...>text</name>` on one line.
    pub(super) fn element(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> Result<(), ReportError> {
        self.writer
            .write_event(Event::Start(Self::tag(name, attributes)))
            .map_err(failed)?;
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(escaped(text))))
            .map_err(failed)?;
        self.writer
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(failed)
    }

    /// The document, ending with a line feed.
    pub(super) fn finish(self) -> Result<String, ReportError> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        String::from_utf8(bytes).map_err(|e| ReportError::Xml(crate::wire::Cause::utf8(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_whitespace_are_escaped() -> Result<(), ReportError> {
        let mut x = Xml::new(false)?;
        x.element("a", &[("k", "<\"'&>\t\n\r")], "<&>\t\n\r")?;
        assert_eq!(
            x.finish()?,
            "<a k=\"&lt;&quot;&apos;&amp;&gt;&#9;&#10;&#13;\">&lt;&amp;&gt;&#9;&#10;&#13;</a>\n"
        );
        Ok(())
    }

    #[test]
    fn characters_xml_cannot_carry_are_refused_by_name() {
        for c in [
            '\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            let text = format!("a{c}b");
            assert_eq!(
                check("publisher name", &text),
                Err(ReportError::XmlCharacter {
                    field: "publisher name".to_owned(),
                    code: u32::from(c)
                })
            );
        }
        for ok in [
            "\t\n\r",
            "\u{20}\u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF}",
            "",
        ] {
            assert_eq!(check("f", ok), Ok(()));
        }
    }
}
