//! Named predicates: checks a property comparison cannot express, implemented once here and
//! used from rule files with options (`predicate = "public-address-limit"`).

use crate::model::{Node, PropertyLookup, Tri, Value};
use crate::rules::condition::{Evidence, Outcome, Subject, lookup, parse_path};
use crate::source::Origin;
use std::net::Ipv4Addr;

#[derive(Debug, Clone)]
pub enum Predicate {
    /// An IPv4 range (`start`..`end` property paths) must not cover more than `max` public
    /// addresses; RFC 1918, loopback and link-local addresses don't count.
    PublicAddressLimit { start: Vec<String>, end: Vec<String>, max: u64 },
}

pub fn build(name: &str, start: Option<String>, end: Option<String>, max: Option<u64>) -> Result<Predicate, String> {
    match name {
        "public-address-limit" => {
            let path = |p: Option<String>, field: &str| match p {
                Some(p) => parse_path(&p),
                None => Err(format!("predicate `public-address-limit` needs `{field}`")),
            };
            Ok(Predicate::PublicAddressLimit {
                start: path(start, "start")?,
                end: path(end, "end")?,
                max: max.unwrap_or(256),
            })
        }
        other => Err(format!("unknown predicate `{other}` (known: `public-address-limit`)")),
    }
}

impl Predicate {
    pub fn evaluate(&self, subject: &Subject<'_>) -> Outcome {
        match self {
            Predicate::PublicAddressLimit { start, end, max } => public_address_limit(subject, start, end, *max),
        }
    }
}

// The closure's error is the outcome itself, returned at once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn public_address_limit(subject: &Subject<'_>, start: &[String], end: &[String], max: u64) -> Outcome {
    let read = |path: &[String]| -> Result<(Ipv4Addr, &Node), Outcome> {
        match lookup(subject.node, path) {
            PropertyLookup::Found(node) => match &node.value {
                Value::String(s) => s.trim().parse::<Ipv4Addr>().map(|ip| (ip, node)).map_err(|_| Outcome {
                    verdict: Tri::Unknown(crate::model::Unknown::opaque(
                        format!("{} is not an IPv4 address", node.value.describe()),
                        node.origin,
                    )),
                    evidence: Some(Evidence {
                        message: format!("`{}` is not an IPv4 address", path.join(".")),
                        location: node.origin,
                        trace: node.trace.clone(),
                        written: true,
                    }),
                    applicable: true,
                    independent: false,
                }),
                other => Err(unknown(path, other, node)),
            },
            PropertyLookup::Missing => {
                Err(Outcome { verdict: Tri::Yes, evidence: None, applicable: true, independent: false })
            }
            PropertyLookup::Unknown(_, node) => Err(unknown(path, &node.value, node)),
        }
    };
    // The same value at both ends is one address, whatever it is.
    if let (PropertyLookup::Found(a), PropertyLookup::Found(b)) =
        (lookup(subject.node, start), lookup(subject.node, end))
        && crate::model::compare::loosely_equals(&a.value, &b.value) == Tri::Yes
        && max >= 1
    {
        return Outcome { verdict: Tri::Yes, evidence: None, applicable: true, independent: false };
    }
    let (first, start_node) = match read(start) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let (last, end_node) = match read(end) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let count = public_addresses(u32::from(first), u32::from(last));
    if count <= max {
        return Outcome { verdict: Tri::Yes, evidence: None, applicable: true, independent: false };
    }
    let message = if u32::from(first) == 0 && u32::from(last) == u32::MAX {
        format!("the firewall rule allows every IPv4 address ({first}–{last})")
    } else {
        format!("the firewall rule allows {count} public addresses ({first}–{last}), more than {max}")
    };
    let mut trace = start_node.trace.clone();
    for step in &end_node.trace {
        if !trace.contains(step) {
            trace.push(step.clone());
        }
    }
    Outcome {
        verdict: Tri::No,
        evidence: Some(Evidence {
            message,
            location: if start_node.origin.file == end_node.origin.file {
                Origin::new(start_node.origin.file, start_node.origin.span.cover(end_node.origin.span))
            } else {
                start_node.origin
            },
            trace,
            written: true,
        }),
        applicable: true,
        independent: false,
    }
}

fn unknown(path: &[String], value: &Value, node: &Node) -> Outcome {
    let u = value
        .first_unknown()
        .cloned()
        .unwrap_or(crate::model::Unknown::opaque(format!("{} is not an address", value.describe()), node.origin));
    Outcome {
        verdict: Tri::Unknown(u.clone()),
        evidence: Some(Evidence {
            message: format!("`{}` cannot be resolved: {}", path.join("."), u.reason),
            location: node.origin,
            trace: node.trace.clone(),
            written: true,
        }),
        applicable: true,
        independent: false,
    }
}

/// Addresses in `first..=last` outside the private and reserved blocks.
fn public_addresses(first: u32, last: u32) -> u64 {
    if first > last {
        return 0;
    }
    const NON_PUBLIC: [(u32, u32); 5] = [
        (0x0A00_0000, 0x0AFF_FFFF), // 10.0.0.0/8
        (0x7F00_0000, 0x7FFF_FFFF), // 127.0.0.0/8
        (0xA9FE_0000, 0xA9FE_FFFF), // 169.254.0.0/16
        (0xAC10_0000, 0xAC1F_FFFF), // 172.16.0.0/12
        (0xC0A8_0000, 0xC0A8_FFFF), // 192.168.0.0/16
    ];
    let total = u64::from(last) - u64::from(first) + 1;
    let excluded: u64 = NON_PUBLIC
        .iter()
        .map(|&(lo, hi)| {
            let lo = lo.max(first);
            let hi = hi.min(last);
            if lo <= hi { u64::from(hi) - u64::from(lo) + 1 } else { 0 }
        })
        .sum();
    total - excluded
}

#[cfg(test)]
mod tests {
    use super::public_addresses;

    #[test]
    fn counts_public_addresses_only() {
        assert_eq!(public_addresses(0, u32::MAX), (1u64 << 32) - (1 << 24) * 2 - (1 << 16) - (1 << 20) - (1 << 16));
        assert_eq!(public_addresses(0x0A00_0000, 0x0AFF_FFFF), 0);
        assert_eq!(public_addresses(0x0808_0800, 0x0808_08FF), 256);
        assert_eq!(public_addresses(5, 4), 0);
    }
}
