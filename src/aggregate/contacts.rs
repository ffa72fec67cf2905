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

/// Contacts as written in the file: count and base64 of 16-byte little-endian integers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactsWire {
    /// Number of contacts.
    pub n: u64,
    /// base64 (standard alphabet, padded).
    pub data: String,
}

/// Encode contacts (already in the order to write).
///
/// A few thousand contacts at a time: 3 072 contacts are 49 152 bytes, a whole number of
/// 3-byte base64 groups, so the pieces join into the base64 of the whole, and a run of
/// millions of calls never holds the raw bytes of all its contacts next to their text.
pub fn encode(contacts: &[Contact]) -> ContactsWire {
    const PIECE: usize = 3 * 1024;
    let engine = &base64::engine::general_purpose::STANDARD;
    let mut data = String::with_capacity(contacts.len().div_ceil(3) * 64);
    let mut bytes = Vec::with_capacity(PIECE * 16);
    for piece in contacts.chunks(PIECE) {
        bytes.clear();
        for c in piece {
            bytes.extend_from_slice(&c.0.to_le_bytes());
        }
        engine.encode_string(&bytes, &mut data);
    }
    ContactsWire {
        n: contacts.len() as u64,
        data,
    }
}

/// Decode contacts; `Err` says what is wrong.
pub fn decode(w: &ContactsWire) -> Result<Vec<Contact>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(w.data.as_bytes())
        .map_err(|e| format!("contacts data is not base64: {e}"))?;
    if bytes.len() as u64 != w.n.saturating_mul(16) {
        return Err(format!(
            "contacts data has {} bytes, expected {} for {} contacts",
            bytes.len(),
            w.n.saturating_mul(16),
            w.n
        ));
    }
    Ok(bytes
        .chunks_exact(16)
        .map(|c| {
            let mut b = [0u8; 16];
            b.copy_from_slice(c);
            Contact(u128::from_le_bytes(b))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_in_pieces_is_the_base64_of_all_contacts() {
        use base64::Engine as _;
        for n in [0usize, 1, 2, 3, 3_071, 3_072, 3_073, 6_145] {
            let cs: Vec<Contact> = (0..n)
                .map(|i| Contact::new(i as u64 * 7_919, i as i64, (i % 1000) as u32, 3).unwrap())
                .collect();
            let whole: Vec<u8> = cs.iter().flat_map(|c| c.0.to_le_bytes()).collect();
            let w = encode(&cs);
            assert_eq!(w.n, n as u64);
            assert_eq!(
                w.data,
                base64::engine::general_purpose::STANDARD.encode(&whole),
                "{n}"
            );
            assert_eq!(decode(&w).unwrap(), cs);
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
        let w = encode(&[c, d]);
        assert_eq!(decode(&w).unwrap(), vec![c, d]);
        assert!(decode(&ContactsWire { n: 3, data: w.data }).is_err());
    }
}
