//! Customer contacts for repeat-contact detection, kept compactly.
//!
//! Whether a contact was followed by another one from the same customer within N days
//! can only be decided once every run of the period is merged (and N is a `report`
//! option), so each contact with a customer id and a start time is kept as one 16-byte
//! integer: customer key (64 bits: SHA-256 of the id, never the id), start minute (32),
//! agent index (20) and primary driver (12). A year of daily runs of 100 000 calls is
//! 36.5 M contacts = 584 MB in memory, written base64 in `aggregates.json`.
//!
//! Example call ids for the repeat tables cannot come from the contacts themselves, so
//! each agent and driver also keeps the contacts with its [`REPEAT_CANDIDATES`] smallest
//! call ids; `report` shows those of them that turned out to be repeated.

use super::buckets::NO_DRIVER;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// Contacts kept with their call id per agent and per driver, to pick examples from.
pub const REPEAT_CANDIDATES: usize = 20;

/// Largest agent index a contact can carry (20 bits).
pub const MAX_AGENT: u32 = (1 << 20) - 1;

/// One contact: `customer << 64 | minute << 32 | agent << 12 | driver`. Ordering by
/// the integer orders by customer, then time: what the repeat scan needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Contact(pub u128);

impl Contact {
    /// Pack one contact; `None` when the agent index or minute does not fit.
    pub fn new(customer: u64, minute: i64, agent: u32, driver: u16) -> Option<Contact> {
        let minute = u32::try_from(minute).ok()?;
        if agent > MAX_AGENT || driver > NO_DRIVER {
            return None;
        }
        Some(Contact(
            (u128::from(customer) << 64)
                | (u128::from(minute) << 32)
                | (u128::from(agent) << 12)
                | u128::from(driver),
        ))
    }

    /// Customer key.
    pub fn customer(self) -> u64 {
        (self.0 >> 64) as u64
    }

    /// Start, minutes since the Unix epoch.
    pub fn minute(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// Agent index.
    pub fn agent(self) -> u32 {
        ((self.0 >> 12) as u32) & MAX_AGENT
    }

    /// Primary driver index ([`NO_DRIVER`]: none).
    pub fn driver(self) -> u16 {
        (self.0 as u16) & NO_DRIVER
    }

    /// The same contact with another agent index.
    pub fn with_agent(self, agent: u32) -> Contact {
        let cleared = self.0 & !(u128::from(MAX_AGENT) << 12);
        Contact(cleared | (u128::from(agent & MAX_AGENT) << 12))
    }

    /// The same contact with another driver index.
    pub fn with_driver(self, driver: u16) -> Contact {
        Contact((self.0 & !u128::from(NO_DRIVER)) | u128::from(driver & NO_DRIVER))
    }
}

/// A contact remembered with its call id: `[call_id, customer, minute]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Candidate(pub String, pub u64, pub u32);

/// Contacts as written in the file: `{"n": count, "data": base64 of 16-byte little-endian
/// integers}`, held in memory as the contacts themselves.
///
/// The base64 text is never built as a string of its own: serialising streams it in
/// pieces into the JSON writer ([`Pieces`]) and reading decodes it in pieces, so the end
/// of a run of millions of calls holds the contacts and the file text, not a third copy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactsWire {
    /// The contacts, sorted.
    pub contacts: Vec<Contact>,
    /// Read from a file: why its contacts could not be decoded. Valid JSON with a damaged
    /// `data` is an inconsistent file, not broken JSON, so the check that reports it is
    /// the pack's ([`super::wire::pack_from_wire`]), not the parser's.
    pub damaged: Option<String>,
}

impl ContactsWire {
    /// Contacts to write.
    pub fn new(contacts: Vec<Contact>) -> ContactsWire {
        ContactsWire {
            contacts,
            damaged: None,
        }
    }
}

/// Contacts per base64 piece: 3 072 contacts are 49 152 bytes, a whole number of 3-byte
/// groups, so the pieces join into the base64 of the whole.
const PIECE: usize = 3 * 1024;

/// The base64 of contacts, written piece by piece into a formatter (what serde_json's
/// `collect_str` hands out), never as one string.
struct Pieces<'a>(&'a [Contact]);

impl std::fmt::Display for Pieces<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let engine = &base64::engine::general_purpose::STANDARD;
        let mut bytes = Vec::with_capacity(PIECE * 16);
        let mut text = vec![0u8; PIECE * 16 / 3 * 4];
        for piece in self.0.chunks(PIECE) {
            bytes.clear();
            for c in piece {
                bytes.extend_from_slice(&c.0.to_le_bytes());
            }
            let n = engine
                .encode_slice(&bytes, &mut text)
                .map_err(|_| std::fmt::Error)?;
            // base64 is ASCII.
            f.write_str(std::str::from_utf8(&text[..n]).map_err(|_| std::fmt::Error)?)?;
        }
        Ok(())
    }
}

/// The file's fields, for reading.
#[derive(Deserialize)]
struct Fields<'a> {
    n: u64,
    #[serde(borrow)]
    data: std::borrow::Cow<'a, str>,
}

impl Serialize for ContactsWire {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ContactsWire", 2)?;
        st.serialize_field("n", &(self.contacts.len() as u64))?;
        st.serialize_field("data", &Streamed(&self.contacts))?;
        st.end()
    }
}

/// The `data` field: a string the serializer collects from [`Pieces`].
struct Streamed<'a>(&'a [Contact]);

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&Pieces(self.0))
    }
}

impl<'de> Deserialize<'de> for ContactsWire {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ContactsWire, D::Error> {
        let f = Fields::deserialize(d)?;
        Ok(match decode(f.n, &f.data) {
            Ok(contacts) => ContactsWire::new(contacts),
            Err(e) => ContactsWire {
                contacts: Vec::new(),
                damaged: Some(e),
            },
        })
    }
}

/// Decode `n` contacts from their base64 text, a piece at a time; `Err` says what is wrong.
pub fn decode(n: u64, data: &str) -> Result<Vec<Contact>, String> {
    let engine = &base64::engine::general_purpose::STANDARD;
    let expected = n.saturating_mul(16);
    // Padding can only end the text, so whole 4-character groups of a piece decode alone.
    let decoded_len = (data.len() / 4).saturating_mul(3) as u64;
    let padding = data.bytes().rev().take_while(|b| *b == b'=').count() as u64;
    if !data.len().is_multiple_of(4) || decoded_len.saturating_sub(padding.min(2)) != expected {
        return Err(format!(
            "contacts data has {} base64 characters, expected {} for {n} contacts",
            data.len(),
            expected.div_ceil(3) * 4
        ));
    }
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    let mut bytes = vec![0u8; PIECE * 16];
    for piece in data.as_bytes().chunks(PIECE * 16 / 3 * 4) {
        let len = engine
            .decode_slice(piece, &mut bytes)
            .map_err(|e| format!("contacts data is not base64: {e}"))?;
        out.extend(bytes[..len].chunks_exact(16).map(|c| {
            let mut b = [0u8; 16];
            b.copy_from_slice(c);
            Contact(u128::from_le_bytes(b))
        }));
    }
    if out.len() as u64 != n {
        return Err(format!(
            "contacts data holds {} contacts, expected {n}",
            out.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(contacts: &[Contact]) -> String {
        Pieces(contacts).to_string()
    }

    #[test]
    fn encoding_in_pieces_is_the_base64_of_all_contacts() {
        use base64::Engine as _;
        for n in [0usize, 1, 2, 3, 3_071, 3_072, 3_073, 6_145] {
            let cs: Vec<Contact> = (0..n)
                .map(|i| Contact::new(i as u64 * 7_919, i as i64, (i % 1000) as u32, 3).unwrap())
                .collect();
            let whole: Vec<u8> = cs.iter().flat_map(|c| c.0.to_le_bytes()).collect();
            let data = encode(&cs);
            assert_eq!(
                data,
                base64::engine::general_purpose::STANDARD.encode(&whole),
                "{n}"
            );
            assert_eq!(decode(n as u64, &data).unwrap(), cs);
            // The file form streams the same text and reads it back.
            let json = serde_json::to_string(&ContactsWire::new(cs.clone())).unwrap();
            assert_eq!(json, format!(r#"{{"n":{n},"data":"{data}"}}"#));
            let back: ContactsWire = serde_json::from_str(&json).unwrap();
            assert_eq!(back, ContactsWire::new(cs));
        }
    }

    #[test]
    fn packing_round_trips_and_orders_by_customer_then_time() {
        let c = Contact::new(u64::MAX - 3, 29_500_000, 12_345, 17).unwrap();
        assert_eq!(c.customer(), u64::MAX - 3);
        assert_eq!(c.minute(), 29_500_000);
        assert_eq!(c.agent(), 12_345);
        assert_eq!(c.driver(), 17);
        let d = c.with_agent(7).with_driver(NO_DRIVER);
        assert_eq!(
            (d.customer(), d.minute(), d.agent(), d.driver()),
            (u64::MAX - 3, 29_500_000, 7, NO_DRIVER)
        );
        let later = Contact::new(5, 100, 0, 0).unwrap();
        let earlier_other_agent = Contact::new(5, 99, 9, 3).unwrap();
        assert!(earlier_other_agent < later);
        assert!(Contact::new(1, -1, 0, 0).is_none());
        assert!(Contact::new(1, 0, MAX_AGENT + 1, 0).is_none());
        let data = encode(&[c, d]);
        assert_eq!(decode(2, &data).unwrap(), vec![c, d]);
        assert!(decode(3, &data).is_err());
        assert!(decode(1, &data).is_err());
    }

    #[test]
    fn damaged_contacts_data_is_refused_with_what_is_wrong() {
        let data = encode(&[Contact(1), Contact(2), Contact(3)]);
        assert_eq!(data.len(), 64);
        let err = decode(3, &data[..60]).unwrap_err();
        assert!(err.contains("60 base64 characters, expected 64"), "{err}");
        let mut bad = data.clone();
        bad.replace_range(4..5, "*");
        let err = decode(3, &bad).unwrap_err();
        assert!(err.contains("not base64"), "{err}");
        let read = serde_json::from_str::<ContactsWire>(r#"{"n":1,"data":"AAAA"}"#).unwrap();
        let err = read.damaged.unwrap();
        assert!(err.contains("expected 24 for 1 contacts"), "{err}");
        assert_eq!(decode(0, "").unwrap(), vec![]);
    }
}
